import type { StoredDelivery, WebhookDeliveryStore } from '../../shared/db/webhook-deliveries.ts';
import type { DynamoWebhookEndpointStore } from '../../shared/db/webhook-endpoints.ts';
import { ConflictError, NotFoundError } from '../../shared/domain/errors.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../shared/domain/webhook.ts';
import { ServiceUnavailableError } from '../../shared/http/problem.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import {
  DELIVERY_ID_PATTERN,
  deliveryPath,
  deliveryView,
  encodeDeliveryCursor,
  listDeliveriesQuery,
} from '../../shared/schemas/webhook-deliveries.ts';
import { webhookEndpointPath } from '../../shared/schemas/webhooks.ts';

export interface DeliveryLogDeps {
  readonly store: Pick<DynamoWebhookEndpointStore, 'get'>;
  readonly deliveries: Pick<WebhookDeliveryStore, 'list' | 'get'>;
  /** Sends an earlier delivery's event again as a new delivery (QueueingDispatcher.redeliver). */
  readonly redeliver: (endpoint: WebhookEndpoint, earlier: StoredDelivery) => Promise<WebhookDelivery>;
}

const DEFAULT_PAGE = 20;

const endpointNotFound = (endpointId: string) =>
  new NotFoundError('webhook-endpoint-not-found', 'Webhook endpoint not found', `No webhook endpoint ${endpointId}.`);

/** The partner's endpoint (another partner's, a deleted one or none: 404). */
async function endpointOf(deps: DeliveryLogDeps, partnerId: string, endpointId: string): Promise<WebhookEndpoint> {
  const endpoint = await deps.store.get(partnerId, endpointId);
  if (!endpoint) throw endpointNotFound(endpointId);
  return endpoint;
}

/** The delivery log routes of the webhook endpoints API. */
export function deliveryLogRoutes(deps: DeliveryLogDeps) {
  return {
    'GET /v1/webhook-endpoints/{endpointId}/deliveries': partnerRoute(
      { path: webhookEndpointPath, query: listDeliveriesQuery },
      async ({ partnerId, path, query }) => {
        const endpoint = await endpointOf(deps, partnerId, path.endpointId);
        const page = await deps.deliveries.list(partnerId, endpoint.endpointId, {
          limit: query.limit ?? DEFAULT_PAGE,
          ...(query.cursor ? { after: query.cursor } : {}),
        });
        return json(200, {
          endpointId: endpoint.endpointId,
          deliveries: page.deliveries.map(deliveryView),
          ...(page.next ? { nextCursor: encodeDeliveryCursor(page.next) } : {}),
        });
      },
    ),
    'POST /v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry': partnerRoute(
      { path: deliveryPath },
      async ({ partnerId, path }) => {
        const endpoint = await endpointOf(deps, partnerId, path.endpointId);
        const earlier = DELIVERY_ID_PATTERN.test(path.deliveryId)
          ? await deps.deliveries.get(partnerId, endpoint.endpointId, path.deliveryId)
          : undefined;
        if (!earlier) {
          throw new NotFoundError(
            'webhook-delivery-not-found',
            'Webhook delivery not found',
            `No delivery ${path.deliveryId} to this endpoint (the log keeps 30 days).`,
          );
        }
        if (endpoint.status !== 'enabled') {
          throw new ConflictError(
            'webhook-endpoint-disabled',
            'Webhook endpoint disabled',
            `The endpoint is disabled (${endpoint.disabledReason ?? 'by the service'}); a redelivery would not be sent.`,
          );
        }
        const delivery = await deps.redeliver(endpoint, earlier);
        // Accepted: queued; its attempts show in the log under the new delivery id.
        return json(202, {
          deliveryId: delivery.deliveryId,
          eventId: delivery.eventId,
          status: delivery.status,
          redeliveryOf: earlier.deliveryId,
        });
      },
    ),
  };
}

/** For route groups built without a delivery log (unit tests of the other routes): 503 on use. */
export const NO_DELIVERY_LOG: DeliveryLogDeps = {
  store: {
    get: async () => {
      throw new ServiceUnavailableError('The delivery log is not configured');
    },
  },
  deliveries: {
    list: async () => {
      throw new ServiceUnavailableError('The delivery log is not configured');
    },
    get: async () => {
      throw new ServiceUnavailableError('The delivery log is not configured');
    },
  },
  redeliver: async () => {
    throw new ServiceUnavailableError('The delivery log is not configured');
  },
};
