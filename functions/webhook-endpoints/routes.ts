import { randomBytes } from 'node:crypto';
import {
  type DynamoWebhookEndpointStore,
  IdempotencyKeyTakenError,
  webhookEndpointNotFound,
} from '../../shared/db/webhook-endpoints.ts';
import { ConflictError, UnprocessableError } from '../../shared/domain/errors.ts';
import {
  epochSeconds,
  IDEMPOTENCY_WINDOW_SECONDS,
  type IdempotencyRecord,
  isLive,
  requestHash,
} from '../../shared/domain/idempotency.ts';
import {
  activeSecrets,
  type WebhookDispatcher,
  type WebhookEndpoint,
  type WebhookEvent,
} from '../../shared/domain/webhook.ts';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS, ServiceUnavailableError } from '../../shared/http/problem.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { type RouteGroup, routeGroup } from '../../shared/http/route-group.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import {
  assertPublicUrl,
  DnsUnavailableError,
  type Resolver,
  UnsafeUrlError,
} from '../../shared/net/public-address.ts';
import {
  createWebhookEndpointBody,
  createWebhookEndpointHeaders,
  webhookEndpointPath,
} from '../../shared/schemas/webhooks.ts';
import { type DeliveryLogDeps, deliveryLogRoutes, NO_DELIVERY_LOG } from './delivery-log.ts';

/** Bytes of randomness in a signing secret: 32 (Standard Webhooks takes 24 to 64). */
export const SECRET_BYTES = 32;

/** A Standard Webhooks signing secret: `whsec_` + base64 of SECRET_BYTES random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** `we_` + 24 hex characters (96 random bits). */
export function newEndpointId(): string {
  return `we_${randomBytes(12).toString('hex')}`;
}

/** `evt_` + 24 hex characters: the event id, also the `webhook-id` header receivers dedupe on. */
export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

/**
 * An endpoint as the API shows it: never a secret's value (shown once, when created or rotated),
 * only when each secret that still signs was made and, for the previous one, when it stops.
 */
export function webhookEndpointView(endpoint: WebhookEndpoint, now: Date) {
  return {
    endpointId: endpoint.endpointId,
    url: endpoint.url,
    events: endpoint.events,
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    status: endpoint.status,
    ...(endpoint.disabledReason === undefined ? {} : { disabledReason: endpoint.disabledReason }),
    secrets: activeSecrets(endpoint, now).map(({ createdAt, expiresAt }) => ({
      createdAt,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    })),
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export interface WebhookEndpointRouteDeps {
  readonly store: Pick<
    DynamoWebhookEndpointStore,
    'create' | 'getIdempotency' | 'get' | 'listForPartner' | 'delete' | 'rotateSecret' | 'enable'
  >;
  readonly dispatcher: WebhookDispatcher;
  /** The DNS resolver the SSRF check uses (the system's by default). */
  readonly resolve?: Resolver;
  /** Loopback receivers allowed (local runs only: loopbackHttpAllowed()). */
  readonly allowLoopback: boolean;
  /** The delivery log and redelivery routes' dependencies (delivery-log.ts); without: they answer 503. */
  readonly deliveryLog?: DeliveryLogDeps;
}

/**
 * The URL checked against the SSRF rules (after resolving its host).
 * @throws UnprocessableError `webhook-url-not-allowed` naming body.url and the rule it broke.
 * @throws ServiceUnavailableError when DNS did not answer in time (503, retry).
 */
async function checkedUrl(url: string, deps: WebhookEndpointRouteDeps): Promise<string> {
  try {
    const target = await assertPublicUrl(url, {
      allowLoopback: deps.allowLoopback,
      ...(deps.resolve ? { resolve: deps.resolve } : {}),
    });
    return target.url.href;
  } catch (error) {
    if (error instanceof UnsafeUrlError) {
      throw new UnprocessableError('webhook-url-not-allowed', 'Webhook URL not allowed', undefined, [
        { at: { field: 'webhookUrl' }, rule: error.rule, message: error.reason },
      ]);
    }
    if (error instanceof DnsUnavailableError) {
      throw new ServiceUnavailableError(
        error.message,
        `The URL's host name did not resolve in time. Retry after ${SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS} seconds; nothing was registered.`,
      );
    }
    throw error;
  }
}

/** The Idempotency-Key's operation: a key used for a registration serves registrations only. */
const CREATE_OPERATION = 'create-webhook-endpoint';

/**
 * The first answer again, for a retry with the same key and body (the secret included: the
 * caller may never have seen the first answer).
 * @throws UnprocessableError `idempotency-key-reused` when the key served another request.
 */
function replayed(record: IdempotencyRecord, hash: string): ApiResult {
  if (record.operation !== CREATE_OPERATION || record.requestHash !== hash) {
    throw new UnprocessableError(
      'idempotency-key-reused',
      'Idempotency-Key reused with another request',
      'This Idempotency-Key was used in the last 24 hours for a different request. Send a new key for a new endpoint, or the same body to get the first answer again.',
      [
        {
          at: { field: 'idempotencyKey' },
          rule: 'reused_with_different_body',
          message: 'was used for another request',
        },
      ],
    );
  }
  return {
    statusCode: record.statusCode,
    headers: {
      'content-type': 'application/json',
      ...(record.location === undefined ? {} : { location: record.location }),
      'idempotent-replayed': 'true',
    },
    body: record.responseBody,
  };
}

async function found(deps: WebhookEndpointRouteDeps, partnerId: string, endpointId: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.store.get(partnerId, endpointId);
  if (!endpoint) throw webhookEndpointNotFound(endpointId);
  return endpoint;
}

/** The webhook endpoints API, on the given store, dispatcher and resolver. */
export function webhookEndpointRoutes(deps: WebhookEndpointRouteDeps): RouteGroup {
  return routeGroup('webhookEndpoints', {
    'POST /v1/webhook-endpoints': partnerRoute(
      { headers: createWebhookEndpointHeaders, body: createWebhookEndpointBody },
      async ({ partnerId, headers, body }) => {
        const key = headers['idempotency-key'];
        const hash = requestHash(body);
        const now = new Date();
        if (key !== undefined) {
          const earlier = await deps.store.getIdempotency(partnerId, key);
          if (earlier && isLive(earlier, now)) return replayed(earlier, hash);
        }
        const url = await checkedUrl(body.url, deps);
        const at = now.toISOString();
        const secret = newWebhookSecret();
        const endpoint: WebhookEndpoint = {
          endpointId: newEndpointId(),
          partnerId,
          url,
          events: body.events,
          ...(body.description === undefined ? {} : { description: body.description }),
          status: 'enabled',
          secrets: [{ secret, createdAt: at }],
          createdAt: at,
          updatedAt: at,
        };
        const responseBody = JSON.stringify({ ...webhookEndpointView(endpoint, now), secret });
        const location = `/v1/webhook-endpoints/${endpoint.endpointId}`;
        const record: IdempotencyRecord | undefined =
          key === undefined
            ? undefined
            : {
                partnerId,
                key,
                operation: CREATE_OPERATION,
                requestHash: hash,
                statusCode: 201,
                responseBody,
                location,
                createdAt: at,
                expiresAtEpoch: epochSeconds(now) + IDEMPOTENCY_WINDOW_SECONDS,
              };
        try {
          await deps.store.create(endpoint, record);
        } catch (error) {
          if (!(error instanceof IdempotencyKeyTakenError) || key === undefined) throw error;
          const winner = await deps.store.getIdempotency(partnerId, key);
          if (winner && isLive(winner, now)) return replayed(winner, hash);
          throw error;
        }
        return { statusCode: 201, headers: { 'content-type': 'application/json', location }, body: responseBody };
      },
    ),
    'GET /v1/webhook-endpoints': partnerRoute({}, async ({ partnerId }) => {
      const now = new Date();
      const endpoints = await deps.store.listForPartner(partnerId);
      return json(200, { webhookEndpoints: endpoints.map((endpoint) => webhookEndpointView(endpoint, now)) });
    }),
    'GET /v1/webhook-endpoints/{endpointId}': partnerRoute({ path: webhookEndpointPath }, async ({ partnerId, path }) =>
      json(200, webhookEndpointView(await found(deps, partnerId, path.endpointId), new Date())),
    ),
    'DELETE /v1/webhook-endpoints/{endpointId}': partnerRoute(
      { path: webhookEndpointPath },
      async ({ partnerId, path }) => {
        await deps.store.delete(partnerId, path.endpointId, new Date());
        return { statusCode: 204, headers: {}, body: '' };
      },
    ),
    'POST /v1/webhook-endpoints/{endpointId}/rotate-secret': partnerRoute(
      { path: webhookEndpointPath },
      async ({ partnerId, path }) => {
        const now = new Date();
        const secret = newWebhookSecret();
        const endpoint = await deps.store.rotateSecret(partnerId, path.endpointId, secret, now);
        return json(200, { ...webhookEndpointView(endpoint, now), secret });
      },
    ),
    'POST /v1/webhook-endpoints/{endpointId}/enable': partnerRoute(
      { path: webhookEndpointPath },
      async ({ partnerId, path }) => {
        const now = new Date();
        return json(200, webhookEndpointView(await deps.store.enable(partnerId, path.endpointId, now), now));
      },
    ),
    'POST /v1/webhook-endpoints/{endpointId}/test': partnerRoute(
      { path: webhookEndpointPath },
      async ({ partnerId, path }) => {
        const endpoint = await found(deps, partnerId, path.endpointId);
        if (endpoint.status !== 'enabled') {
          throw new ConflictError(
            'webhook-endpoint-disabled',
            'Webhook endpoint disabled',
            `The endpoint is disabled (${endpoint.disabledReason ?? 'by the service'}); enable it with POST /v1/webhook-endpoints/${endpoint.endpointId}/enable, then ping it.`,
            [
              {
                at: { field: 'webhookEndpointId' },
                rule: 'endpoint_disabled',
                message: 'is disabled; enable it first',
              },
            ],
          );
        }
        const event: WebhookEvent<'ping'> = {
          id: newEventId(),
          type: 'ping',
          createdAt: new Date().toISOString(),
          data: { endpointId: endpoint.endpointId },
        };
        const delivery = await deps.dispatcher.dispatch(endpoint, event);
        // Accepted: the ping is queued; its attempts show in the endpoint's delivery log.
        return json(202, { event, deliveryId: delivery.deliveryId, status: delivery.status });
      },
    ),
    ...deliveryLogRoutes(deps.deliveryLog ?? NO_DELIVERY_LOG),
  });
}
