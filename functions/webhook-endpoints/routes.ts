import { randomBytes } from 'node:crypto';
import { type DynamoWebhookEndpointStore, webhookEndpointNotFound } from '../../shared/db/webhook-endpoints.ts';
import { UnprocessableError } from '../../shared/domain/errors.ts';
import {
  activeSecrets,
  type WebhookDispatcher,
  type WebhookEndpoint,
  type WebhookEvent,
} from '../../shared/domain/webhook.ts';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS, ServiceUnavailableError } from '../../shared/http/problem.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { type RouteGroup, routeGroup } from '../../shared/http/route-group.ts';
import {
  assertPublicUrl,
  DnsUnavailableError,
  type Resolver,
  UnsafeUrlError,
} from '../../shared/net/public-address.ts';
import { createWebhookEndpointBody, webhookEndpointPath } from '../../shared/schemas/webhooks.ts';

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
  readonly store: Pick<DynamoWebhookEndpointStore, 'create' | 'get' | 'listForPartner' | 'delete' | 'rotateSecret'>;
  readonly dispatcher: WebhookDispatcher;
  /** The DNS resolver the SSRF check uses (the system's by default). */
  readonly resolve?: Resolver;
  /** Loopback receivers allowed (local runs only: loopbackHttpAllowed()). */
  readonly allowLoopback: boolean;
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

async function found(deps: WebhookEndpointRouteDeps, partnerId: string, endpointId: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.store.get(partnerId, endpointId);
  if (!endpoint) throw webhookEndpointNotFound(endpointId);
  return endpoint;
}

/** The webhook endpoints API, on the given store, dispatcher and resolver. */
export function webhookEndpointRoutes(deps: WebhookEndpointRouteDeps): RouteGroup {
  return routeGroup('webhookEndpoints', {
    'POST /v1/webhook-endpoints': partnerRoute({ body: createWebhookEndpointBody }, async ({ partnerId, body }) => {
      const url = await checkedUrl(body.url, deps);
      const now = new Date();
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
      await deps.store.create(endpoint);
      return json(
        201,
        { ...webhookEndpointView(endpoint, now), secret },
        { location: `/v1/webhook-endpoints/${endpoint.endpointId}` },
      );
    }),
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
    'POST /v1/webhook-endpoints/{endpointId}/test': partnerRoute(
      { path: webhookEndpointPath },
      async ({ partnerId, path }) => {
        const endpoint = await found(deps, partnerId, path.endpointId);
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
  });
}
