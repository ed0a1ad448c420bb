import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { WebhookDeliveryStore } from '../../shared/db/webhook-deliveries.ts';
import { DynamoWebhookEndpointStore } from '../../shared/db/webhook-endpoints.ts';
import type { WebhookDispatcher } from '../../shared/domain/webhook.ts';
import { ServiceUnavailableError } from '../../shared/http/problem.ts';
import { loopbackHttpAllowed } from '../../shared/net/public-address.ts';
import { deliveryQueueFromEnv, QueueingDispatcher } from '../../shared/webhooks/delivery-queue.ts';
import { webhookEndpointRoutes } from './routes.ts';

const table = sdkTableFromEnv();
const deliveries = new WebhookDeliveryStore(table);

/**
 * The queue is looked up per ping or redelivery: the local runtime sets its in-process queue after
 * loading handlers may have started. No queue at all (a misconfigured stage) answers 503, never a
 * lost ping.
 */
function queueing(): QueueingDispatcher {
  const queue = deliveryQueueFromEnv();
  if (!queue) {
    throw new ServiceUnavailableError(
      'No webhook delivery queue is configured',
      'Webhook deliveries cannot be queued right now. Retry in a few minutes; nothing was queued.',
    );
  }
  return new QueueingDispatcher(deliveries, queue);
}

const dispatcher: WebhookDispatcher = {
  dispatch: async (endpoint, event) => queueing().dispatch(endpoint, event),
};

const store = new DynamoWebhookEndpointStore(table);

export const handler = webhookEndpointRoutes({
  store,
  deliveryLog: {
    store,
    deliveries,
    redeliver: async (endpoint, earlier) => queueing().redeliver(endpoint, earlier),
  },
  dispatcher,
  // Read once at cold start: set anywhere but the local runtime, the setting fails the start.
  allowLoopback: loopbackHttpAllowed(),
});
