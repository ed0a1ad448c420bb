import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { errorForLog } from '../../shared/db/errors.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { WebhookDeliveryStore } from '../../shared/db/webhook-deliveries.ts';
import { DynamoWebhookEndpointStore } from '../../shared/db/webhook-endpoints.ts';
import { loopbackHttpAllowed } from '../../shared/net/public-address.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { BUSINESS_METRICS, BusinessMetrics } from '../../shared/observability/metrics.ts';
import { type DeliveryMessage, deliveryQueueFromEnv } from '../../shared/webhooks/delivery-queue.ts';
import { type DeliveryDeps, deliverMessage } from './deliver.ts';
import { EndpointHealth } from './endpoint-health.ts';

/**
 * The SQS-triggered delivery function: one attempt per message. A message whose handling threw
 * (the table or the queue failed) is reported as a batch item failure and comes back after the
 * queue's visibility timeout; its attempt was not recorded, so nothing is counted twice.
 */
export function createHandler(deps: () => DeliveryDeps, metrics: BusinessMetrics = new BusinessMetrics()) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = JSON.parse(record.body) as DeliveryMessage;
        // Each message's lines carry its delivery id: the id partners see in the delivery log.
        logger.setCorrelationId(message.deliveryId ?? record.messageId);
        const outcome = await deliverMessage(message, deps());
        // A failed attempt is counted when it is recorded (retry scheduled or dead-lettered).
        if (outcome === 'retry-scheduled' || outcome === 'dead-lettered') {
          metrics.count(BUSINESS_METRICS.webhookDeliveryFailures);
        }
        if (outcome === 'dead-lettered') metrics.count(BUSINESS_METRICS.webhookDeliveriesDeadLettered);
      } catch (error) {
        logger.error('webhook delivery failed', { error: errorForLog(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    metrics.publish();
    return { batchItemFailures };
  };
}

// The table at module load, as every function has it; the queue when first needed (the local
// runtime sets its in-process queue after loading handlers).
const table = process.env.TABLE_NAME ? sdkTableFromEnv() : undefined;
let defaults: DeliveryDeps | undefined;
const deliverBatch = createHandler(() => {
  if (!defaults) {
    if (!table) throw new Error('TABLE_NAME is required');
    const queue = deliveryQueueFromEnv();
    if (!queue) throw new Error('No delivery queue: WEBHOOK_QUEUE_URL is required');
    defaults = {
      deliveries: new WebhookDeliveryStore(table),
      endpoints: new DynamoWebhookEndpointStore(table),
      health: new EndpointHealth(table),
      queue,
      // Loopback receivers only in the local runtime, behind its explicit setting (fails on AWS).
      attempt: { allowLoopback: loopbackHttpAllowed() },
    };
  }
  return defaults;
});

// The SQS message id until a message's delivery id is read.
export const handler = withLambdaContext(deliverBatch, (event) => event.Records[0]?.messageId);
