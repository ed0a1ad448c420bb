import { retry } from '../retry.ts';

/**
 * The DynamoDB port: the operations the stores use on the one table, with plain JavaScript values
 * in and out (as lib-dynamodb's document client has them). Stores are written against it only, so
 * one store module serves every function. Two adapters implement it:
 * - shared/db/sdk-table.ts on the AWS SDK's document client (partner API, office functions, ops CLI);
 * - shared/db/dynamodb-lite.ts on Node's https (the offer page and the authorizer, whose cold
 *   starts are on a person's path and whose bundles must stay free of the AWS SDK).
 * A function picks its adapter in one line at module load. Field names are DynamoDB's own, so
 * inputs read like the API reference; `TableName` is not among them because a Table is bound to
 * its table.
 *
 * Failures: ConditionFailedError and TransactionCanceledError below, whatever the adapter; anything
 * else is the adapter's own error (shared/db/errors.ts tells an outage from a bug for both).
 */
export type Item = Record<string, unknown>;
export type Key = Readonly<Record<string, string | number>>;

/**
 * DynamoDB's largest key values (bytes, UTF-8): partition key 2,048, sort key 1,024 (DynamoDB
 * developer guide, "Quotas": partition key and sort key length; read 2026-11-30). The table's
 * partition key is `PK` (shared/db/table.ts).
 */
const PARTITION_KEY_MAX_BYTES = 2048;
const SORT_KEY_MAX_BYTES = 1024;

/**
 * Whether DynamoDB can hold an item under this key at all. A key built from a caller's id (a path
 * parameter) may be longer, and DynamoDB answers such a key with a ValidationException, not a miss:
 * both adapters answer a read of it as a miss without a request, and a store writing under a
 * caller's id checks it first.
 */
export function isStorableKey(key: Key): boolean {
  return Object.entries(key).every(
    ([name, value]) =>
      typeof value !== 'string' ||
      Buffer.byteLength(value, 'utf8') <= (name === 'PK' ? PARTITION_KEY_MAX_BYTES : SORT_KEY_MAX_BYTES),
  );
}

type Names = Readonly<Record<string, string>>;
type ReturnOnConditionFailure = 'ALL_OLD' | 'NONE';

export interface GetInput {
  readonly Key: Key;
  readonly ConsistentRead?: boolean;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
}

export interface PutInput {
  /** Any plain object: entity types are interfaces, which Record<string, unknown> does not accept. */
  readonly Item: object;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Item;
  /** With ALL_OLD, a ConditionFailedError carries the item that failed the condition. */
  readonly ReturnValuesOnConditionCheckFailure?: ReturnOnConditionFailure;
}

export interface UpdateInput {
  readonly Key: Key;
  readonly UpdateExpression: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Item;
  readonly ReturnValuesOnConditionCheckFailure?: ReturnOnConditionFailure;
}

export interface UpdateItemInput extends UpdateInput {
  readonly ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
}

export interface QueryInput {
  readonly IndexName?: string;
  readonly KeyConditionExpression: string;
  readonly FilterExpression?: string;
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Item;
  readonly ScanIndexForward?: boolean;
  /** Items evaluated (before the filter) by this one request. */
  readonly Limit?: number;
  readonly ExclusiveStartKey?: Item;
  readonly ConsistentRead?: boolean;
}

export interface QueryPage {
  readonly Items: Item[];
  /** Where the next page starts; absent on the last page. */
  readonly LastEvaluatedKey?: Item;
}

export interface BatchGetInput {
  /** Any number: the adapter sends BatchGetItem requests of at most BATCH_GET_MAX_KEYS keys. */
  readonly Keys: readonly Key[];
  readonly ConsistentRead?: boolean;
  /** Attribute names to read (keys are not added for you). */
  readonly ProjectionExpression?: string;
  readonly ExpressionAttributeNames?: Names;
}

/** A condition on an item that a transaction checks without writing it. */
export interface ConditionCheckInput {
  readonly Key: Key;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Names;
  readonly ExpressionAttributeValues?: Item;
  readonly ReturnValuesOnConditionCheckFailure?: ReturnOnConditionFailure;
}

export type TransactItem =
  | { readonly Put: PutInput }
  | { readonly Update: UpdateInput }
  | { readonly ConditionCheck: ConditionCheckInput };

/** One table, bound by name; the one table-reference type every store takes. */
export interface Table {
  readonly name: string;
  /** The item, or undefined when there is none. */
  get(input: GetInput): Promise<Item | undefined>;
  /** @throws ConditionFailedError when the condition fails. */
  put(input: PutInput): Promise<void>;
  /**
   * The attributes ReturnValues asks for (undefined with NONE).
   * @throws ConditionFailedError when the condition fails.
   */
  update(input: UpdateItemInput): Promise<Item | undefined>;
  /** One page of a Query; see queryAll for every page. */
  query(input: QueryInput): Promise<QueryPage>;
  /**
   * Every item stored under `Keys`, in no particular order; missing items are absent. Keys that
   * DynamoDB leaves unprocessed (throttling) are asked for again, so the answer is all the items
   * or an error, never a silent subset.
   */
  batchGet(input: BatchGetInput): Promise<Item[]>;
  /**
   * All or nothing, at most 100 items (DynamoDB's TransactWriteItems limit, AWS docs "Service,
   * account, and table quotas", 2026-11). Retries of one call carry one ClientRequestToken.
   * @throws TransactionCanceledError with each item's reason, in request order.
   */
  transactWrite(items: readonly TransactItem[]): Promise<void>;
}

/**
 * A condition on a put or update failed. Named as DynamoDB names it, so code that reads errors by
 * name (shared/db/errors.ts) treats it as DynamoDB's own.
 */
export class ConditionFailedError extends Error {
  /** The item as it was, when the request asked for ReturnValuesOnConditionCheckFailure ALL_OLD. */
  readonly item: Item | undefined;

  constructor(item?: Item, options?: ErrorOptions) {
    super('The conditional request failed', options);
    this.name = 'ConditionalCheckFailedException';
    this.item = item;
  }
}

/** Why one item of a cancelled transaction failed (`None` when it did not). */
export interface CancellationReason {
  /** `ConditionalCheckFailed`, `TransactionConflict`, `ThrottlingError`, `None`, ... */
  readonly Code: string;
  /** The item as it was, for a failed condition that asked for ALL_OLD. */
  readonly Item?: Item;
}

/** A transaction was cancelled; nothing of it was written. */
export class TransactionCanceledError extends Error {
  /** One reason per transaction item, in request order. */
  readonly CancellationReasons: readonly CancellationReason[];

  constructor(reasons: readonly CancellationReason[], options?: ErrorOptions) {
    super(`Transaction cancelled [${reasons.map((reason) => reason.Code).join(', ')}]`, options);
    this.name = 'TransactionCanceledException';
    this.CancellationReasons = reasons;
  }

  /** The reason code of item `index` (`None` when it did not fail or is not there). */
  codeAt(index: number): string {
    return this.CancellationReasons[index]?.Code ?? 'None';
  }
}

export function isConditionFailed(error: unknown): error is ConditionFailedError {
  return error instanceof ConditionFailedError;
}

export function isTransactionCanceled(error: unknown): error is TransactionCanceledError {
  return error instanceof TransactionCanceledError;
}

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll(table: Table, input: QueryInput): Promise<Item[]> {
  const items: Item[] = [];
  let start = input.ExclusiveStartKey;
  do {
    const page = await table.query({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** BatchGetItem takes at most this many keys a request (DynamoDB API reference, 2026-11). */
export const BATCH_GET_MAX_KEYS = 100;
/** Rounds for keys DynamoDB keeps leaving unprocessed before giving up. */
export const BATCH_GET_MAX_ATTEMPTS = 8;
const BATCH_GET_BACKOFF_BASE_MS = 50;
const BATCH_GET_MAX_BACKOFF_MS = 1_000;

/** Keys left unprocessed after every attempt; an outage to the callers (shared/db/errors.ts). */
export class UnprocessedKeysError extends Error {
  constructor(readonly unprocessed: number) {
    super(`BatchGetItem kept returning ${unprocessed} unprocessed keys`);
    // Named as the throttling DynamoDB's unprocessed keys stand for: callers answer it with 503.
    this.name = 'ProvisionedThroughputExceededException';
  }
}

/** One BatchGetItem request, as an adapter sends it: the items read and the keys left unprocessed. */
export type BatchGetRequest = (keys: readonly Key[]) => Promise<{ items: Item[]; unprocessed: readonly Key[] }>;

/**
 * The part of batchGet both adapters share: requests of at most 100 keys, unprocessed keys asked for
 * again with jittered backoff.
 * @throws UnprocessedKeysError when keys stay unprocessed after BATCH_GET_MAX_ATTEMPTS rounds.
 */
export async function batchGetInChunks(
  keys: readonly Key[],
  request: BatchGetRequest,
  sleep?: (ms: number) => Promise<void>,
): Promise<Item[]> {
  const items: Item[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending: readonly Key[] = keys.slice(start, start + BATCH_GET_MAX_KEYS);
    await retry(
      async () => {
        const answer = await request(pending);
        items.push(...answer.items);
        pending = answer.unprocessed;
        if (pending.length > 0) throw new UnprocessedKeysError(pending.length);
      },
      {
        maxAttempts: BATCH_GET_MAX_ATTEMPTS,
        maxBackoffMs: BATCH_GET_MAX_BACKOFF_MS,
        decide: (error) =>
          error instanceof UnprocessedKeysError ? { backoffBaseMs: BATCH_GET_BACKOFF_BASE_MS } : undefined,
        ...(sleep ? { sleep } : {}),
      },
    );
  }
  return items;
}
