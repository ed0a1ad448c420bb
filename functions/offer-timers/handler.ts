import { OPEN_OFFER_KEYS_REMOVAL, offerFromItem, offerKeys } from '../../shared/db/offers.ts';
import { isConditionFailed, type Table } from '../../shared/db/port.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { deliveryQueueFromEnv } from '../../shared/webhooks/delivery-queue.ts';
import { tableFanOut, type WebhookFanOut, webhookEventId } from '../../shared/webhooks/fan-out.ts';
import type { OfferTimerInput } from '../../shared/webhooks/offer-timers.ts';

export interface OfferTimerDeps {
  readonly table: Table;
  readonly fanOut: WebhookFanOut;
}

/** What a firing came to (logged, and read by tests). */
export type OfferTimerOutcome = 'sent' | 'offer-gone' | 'offer-ended';

/**
 * One offer timer fired (an EventBridge Scheduler one-time schedule on AWS): one GetItem of the
 * offer, then `offer.expiring` or `offer.expired` to the partner's subscribed endpoints, unless the
 * offer ended early (deactivated, exhausted) and its timers were not deleted in time. The event's
 * id and createdAt come from the offer and the due time, so a repeated firing is the same event.
 * Errors are thrown: Scheduler retries, then puts the firing in the timers' dead-letter queue.
 */
export function createHandler(deps: () => OfferTimerDeps) {
  return async (input: OfferTimerInput): Promise<OfferTimerOutcome> => {
    const { table, fanOut } = deps();
    const item = await table.get({
      Key: { PK: offerKeys.pk(input.summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    });
    if (!item) return 'offer-gone';
    const offer = offerFromItem(item);
    const exhausted = offer.maxAcceptances !== undefined && offer.acceptances >= offer.maxAcceptances;
    if (offer.deactivatedAt || exhausted || !offer.expiresAt) return 'offer-ended';
    // Expiry happens without a write: the expired timer takes the offer out of the open-offers
    // index, so status=active lists stop reading it (until then their filter leaves it out).
    if (input.kind === 'expired' && item.GSI2PK !== undefined) {
      await table
        .update({
          Key: { PK: offerKeys.pk(offer.summaryId), SK: offerKeys.sk() },
          UpdateExpression: OPEN_OFFER_KEYS_REMOVAL,
          ConditionExpression: 'attribute_exists(PK) AND expiresAt <= :now',
          ExpressionAttributeValues: { ':now': input.dueAt },
        })
        // Gone or not yet expired (a timer fired early): nothing to take out.
        .catch((error: unknown) => {
          if (!isConditionFailed(error)) throw error;
        });
    }
    const type = input.kind === 'expiring' ? 'offer.expiring' : 'offer.expired';
    const queued = await fanOut.fanOut(offer.partnerId, {
      id: webhookEventId(type, offer.summaryId),
      type,
      createdAt: input.dueAt,
      data: { summaryId: offer.summaryId, expiresAt: offer.expiresAt },
    });
    logger.info('offer timer fired', { summaryId: offer.summaryId, kind: input.kind, deliveries: queued });
    return 'sent';
  };
}

// The table at module load, as every function has it; the queue when first needed.
const table = process.env.TABLE_NAME ? sdkTableFromEnv() : undefined;
let defaults: OfferTimerDeps | undefined;
const fire = createHandler(() => {
  if (!defaults) {
    if (!table) throw new Error('TABLE_NAME is required');
    const queue = deliveryQueueFromEnv();
    if (!queue) throw new Error('No delivery queue: WEBHOOK_QUEUE_URL is required');
    defaults = {
      table,
      fanOut: tableFanOut(table, queue),
    };
  }
  return defaults;
});

// Correlated by the webhook event the timer makes: the id partners see on the delivery.
export const handler = withLambdaContext(fire, (input) =>
  webhookEventId(input.kind === 'expiring' ? 'offer.expiring' : 'offer.expired', input.summaryId),
);
