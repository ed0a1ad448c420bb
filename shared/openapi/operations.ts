import type * as z from 'zod/mini';
import type { RequestSchemas } from '../http/middleware.ts';
import { listAcceptancesQuery } from '../schemas/acceptances.ts';
import { catalogQuery } from '../schemas/catalog.ts';
import { acceptLanguageHeaders } from '../schemas/common.ts';
import {
  createOfferBody,
  createOfferHeaders,
  deactivateBody,
  listOffersQuery,
  messageQuery,
  reviseOfferBody,
  summaryIdPath,
} from '../schemas/offers.ts';
import { listOfficesQuery } from '../schemas/offices.ts';
import {
  acceptanceListSchema,
  catalogSchema,
  createdOfferSchema,
  offerListSchema,
  offerMessageResponseSchema,
  offerViewSchema,
  officeListSchema,
  officeSyncSchema,
  usageLocationsSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookPingSchema,
} from '../schemas/responses.ts';
import {
  deliveryListSchema,
  deliveryPath,
  listDeliveriesQuery,
  redeliverySchema,
} from '../schemas/webhook-deliveries.ts';
import { createWebhookEndpointBody, createWebhookEndpointHeaders, webhookEndpointPath } from '../schemas/webhooks.ts';
import type { ProblemSlug } from './problems.ts';

/** A response header an operation sets, for the document. */
export interface HeaderDoc {
  readonly description: string;
  readonly schema?: Record<string, unknown>;
}

/**
 * One route of the JSON API as the OpenAPI document describes it. `request` holds the very schemas
 * the route's handler validates with (imported from shared/schemas, as the handler imports them);
 * `success.schema` is the answer's shape (shared/schemas/responses.ts).
 */
export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'Catalog' | 'Offices' | 'Offers' | 'Webhooks' | 'Meta';
  readonly request: RequestSchemas;
  /** The body may be left out (deactivate: no body means no message). */
  readonly bodyOptional?: boolean;
  readonly success: {
    readonly status: number;
    readonly description: string;
    /** Its JSON shape; absent with a `contentType` that is not JSON (an SVG). */
    readonly schema?: z.ZodMiniType;
    /** The component name the document gives `schema`. */
    readonly name?: string;
    readonly contentType?: string;
    /** Free-form JSON (the OpenAPI document itself). */
    readonly anyJson?: boolean;
    readonly headers?: Readonly<Record<string, HeaderDoc>>;
  };
  /**
   * The route's own problem types. Every partner route also answers `unauthorized`,
   * `service-unavailable` and `internal-error`; one with request schemas `invalid-request`; one
   * with a body the body problems (missing, malformed, too large, wrong media type).
   */
  readonly problems?: readonly ProblemSlug[];
}

const CREATE_PROBLEMS: readonly ProblemSlug[] = [
  'too-many-customers',
  'delegated-admin-not-certified',
  'partner-profile-missing',
  'duplicate-reference',
  'concurrent-request',
  'office-not-usable',
  'item-count-out-of-range',
  'sku-not-sold',
  'duplicate-sku',
  'licenses-out-of-range',
  'invalid-expiry',
  'idempotency-key-reused',
  'term-not-sold',
  'quantity-limit-exceeded',
];

const CREATED_HEADERS: Readonly<Record<string, HeaderDoc>> = {
  location: { description: 'The new offer: `/v1/offers/{summaryId}`.', schema: { type: 'string' } },
  'idempotent-replayed': {
    description: '`true` when this is the first answer again for a retried Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * The JSON API's operations by route key (`METHOD /path`, as in shared/routes.ts). A route of the
 * table that is missing here is still in the document, with its path parameters and the problems
 * every route answers, and test/unit/openapi.test.ts names it until it is described here.
 */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'GET /v1/usage-locations': {
    operationId: 'listUsageLocations',
    summary: 'Usage locations we sell in, named in the negotiated language',
    tag: 'Catalog',
    request: { headers: acceptLanguageHeaders },
    success: {
      status: 200,
      description: 'The usage locations, sorted by name in `locale` (en or pt-BR, from Accept-Language).',
      schema: usageLocationsSchema,
      name: 'UsageLocations',
      headers: { 'content-language': { description: 'The negotiated locale.', schema: { type: 'string' } } },
    },
  },
  'GET /v1/catalog': {
    operationId: 'getCatalog',
    summary: 'Subscriptions sold in a usage location, with terms, billing options and list prices',
    tag: 'Catalog',
    request: { query: catalogQuery },
    success: {
      status: 200,
      description: 'The catalog for the usage location.',
      schema: catalogSchema,
      name: 'Catalog',
    },
  },
  'GET /v1/offices': {
    operationId: 'listOffices',
    summary: "The partner's offices, as synced from the partner network directory",
    tag: 'Offices',
    request: { query: listOfficesQuery },
    success: {
      status: 200,
      description: 'Active offices first, then by name.',
      schema: officeListSchema,
      name: 'OfficeList',
    },
  },
  'POST /v1/offices/sync': {
    operationId: 'syncOffices',
    summary: "Sync the partner's offices from the directory now (at most once a minute)",
    tag: 'Offices',
    request: {},
    success: {
      status: 200,
      description: 'The sync result and the offices.',
      schema: officeSyncSchema,
      name: 'OfficeSync',
    },
    problems: ['office-sync-rate-limited', 'directory-unavailable'],
  },
  'POST /v1/offers': {
    operationId: 'createOffer',
    summary: 'Create an offer (idempotent with Idempotency-Key)',
    tag: 'Offers',
    request: { headers: createOfferHeaders, body: createOfferBody },
    success: {
      status: 201,
      description: 'The new offer with its message; a retried Idempotency-Key gets the first answer again.',
      schema: createdOfferSchema,
      name: 'CreatedOffer',
      headers: CREATED_HEADERS,
    },
    problems: CREATE_PROBLEMS,
  },
  'GET /v1/offers': {
    operationId: 'listOffers',
    summary: "The partner's offers, newest first",
    tag: 'Offers',
    request: { query: listOffersQuery },
    success: {
      status: 200,
      description: 'One page; follow `nextCursor` until absent.',
      schema: offerListSchema,
      name: 'OfferList',
    },
  },
  'GET /v1/offers/{summaryId}': {
    operationId: 'getOffer',
    summary: 'One offer with its status and counters',
    tag: 'Offers',
    request: { path: summaryIdPath },
    success: { status: 200, description: 'The offer.', schema: offerViewSchema, name: 'Offer' },
    problems: ['offer-not-found'],
  },
  'GET /v1/offers/{summaryId}/message': {
    operationId: 'getOfferMessage',
    summary: 'The ready-to-send message for an offer, in its locale or another',
    tag: 'Offers',
    request: { path: summaryIdPath, query: messageQuery },
    success: {
      status: 200,
      description: 'The message.',
      schema: offerMessageResponseSchema,
      name: 'OfferMessageResponse',
      headers: { 'content-language': { description: "The message's locale.", schema: { type: 'string' } } },
    },
    problems: ['offer-not-found'],
  },
  'GET /v1/offers/{summaryId}/qr.svg': {
    operationId: 'getOfferQr',
    summary: "The offer's customer link as an SVG QR code",
    tag: 'Offers',
    request: { path: summaryIdPath },
    success: { status: 200, description: 'An SVG image.', contentType: 'image/svg+xml' },
    problems: ['offer-not-found'],
  },
  'GET /v1/offers/{summaryId}/acceptances': {
    operationId: 'listAcceptances',
    summary: "An offer's acceptances (each one's evidence snapshot), oldest first",
    tag: 'Offers',
    request: { path: summaryIdPath, query: listAcceptancesQuery },
    success: {
      status: 200,
      description: 'One page; follow `nextCursor` until absent.',
      schema: acceptanceListSchema,
      name: 'AcceptanceList',
    },
    problems: ['offer-not-found'],
  },
  'POST /v1/offers/{summaryId}/deactivate': {
    operationId: 'deactivateOffer',
    summary: 'Stop an offer; an optional message is shown to customers',
    tag: 'Offers',
    request: { path: summaryIdPath, body: deactivateBody },
    bodyOptional: true,
    success: { status: 200, description: 'The deactivated offer.', schema: offerViewSchema, name: 'Offer' },
    problems: ['offer-not-found'],
  },
  'POST /v1/offers/{summaryId}/revise': {
    operationId: 'reviseOffer',
    summary: 'A new offer from this one with your changes; the old one is deactivated and points to it',
    tag: 'Offers',
    request: { path: summaryIdPath, headers: createOfferHeaders, body: reviseOfferBody },
    success: {
      status: 201,
      description: 'The new offer (`revisionOf` names the old one) with its message.',
      schema: createdOfferSchema,
      name: 'CreatedOffer',
      headers: CREATED_HEADERS,
    },
    problems: ['offer-not-found', 'offer-already-revised', ...CREATE_PROBLEMS],
  },
  'POST /v1/webhook-endpoints': {
    operationId: 'createWebhookEndpoint',
    summary:
      'Register a webhook endpoint (https, public host); its signing secret is shown once (idempotent with Idempotency-Key)',
    tag: 'Webhooks',
    request: { headers: createWebhookEndpointHeaders, body: createWebhookEndpointBody },
    success: {
      status: 201,
      description: 'The endpoint with `secret`; a retried Idempotency-Key gets the first answer again.',
      schema: webhookEndpointSchema,
      name: 'WebhookEndpoint',
      headers: {
        location: { description: '`/v1/webhook-endpoints/{endpointId}`.' },
        'idempotent-replayed': CREATED_HEADERS['idempotent-replayed'] as HeaderDoc,
      },
    },
    problems: ['webhook-url-not-allowed', 'webhook-endpoint-limit', 'idempotency-key-reused'],
  },
  'GET /v1/webhook-endpoints': {
    operationId: 'listWebhookEndpoints',
    summary: "The partner's webhook endpoints",
    tag: 'Webhooks',
    request: {},
    success: {
      status: 200,
      description: 'Every endpoint.',
      schema: webhookEndpointListSchema,
      name: 'WebhookEndpointList',
    },
  },
  'GET /v1/webhook-endpoints/{endpointId}': {
    operationId: 'getWebhookEndpoint',
    summary: 'One webhook endpoint',
    tag: 'Webhooks',
    request: { path: webhookEndpointPath },
    success: { status: 200, description: 'The endpoint.', schema: webhookEndpointSchema, name: 'WebhookEndpoint' },
    problems: ['webhook-endpoint-not-found'],
  },
  'DELETE /v1/webhook-endpoints/{endpointId}': {
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint (deliveries stop)',
    tag: 'Webhooks',
    request: { path: webhookEndpointPath },
    success: { status: 204, description: 'Deleted.' },
    problems: ['webhook-endpoint-not-found', 'webhook-endpoint-changed'],
  },
  'POST /v1/webhook-endpoints/{endpointId}/rotate-secret': {
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret, shown once; the previous one keeps signing for 24 h',
    tag: 'Webhooks',
    request: { path: webhookEndpointPath },
    success: {
      status: 200,
      description: 'The endpoint with the new `secret`.',
      schema: webhookEndpointSchema,
      name: 'WebhookEndpoint',
    },
    problems: ['webhook-endpoint-not-found', 'webhook-endpoint-changed'],
  },
  'POST /v1/webhook-endpoints/{endpointId}/test': {
    operationId: 'testWebhookEndpoint',
    summary: 'Send a `ping` event to the endpoint',
    tag: 'Webhooks',
    request: { path: webhookEndpointPath },
    success: {
      status: 202,
      description: 'The ping is queued; its attempts show in the delivery log.',
      schema: webhookPingSchema,
      name: 'WebhookPing',
    },
    problems: ['webhook-endpoint-not-found', 'webhook-endpoint-disabled'],
  },
  'POST /v1/webhook-endpoints/{endpointId}/enable': {
    operationId: 'enableWebhookEndpoint',
    summary: 'Enable an endpoint again after it was disabled for 3 days of failed deliveries',
    tag: 'Webhooks',
    request: { path: webhookEndpointPath },
    success: {
      status: 200,
      description: 'The endpoint, `enabled`.',
      schema: webhookEndpointSchema,
      name: 'WebhookEndpoint',
    },
    problems: ['webhook-endpoint-not-found'],
  },
  'GET /v1/webhook-endpoints/{endpointId}/deliveries': {
    operationId: 'listWebhookDeliveries',
    summary: "The endpoint's delivery log, newest first (kept 30 days)",
    tag: 'Webhooks',
    request: { path: webhookEndpointPath, query: listDeliveriesQuery },
    success: {
      status: 200,
      description: 'One page of deliveries; `nextCursor` when there may be more.',
      schema: deliveryListSchema,
      name: 'WebhookDeliveryList',
    },
    problems: ['webhook-endpoint-not-found'],
  },
  'POST /v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry': {
    operationId: 'redeliverWebhook',
    summary: 'Send a delivery’s event again, as a new delivery with the same event id (`webhook-id`)',
    tag: 'Webhooks',
    request: { path: deliveryPath },
    success: {
      status: 202,
      description: 'The redelivery is queued; its attempts show in the delivery log.',
      schema: redeliverySchema,
      name: 'WebhookRedelivery',
    },
    problems: ['webhook-endpoint-not-found', 'webhook-delivery-not-found', 'webhook-endpoint-disabled'],
  },
  'GET /v1/openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tag: 'Meta',
    request: {},
    success: {
      status: 200,
      description: 'The OpenAPI 3.1 document of the partner API (public, cacheable for 5 minutes).',
      anyJson: true,
    },
  },
};
