import { randomUUID } from 'node:crypto';
import { retry } from '../retry.ts';
import { offerViewsKeys } from './offers.ts';
import { type Item, isTransactionCanceled, type Table, type TransactItem } from './port.ts';

/**
 * How views are counted without a hot partition and without the page waiting for a counter:
 * - the page writes one small **view record** per counted view (PutItem, ~250 bytes, 1 WCU), under
 *   `VIEWS#<summaryId>#<shard>` with a random shard of VIEW_SHARDS, so a popular link's views are
 *   spread over that many partitions instead of one item;
 * - the table stream hands new view records to the views function (functions/offer-views), which
 *   adds them to the offer's one views counter (offerViewsKeys) in batches: per offer, one
 *   TransactWriteItems of the counter's `ADD views :n` and up to MAX_RECORDS_PER_TRANSACTION
 *   records marked `countedAt`, each on `attribute_not_exists(countedAt)`. A record is counted once
 *   however often the stream delivers it (Lambda retries, a replayed batch): the count is exact.
 * Readers of the counter (the partner API, the offer.viewed webhook) are unchanged.
 */

/**
 * Shards per offer. A counted view costs its shard 3 WCU (the record's put, then its mark in the
 * counting transaction, at twice the rate), so 32 shards take a link's views up to ~10,600/s
 * before one shard reaches 1,000 WCU/s (AWS's per-partition limit, "Best practices for designing
 * and using partition keys", 2026-11); 5,000 views/s are ~470 WCU/s per shard.
 */
export const VIEW_SHARDS = 32;
/**
 * Records expire two days after the view (TTL). The stream keeps records 24 hours, so no record is
 * deleted while the stream could still deliver it.
 */
export const VIEW_RECORD_TTL_SECONDS = 2 * 24 * 60 * 60;
// Size: 252 bytes as written, 285 once marked counted (DynamoDB's item size rules applied to a
// record of shard 31 by test/bench/item-units.ts' itemSize, 2026-11-30): 1 WCU either way.
/** TransactWriteItems takes at most 100 items (AWS docs, 2026-11): the counter and 99 records. */
export const MAX_RECORDS_PER_TRANSACTION = 99;
/**
 * Attempts of one chunk's transaction while it is cancelled (TransactionConflict: another stream
 * shard's invocation writing the same offer's counter at that moment; or throttling), with full
 * jitter backoff from CONFLICT_BACKOFF_BASE_MS, capped at CONFLICT_BACKOFF_MAX_MS, and never past
 * the counting budget. What is left is reported failed and the stream hands it over again.
 */
export const CONFLICT_ATTEMPTS = 10;
const CONFLICT_BACKOFF_BASE_MS = 25;
const CONFLICT_BACKOFF_MAX_MS = 1_000;
/**
 * Time one countViews call may spend backing off (ms): the views function's timeout is 60 s
 * (shared/routes.ts), and a batch of 1,000 records of one offer is 11 transactions in turn.
 */
export const COUNTING_BUDGET_MS = 30_000;

/** How countViews retries cancelled transactions; tests inject the clock, sleep and randomness. */
export interface CountingOptions {
  /** Offers counted at once; default 8. */
  readonly concurrency?: number;
  /** ms for the whole call; default COUNTING_BUDGET_MS. */
  readonly budgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

export const viewRecordKeys = {
  pk: (summaryId: string, shard: number) => `VIEWS#${summaryId}#${shard}`,
  sk: (viewedAt: string, viewId: string) => `VIEW#${viewedAt}#${viewId}`,
};

/** One counted view, as the page records it. */
export interface ViewRecord {
  readonly summaryId: string;
  /** Random, unique per view. */
  readonly viewId: string;
  /** ISO 8601 instant of the view. */
  readonly viewedAt: string;
  /** 0 … VIEW_SHARDS − 1. */
  readonly shard: number;
}

export interface ViewRecordItem {
  PK: string;
  SK: string;
  entity: 'offerView';
  summaryId: string;
  viewId: string;
  viewedAt: string;
  shard: number;
  /** TTL, epoch seconds. */
  expiresAtEpoch: number;
  /** Set when the view was added to the counter. */
  countedAt?: string;
}

export function newViewRecord(summaryId: string, now: Date, random: () => number = Math.random): ViewRecord {
  return {
    summaryId,
    viewId: randomUUID(),
    viewedAt: now.toISOString(),
    shard: Math.min(VIEW_SHARDS - 1, Math.floor(random() * VIEW_SHARDS)),
  };
}

export function viewRecordToItem(record: ViewRecord): ViewRecordItem {
  return {
    PK: viewRecordKeys.pk(record.summaryId, record.shard),
    SK: viewRecordKeys.sk(record.viewedAt, record.viewId),
    entity: 'offerView',
    ...record,
    expiresAtEpoch: Math.floor(Date.parse(record.viewedAt) / 1000) + VIEW_RECORD_TTL_SECONDS,
  };
}

/** The record an item (e.g. a stream image) stands for; undefined for anything else. */
export function viewRecordFromItem(item: Item): ViewRecord | undefined {
  const { entity, summaryId, viewId, viewedAt, shard } = item;
  if (entity !== 'offerView') return undefined;
  if (typeof summaryId !== 'string' || typeof viewId !== 'string' || typeof viewedAt !== 'string') return undefined;
  if (typeof shard !== 'number') return undefined;
  return { summaryId, viewId, viewedAt, shard };
}

/** The page's side: one PutItem per counted view. */
export class DynamoViewLog {
  constructor(private readonly table: Table) {}

  async record(summaryId: string, now: Date): Promise<void> {
    await this.table.put({ Item: viewRecordToItem(newViewRecord(summaryId, now)) });
  }
}

/** What one counting run did with its records. */
export interface CountOutcome {
  /** Added to counters by this run. */
  counted: number;
  /** Counted before (a redelivered record), or gone (expired): nothing added. */
  alreadyCounted: number;
  /** Records of an offer that has no views counter: nothing added, left to expire. */
  unknownOffer: number;
  /** Records that could not be counted now (throttling, an outage, lasting conflicts): try again. */
  failed: ViewRecord[];
  /** Transactions cancelled (conflicts with other writers of a counter, throttling) and retried or given up. */
  conflicts: number;
}

/**
 * Adds view records to their offers' counters, exactly once each (see the module comment).
 * Offers are counted concurrently, each offer's chunks one after the other. Never throws for a
 * DynamoDB failure: the records it could not count come back in `failed`.
 */
export async function countViews(
  table: Table,
  records: readonly ViewRecord[],
  now: Date,
  options: CountingOptions = {},
): Promise<CountOutcome> {
  const outcome: CountOutcome = { counted: 0, alreadyCounted: 0, unknownOffer: 0, failed: [], conflicts: 0 };
  const clock = options.now ?? Date.now;
  const deadline = clock() + (options.budgetMs ?? COUNTING_BUDGET_MS);
  const byOffer = new Map<string, Map<string, ViewRecord>>();
  for (const record of records) {
    const views = byOffer.get(record.summaryId) ?? new Map<string, ViewRecord>();
    views.set(record.viewId, record);
    byOffer.set(record.summaryId, views);
  }
  const offers = [...byOffer.values()].map((views) => [...views.values()]);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < offers.length; index = next++) {
      const views = offers[index] ?? [];
      for (let start = 0; start < views.length; start += MAX_RECORDS_PER_TRANSACTION) {
        const chunk = views.slice(start, start + MAX_RECORDS_PER_TRANSACTION);
        await countChunk(table, chunk, now, outcome, options, Math.max(0, deadline - clock()));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, offers.length) }, worker));
  return outcome;
}

async function countChunk(
  table: Table,
  chunk: ViewRecord[],
  now: Date,
  outcome: CountOutcome,
  options: CountingOptions,
  budgetMs: number,
): Promise<void> {
  let pending = chunk;
  const attempt = async () => {
    while (pending.length > 0) {
      try {
        await table.transactWrite(countingItems(pending, now));
        outcome.counted += pending.length;
        pending = [];
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        const [counterReason, ...recordReasons] = error.CancellationReasons;
        if (counterReason?.Code === 'ConditionalCheckFailed') {
          outcome.unknownOffer += pending.length;
          pending = [];
          return;
        }
        const counted = new Set(
          recordReasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : [])),
        );
        if (counted.size === 0) {
          outcome.conflicts++;
          throw error;
        }
        // Those were counted before: count the others without them.
        outcome.alreadyCounted += counted.size;
        pending = pending.filter((_record, index) => !counted.has(index));
      }
    }
  };
  try {
    await retry(attempt, {
      maxAttempts: CONFLICT_ATTEMPTS,
      budgetMs,
      maxBackoffMs: CONFLICT_BACKOFF_MAX_MS,
      // Only cancellations (conflicts, throttling) are worth retrying here; an outage is the stream's to retry.
      decide: (error) => (isTransactionCanceled(error) ? { backoffBaseMs: CONFLICT_BACKOFF_BASE_MS } : undefined),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  } catch {
    outcome.failed.push(...pending);
  }
}

/** The counter's ADD and each record's mark, in one transaction. */
function countingItems(records: readonly ViewRecord[], now: Date): TransactItem[] {
  const first = records.map((record) => record.viewedAt).sort()[0] ?? '';
  const summaryId = records[0]?.summaryId ?? '';
  return [
    {
      Update: {
        Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
        // firstViewedAt (the offer.viewed webhook's viewedAt): the earliest view of the first chunk
        // counted, set once; a chunk counted later (another stream shard) may hold an earlier view.
        UpdateExpression: 'ADD #views :n SET firstViewedAt = if_not_exists(firstViewedAt, :first)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':n': records.length, ':first': first },
      },
    },
    ...records.map(
      (record): TransactItem => ({
        Update: {
          Key: {
            PK: viewRecordKeys.pk(record.summaryId, record.shard),
            SK: viewRecordKeys.sk(record.viewedAt, record.viewId),
          },
          UpdateExpression: 'SET countedAt = :now',
          // A record that expired (or never was) is not recreated by the mark.
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(countedAt)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        },
      }),
    ),
  ];
}

/**
 * An offer's records not yet counted, from all its shards (one Query each, strongly consistent).
 * For the ops CLI and tests: what the views function has still to add.
 */
export async function pendingViewRecords(table: Table, summaryId: string): Promise<ViewRecord[]> {
  const shards = await Promise.all(
    Array.from({ length: VIEW_SHARDS }, async (_unused, shard) => {
      const found: ViewRecord[] = [];
      let start: Item | undefined;
      do {
        const page = await table.query({
          KeyConditionExpression: 'PK = :pk',
          FilterExpression: 'attribute_not_exists(countedAt)',
          ExpressionAttributeValues: { ':pk': viewRecordKeys.pk(summaryId, shard) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        });
        for (const item of page.Items) {
          const record = viewRecordFromItem(item);
          if (record) found.push(record);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    }),
  );
  return shards.flat();
}
