import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { offerEventFromItem } from '../../shared/db/customer-responses.ts';
import { errorForLog, sanitizedError } from '../../shared/db/errors.ts';
import { offerKeys } from '../../shared/db/offers.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { BUSINESS_METRICS, type BusinessMetricName, BusinessMetrics } from '../../shared/observability/metrics.ts';
import { deliveryQueueFromEnv } from '../../shared/webhooks/delivery-queue.ts';
import { tableFanOut, type WebhookFanOut } from '../../shared/webhooks/fan-out.ts';
import { type OfferTimers, offerTimersFor, offerTimersFromEnv } from '../../shared/webhooks/offer-timers.ts';
import { type OfferEventPublisher, publisherFromEnv } from './publisher.ts';
import { type OfferChange, offerChangeEvents, webhookEventOf } from './webhooks.ts';

/** The event a new stream record stands for; undefined for every other change to the table. */
function offerEventOf(record: DynamoDBRecord): OfferEvent | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  // aws-lambda's AttributeValue and the SDK's describe the same wire format.
  return offerEventFromItem(unmarshall(image as Parameters<typeof unmarshall>[0]));
}

type Image = Parameters<typeof unmarshall>[0];

/** A change to an offer or its views counter (webhook events only: offer.created, viewed, exhausted, deactivated). */
function offerChangeOf(record: DynamoDBRecord): OfferChange | undefined {
  const image = record.dynamodb?.NewImage;
  if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !image) return undefined;
  const newItem = unmarshall(image as Image);
  if (newItem.entity !== 'offer' && newItem.entity !== 'offerViews') return undefined;
  const old = record.dynamodb?.OldImage;
  // Seconds since the epoch from Lambda; the local poller passes the Streams SDK's Date as it is.
  const created: unknown = record.dynamodb?.ApproximateCreationDateTime;
  const seconds = created instanceof Date ? created.getTime() / 1000 : (created as number | undefined);
  return {
    eventName: record.eventName,
    entity: newItem.entity,
    newItem,
    ...(old ? { oldItem: unmarshall(old as Image) } : {}),
    at: new Date(seconds ? seconds * 1000 : Date.now()).toISOString(),
  };
}

/**
 * Turns newly recorded acceptances and declines into events on the offer events bus and, with
 * `webhooks`, into one queued webhook delivery per subscribed endpoint of the offer's partner. The
 * stack filters the stream down to those items; anything else that arrives is skipped. Records
 * whose event was not published or queued are reported as failures, so Lambda retries from the
 * first of them (events are delivered at least once; consumers dedupe on the submission id, and
 * webhook receivers on the event id, which a retry keeps).
 */
export function createHandler(
  publisher: OfferEventPublisher,
  webhooks?: () => WebhookFanOut | undefined,
  partnerOfOffer: (summaryId: string) => Promise<string | undefined> = partnerOfOfferFromEnv,
  timers: () => OfferTimers | undefined = offerTimersFromEnv,
  metrics: BusinessMetrics = new BusinessMetrics(),
) {
  const handle = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const changeFailures = await fanOutOfferChanges(event.Records, webhooks?.(), partnerOfOffer, timers());
    const pending = event.Records.flatMap((record) => {
      const offerEvent = offerEventOf(record);
      return offerEvent ? [{ record, offerEvent }] : [];
    });
    if (pending.length === 0) return { batchItemFailures: changeFailures };

    let failed: number[];
    try {
      failed = await publisher.publish(pending.map(({ offerEvent }) => offerEvent));
    } catch (error) {
      // The whole batch is retried (nothing was reported published), with the redacted error:
      // Lambda logs a thrown error whole, and an SDK error may quote the signed request.
      logger.error('offer events failed', { error: errorForLog(error) });
      throw sanitizedError(error);
    }
    const fanOut = webhooks?.();
    if (fanOut) {
      for (const [index, { offerEvent }] of pending.entries()) {
        if (failed.includes(index)) continue;
        try {
          await fanOut.fanOut(offerEvent.partnerId, webhookEventOf(offerEvent));
        } catch (error) {
          logger.error('webhook deliveries could not be queued', { error: errorForLog(error) });
          failed.push(index);
        }
      }
      failed.sort((a, b) => a - b);
    }
    const batchItemFailures = failed.flatMap((index) => {
      const sequenceNumber = pending[index]?.record.dynamodb?.SequenceNumber;
      return sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [];
    });
    logger.info('offer events', { received: event.Records.length, published: pending.length - failed.length });
    if (batchItemFailures.length > 0) logger.warn('offer events not published', { failed: batchItemFailures.length });
    return { batchItemFailures: [...changeFailures, ...batchItemFailures] };
  };
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const result = await handle(event);
    countSettled(event.Records, result.batchItemFailures, metrics);
    return result;
  };
}

const METRIC_OF_ENTITY: Readonly<Record<string, BusinessMetricName>> = {
  offer: BUSINESS_METRICS.offersCreated,
  acceptance: BUSINESS_METRICS.acceptances,
  decline: BUSINESS_METRICS.declines,
};

/**
 * Counts new offers, acceptances and declines once each: only the records before the batch's first
 * failure, since Lambda hands that record and every later one over again (a batch that throws
 * counts nothing). A record's item is new exactly once, so a count never repeats.
 */
function countSettled(
  records: readonly DynamoDBRecord[],
  failures: DynamoDBBatchResponse['batchItemFailures'],
  metrics: BusinessMetrics,
): void {
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  for (const record of records) {
    if (failed.has(record.dynamodb?.SequenceNumber ?? '')) break;
    const entity = record.dynamodb?.NewImage?.entity?.S;
    const name = record.eventName === 'INSERT' && entity !== undefined ? METRIC_OF_ENTITY[entity] : undefined;
    if (name) metrics.count(name);
  }
  metrics.publish();
}

/**
 * The webhook events of offer changes, each fanned out to the partner's subscribed endpoints. The
 * views counter carries no partner id: the offer item is read for it, once per summary ID in the
 * batch, and only when the change makes an event. Records whose events could
 * not be queued are returned as failures.
 */
async function fanOutOfferChanges(
  records: readonly DynamoDBRecord[],
  fanOut: WebhookFanOut | undefined,
  partnerOfOffer: (summaryId: string) => Promise<string | undefined>,
  timers: OfferTimers | undefined,
): Promise<DynamoDBBatchResponse['batchItemFailures']> {
  const failures: DynamoDBBatchResponse['batchItemFailures'] = [];
  // One read per summary ID in a batch (a failed read is not kept, so the next record tries again).
  const partners = new Map<string, Promise<string | undefined>>();
  const partnerOf = (summaryId: string): Promise<string | undefined> => {
    let partner = partners.get(summaryId);
    if (!partner) {
      partner = partnerOfOffer(summaryId);
      partner.catch(() => partners.delete(summaryId));
      partners.set(summaryId, partner);
    }
    return partner;
  };
  for (const record of records) {
    const change = offerChangeOf(record);
    if (!change) continue;
    try {
      // Inside the try: an item that cannot be read fails its own record, not the whole batch.
      const events = offerChangeEvents(change, process.env.PUBLIC_BASE_URL ?? '');
      await updateTimers(change, events, timers);
      if (!fanOut || events.length === 0) continue;
      const partnerId =
        typeof change.newItem.partnerId === 'string'
          ? change.newItem.partnerId
          : await partnerOf(String(change.newItem.summaryId));
      if (!partnerId) continue;
      for (const webhookEvent of events) await fanOut.fanOut(partnerId, webhookEvent);
    } catch (error) {
      logger.error('offer change: webhooks or timers failed', { error: errorForLog(error) });
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (sequenceNumber) failures.push({ itemIdentifier: sequenceNumber });
    }
  }
  return failures;
}

/**
 * A new offer with an expiry gets its expiring and expired timers; an offer that ends early
 * (deactivated, exhausted) loses them, so no timer fires for it.
 */
async function updateTimers(
  change: OfferChange,
  events: readonly { type: string }[],
  timers: OfferTimers | undefined,
): Promise<void> {
  if (!timers || change.entity !== 'offer') return;
  const summaryId = String(change.newItem.summaryId);
  if (change.eventName === 'INSERT' && typeof change.newItem.expiresAt === 'string' && !change.newItem.deactivatedAt) {
    await timers.create(offerTimersFor(summaryId, change.newItem.expiresAt, new Date(change.at)));
  }
  if (events.some((event) => event.type === 'offer.deactivated' || event.type === 'offer.exhausted')) {
    await timers.cancel(summaryId);
  }
}

/** The offer's partner, from one GetItem of the offer item (undefined when it is gone). */
async function partnerOfOfferFromEnv(summaryId: string): Promise<string | undefined> {
  if (!webhookTable) return undefined;
  const item = await webhookTable.get({
    Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
    ProjectionExpression: 'partnerId',
  });
  return typeof item?.partnerId === 'string' ? item.partnerId : undefined;
}

// The table at module load (as every function has it); the queue is looked up when first needed,
// since the local runtime sets its in-process queue after loading handlers.
const webhookTable = process.env.TABLE_NAME ? sdkTableFromEnv() : undefined;
let fanOut: WebhookFanOut | undefined;
/** Webhooks need the table and a delivery queue (SQS on AWS, the local runtime's queue locally). */
function fanOutFromEnv(): WebhookFanOut | undefined {
  if (fanOut) return fanOut;
  const queue = deliveryQueueFromEnv();
  const table = webhookTable;
  if (!queue || !table) return undefined;
  fanOut = tableFanOut(table, queue);
  return fanOut;
}

// A batch's log lines carry its first record's event id (records that fail are logged with theirs).
export const handler = withLambdaContext(
  createHandler(publisherFromEnv(), fanOutFromEnv),
  (event) => event.Records[0]?.eventID,
);
