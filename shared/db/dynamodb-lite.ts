import { randomUUID } from 'node:crypto';
import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import aws4 from 'aws4';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import { retry } from '../retry.ts';
import { isServiceUnavailable, loggableMessage, THROTTLING_ERRORS } from './errors.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import {
  type BatchGetInput,
  batchGetInChunks,
  ConditionFailedError,
  type GetInput,
  type Item,
  isStorableKey,
  type Key,
  type PutInput,
  type QueryInput,
  type QueryPage,
  type Table,
  type TransactItem,
  TransactionCanceledError,
  type UpdateItemInput,
} from './port.ts';

/**
 * A DynamoDB client for the customer page function, on Node's own https and crypto: the AWS SDK
 * clients cost that function most of its bundle and module init (test/bench/RESULTS.md), and its
 * cold starts are what customers wait for. It speaks DynamoDB's JSON protocol (POST, X-Amz-Target,
 * SigV4 signed by `aws4`, which signs Node request options without loading `fetch`) for the
 * operations of the port (shared/db/port.ts), retrying like the SDK's standard mode, except that
 * a write without an idempotency token (PutItem, UpdateItem) is retried only when it provably never
 * reached DynamoDB. Like the SDK it corrects its clock from DynamoDB's `Date` header. The SDK stays
 * the client everywhere else (shared/db/sdk-table.ts). LiteTable below is the port on it.
 */

/** Access key, secret and (for temporary credentials, as Lambda's always are) the session token. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** SigV4's time format, `20150830T123600Z`, of a time in ms since the epoch. */
const amzDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

export interface DynamoDbLiteOptions {
  /** `https://dynamodb.<region>.amazonaws.com/` on AWS, DynamoDB Local's URL locally. */
  readonly endpoint: string;
  readonly region: string;
  /** Asked on every attempt: nothing reads credentials at module load, so init needs none. */
  readonly credentials: () => AwsCredentials;
  /** Per attempt, connecting included. */
  readonly timeoutMs?: number;
  /** Attempts per operation, the first included (the SDK's standard mode: 3). */
  readonly maxAttempts?: number;
  /** No attempt starts, and none runs on, past this much time since the operation began. */
  readonly budgetMs?: number;
  /** Backoff between attempts; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** An answer longer than this (bytes) fails with ResponseTooLarge and its connection is dropped. */
  readonly maxResponseBytes?: number;
  /** The machine's clock (ms since the epoch); tests pass a skewed one. */
  readonly now?: () => number;
}

/**
 * Generous next to DynamoDB's milliseconds, yet three attempts and their backoff stay well inside
 * the function's 10 s timeout, so a stalled connection becomes a retry, not a timed-out Lambda.
 */
export const DEFAULT_TIMEOUT_MS = 2_000;
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * One operation, retries included, ends within this: a page makes at most a read and a few
 * transaction attempts, and must answer (if only with a "try again" page) well inside the
 * function's timeout rather than be cut off by it.
 */
export const DEFAULT_BUDGET_MS = 3_000;
/**
 * The largest answer these operations can legitimately get is one with the items DynamoDB returns
 * on a failed condition: a transaction of ours touches at most 3 items, each at most 400 KB
 * (DynamoDB's item size limit, AWS docs "Service, account, and table quotas", 2026-11), and the
 * typed JSON roughly doubles that: 2.4 MB. Another MiB of margin on top.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 3 * 400 * 1024 * 2 + 1024 * 1024;
/**
 * A clock this far (ms) from DynamoDB's is corrected, as the SDK does: SigV4 signatures are
 * refused 5 minutes off.
 */
const CLOCK_SKEW_THRESHOLD_MS = 5 * 60 * 1000;
/** DynamoDB's names for a signature refused because of the time it carries (as the SDK lists them). */
const CLOCK_SKEW_ERRORS = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);
/** Socket errors that happen before any byte of the request can have left the machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
/** Operations that are safe to send twice: reads, and transactions carrying a ClientRequestToken. */
const IDEMPOTENT_OPERATIONS = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactWriteItems']);

/** The SDK's standard-mode bases: throttling backs off longer than transient failures. */
const BACKOFF_BASE_MS = 100;
const MIN_ATTEMPT_MS = 100;
const THROTTLING_BACKOFF_BASE_MS = 500;
const MAX_BACKOFF_MS = 20_000;

/** A cancellation reason as DynamoDB's JSON has it. */
interface MarshalledReason {
  readonly Code?: string;
  readonly Item?: Record<string, AttributeValue>;
}

/**
 * A failed operation, named after DynamoDB's exception (the part of `__type` after `#`), or
 * `TimeoutError` / `NetworkError` when no answer came. The condition-failure details are as
 * DynamoDB sends them (items marshalled); LiteTable turns those into the port's errors.
 */
export class DynamoDbError extends Error {
  /** The HTTP status of DynamoDB's answer; undefined when there was none. */
  readonly statusCode: number | undefined;
  readonly CancellationReasons?: MarshalledReason[];
  readonly Item?: Record<string, AttributeValue>;
  /**
   * True when the request provably never reached DynamoDB (connection refused, name not resolved,
   * no connection within the timeout): even a non-idempotent write may then be sent again.
   */
  readonly notSent: boolean;
  /** DynamoDB's clock (its `Date` header, ms since the epoch), when it answered. */
  readonly serverTime: number | undefined;

  constructor(
    name: string,
    message: string,
    details: {
      statusCode?: number;
      CancellationReasons?: MarshalledReason[];
      Item?: Record<string, AttributeValue>;
      cause?: unknown;
      notSent?: boolean;
      serverTime?: number;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.statusCode = details.statusCode;
    this.notSent = details.notSent === true;
    this.serverTime = details.serverTime;
    if (details.CancellationReasons) this.CancellationReasons = details.CancellationReasons;
    if (details.Item) this.Item = details.Item;
  }
}

/**
 * DynamoDB did not answer, failed on its side, or was too busy (throttling, a transaction cancelled
 * for load): worth trying again a little later. The same rule as the partner API's 503.
 */
export function isTransientFailure(error: unknown): boolean {
  return isServiceUnavailable(error);
}

/** The backoff base for a failure worth another attempt; undefined for one that would fail again. */
function backoffBase(error: unknown): number | undefined {
  if (!(error instanceof DynamoDbError)) return undefined;
  if (THROTTLING_ERRORS.has(error.name) || error.statusCode === 429) return THROTTLING_BACKOFF_BASE_MS;
  // No answer at all (timeout, reset connection) or a server-side failure.
  if (error.statusCode === undefined || error.statusCode >= 500) return BACKOFF_BASE_MS;
  return undefined;
}

function errorFromAnswer(statusCode: number, text: string, serverTime: number | undefined): DynamoDbError {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A proxy's or load balancer's page, not DynamoDB's JSON: only the status says anything.
  }
  // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`; some services append `:…`.
  const type = typeof body.__type === 'string' ? body.__type : '';
  const name = type.split('#').pop()?.split(':')[0] || 'HttpError';
  const message = body.message ?? body.Message;
  return new DynamoDbError(name, typeof message === 'string' ? loggableMessage(message) : `HTTP ${statusCode}`, {
    statusCode,
    ...(serverTime === undefined ? {} : { serverTime }),
    ...(Array.isArray(body.CancellationReasons)
      ? { CancellationReasons: body.CancellationReasons as MarshalledReason[] }
      : {}),
    ...(body.Item && typeof body.Item === 'object' ? { Item: body.Item as Record<string, AttributeValue> } : {}),
  });
}

/**
 * Binary attributes travel as base64 in DynamoDB's JSON protocol (the SDK encodes them itself);
 * `marshall` leaves them as bytes, which JSON.stringify would turn into an object DynamoDB refuses.
 * These walk an attribute value tree and convert B and BS values one way or the other.
 */
function mapBinary(value: unknown, convert: (binary: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((entry) => mapBinary(entry, convert));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  // A binary is bytes or a string under B (or in a BS array); a map member that happens to be
  // named B or BS holds an attribute value object, and is walked like any other.
  const isBinary = (entry: unknown) => typeof entry === 'string' || entry instanceof Uint8Array;
  for (const [key, entry] of Object.entries(value)) {
    out[key] =
      key === 'B' && isBinary(entry)
        ? convert(entry)
        : key === 'BS' && Array.isArray(entry) && entry.every(isBinary)
          ? entry.map(convert)
          : mapBinary(entry, convert);
  }
  return out;
}
const toBase64 = (binary: unknown) =>
  binary instanceof Uint8Array
    ? Buffer.from(binary.buffer, binary.byteOffset, binary.byteLength).toString('base64')
    : binary;
const fromBase64 = (binary: unknown) => (typeof binary === 'string' ? Buffer.from(binary, 'base64') : binary);

/** As lib-dynamodb's document client is configured in shared/db/sdk-table.ts. */
const toAttributes = (value: Item) =>
  mapBinary(marshall(value, { removeUndefinedValues: true }), toBase64) as Record<string, AttributeValue>;

function withAttributeValues<T extends { ExpressionAttributeValues?: Item }>(input: T) {
  return input.ExpressionAttributeValues
    ? { ...input, ExpressionAttributeValues: toAttributes(input.ExpressionAttributeValues) }
    : input;
}

type Transport = {
  readonly request: (url: URL, options: RequestOptions) => ClientRequest;
  readonly agent: HttpAgent;
};

function transportFor(url: URL): Transport {
  if (url.protocol === 'https:') return { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true }) };
  if (url.protocol === 'http:') {
    // Only DynamoDB Local is plain http. Not an `import`: an ESM import of node:http evaluates its
    // lazy WebSocket getters, which load undici (+30 ms measured on Node 24); this does not.
    const http = process.getBuiltinModule('node:http');
    return { request: http.request, agent: new http.Agent({ keepAlive: true }) };
  }
  throw new Error(`Unsupported DynamoDB endpoint protocol ${url.protocol}`);
}

/** A call's own per-attempt timeout (ms) and attempts, in place of the client's. */
export type CallLimits = Pick<DynamoDbLiteOptions, 'timeoutMs' | 'maxAttempts'>;

export class DynamoDbLite {
  private readonly url: URL;
  private readonly transport: Transport;
  private readonly region: string;
  private readonly credentials: () => AwsCredentials;
  private readonly timeoutMs: number;
  private readonly budgetMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly maxResponseBytes: number;
  private readonly now: () => number;
  /** DynamoDB's clock minus ours (ms), learnt from its `Date` header and kept for later requests. */
  private clockOffsetMs = 0;

  constructor(options: DynamoDbLiteOptions) {
    this.url = new URL(options.endpoint);
    this.transport = transportFor(this.url);
    this.region = options.region;
    this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.sleep = options.sleep;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Closes the kept-alive connections (tests and scripts; a Lambda keeps them for the next request). */
  destroy(): void {
    this.transport.agent.destroy();
  }

  /**
   * One DynamoDB operation (`GetItem`, `Query`, ...) with its input in DynamoDB's JSON (attribute
   * values marshalled), retried as the class comment says; `limits` override the client's own
   * per-attempt timeout and attempts for this call.
   * @throws DynamoDbError named after DynamoDB's exception, or TimeoutError / NetworkError.
   */
  call(operation: string, input: object, limits: CallLimits = {}): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    let skewCorrected = false;
    const timeoutMs = limits.timeoutMs ?? this.timeoutMs;
    return retry((_attempt, remainingMs) => this.attempt(operation, body, Math.min(timeoutMs, remainingMs)), {
      maxAttempts: limits.maxAttempts ?? this.maxAttempts,
      budgetMs: this.budgetMs,
      // Not worth starting an attempt that would have almost no time to answer.
      minAttemptMs: MIN_ATTEMPT_MS,
      maxBackoffMs: MAX_BACKOFF_MS,
      decide: (error) => {
        // A signature refused for its time, from a clock now corrected: once more at once, as the
        // SDK does. DynamoDB refused it, so even a write was not applied.
        if (!skewCorrected && this.correctedClockFrom(error)) {
          skewCorrected = true;
          return { delayMs: 0 };
        }
        const base = backoffBase(error);
        if (base === undefined) return undefined;
        if (!IDEMPOTENT_OPERATIONS.has(operation) && !reachedNothing(error)) return undefined;
        return { backoffBaseMs: base };
      },
      ...(this.sleep ? { sleep: this.sleep } : {}),
    });
  }

  /**
   * Moves the clock offset to DynamoDB's time when an answer shows the two clocks 5 minutes or
   * more apart; true when the error was a refused signature and the offset changed.
   */
  private correctedClockFrom(error: unknown): boolean {
    if (!(error instanceof DynamoDbError) || error.serverTime === undefined) return false;
    const before = this.clockOffsetMs;
    this.adjustClock(error.serverTime);
    return CLOCK_SKEW_ERRORS.has(error.name) && this.clockOffsetMs !== before;
  }

  private adjustClock(serverTime: number): void {
    const local = this.now();
    if (Math.abs(serverTime - (local + this.clockOffsetMs)) >= CLOCK_SKEW_THRESHOLD_MS) {
      this.clockOffsetMs = serverTime - local;
    }
  }

  private attempt(operation: string, body: string, timeoutMs: number): Promise<Record<string, unknown>> {
    // Signed per attempt: the signature carries the time, and DynamoDB refuses stale ones. aws4
    // adds Host, Content-Length, the session token and Authorization, and signs with the
    // X-Amz-Date given here: the machine's clock corrected by DynamoDB's.
    const { headers } = aws4.sign(
      {
        host: this.url.host,
        path: this.url.pathname,
        method: 'POST',
        service: 'dynamodb',
        region: this.region,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': amzDate(this.now() + this.clockOffsetMs),
        },
        body,
      },
      this.credentials(),
    );
    return new Promise((resolve, reject) => {
      let settled = false;
      // Until the socket is connected, no byte of the request can have reached DynamoDB.
      let connected = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const noAnswer = (error: Error & { code?: string }) =>
        settle(() =>
          reject(
            new DynamoDbError('NetworkError', loggableMessage(error.message), {
              cause: error,
              notSent: !connected || (error.code !== undefined && NOT_SENT_CODES.has(error.code)),
            }),
          ),
        );

      const req = this.transport.request(this.url, {
        method: 'POST',
        agent: this.transport.agent,
        headers,
      });
      req.on('socket', (socket) => {
        if (socket.connecting) socket.once('connect', () => (connected = true));
        else connected = true; // a kept-alive connection
      });
      const timer = setTimeout(() => {
        settle(() =>
          reject(new DynamoDbError('TimeoutError', `No answer within ${timeoutMs} ms`, { notSent: !connected })),
        );
        req.destroy();
      }, timeoutMs);
      req.on('error', noAnswer);
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const date = Date.parse(res.headers.date ?? '');
        const serverTime = Number.isNaN(date) ? undefined : date;
        // A refused signature is corrected (and retried) by `call`; any other answer adjusts here.
        if (serverTime !== undefined && status >= 200 && status < 300) this.adjustClock(serverTime);
        const tooLarge = () =>
          settle(() => {
            // Nothing more of it is read: the connection goes, and with it the rest of the answer.
            req.destroy();
            reject(
              new DynamoDbError('ResponseTooLarge', `Answer longer than ${this.maxResponseBytes} bytes`, {
                statusCode: status,
              }),
            );
          });
        if (Number(res.headers['content-length'] ?? 0) > this.maxResponseBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.maxResponseBytes) return tooLarge();
          chunks.push(chunk);
        });
        res.on('error', noAnswer);
        res.on('end', () =>
          settle(() => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status >= 300) return reject(errorFromAnswer(status, text, serverTime));
            try {
              resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
            } catch (error) {
              reject(new DynamoDbError('InvalidResponse', 'DynamoDB answered with invalid JSON', { cause: error }));
            }
          }),
        );
      });
      req.end(body);
    });
  }
}

/**
 * Whether a failed write may be sent again: DynamoDB refused it before doing anything (throttling
 * is answered before any write), or it never reached DynamoDB. A timeout or a dropped connection
 * after sending may have been applied, and a view counted twice is a wrong count.
 */
function reachedNothing(error: unknown): boolean {
  if (!(error instanceof DynamoDbError)) return false;
  return error.notSent || THROTTLING_ERRORS.has(error.name) || error.statusCode === 429;
}

/** Lambda's role credentials, as the runtime puts them in the environment. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const sessionToken = optionalEnv('AWS_SESSION_TOKEN', env);
  return {
    accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID', env),
    secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY', env),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

const fromAttributes = (value: unknown) => unmarshall(mapBinary(value, fromBase64) as Record<string, AttributeValue>);

/** DynamoDB's condition and cancellation errors as the port's (items unmarshalled); others as they are. */
function portError(error: unknown): unknown {
  if (!(error instanceof DynamoDbError)) return error;
  if (error.name === 'ConditionalCheckFailedException') {
    return new ConditionFailedError(error.Item ? fromAttributes(error.Item) : undefined, { cause: error });
  }
  if (error.name === 'TransactionCanceledException') {
    return new TransactionCanceledError(
      (error.CancellationReasons ?? []).map(({ Code, Item }) => ({
        Code: Code ?? 'None',
        ...(Item ? { Item: fromAttributes(Item) } : {}),
      })),
      { cause: error },
    );
  }
  return error;
}

/** The port (shared/db/port.ts) on DynamoDbLite: plain values in and out, as the SDK adapter. */
export class LiteTable implements Table {
  constructor(
    readonly client: DynamoDbLite,
    readonly name: string,
    private readonly limits: CallLimits = {},
  ) {}

  /**
   * The same table on the same client (its connections and clock correction), with these limits on
   * every call: a write that must not hold up a page gets a short timeout and one attempt without a
   * connection pool of its own.
   */
  withLimits(limits: CallLimits): LiteTable {
    return new LiteTable(this.client, this.name, limits);
  }

  private async send(operation: string, input: object): Promise<Record<string, unknown>> {
    try {
      return await this.client.call(operation, input, this.limits);
    } catch (error) {
      throw portError(error);
    }
  }

  async get(input: GetInput): Promise<Item | undefined> {
    if (!isStorableKey(input.Key)) return undefined;
    const { Item } = await this.send('GetItem', { TableName: this.name, ...input, Key: toAttributes(input.Key) });
    return Item ? fromAttributes(Item) : undefined;
  }

  async put(input: PutInput): Promise<void> {
    await this.send(
      'PutItem',
      withAttributeValues({ TableName: this.name, ...input, Item: toAttributes(input.Item as Item) }),
    );
  }

  async update(input: UpdateItemInput): Promise<Item | undefined> {
    const { Attributes } = await this.send(
      'UpdateItem',
      withAttributeValues({ TableName: this.name, ...input, Key: toAttributes(input.Key) }),
    );
    return Attributes ? fromAttributes(Attributes) : undefined;
  }

  async query(input: QueryInput): Promise<QueryPage> {
    const { Items, LastEvaluatedKey } = await this.send(
      'Query',
      withAttributeValues({
        TableName: this.name,
        ...input,
        ...(input.ExclusiveStartKey ? { ExclusiveStartKey: toAttributes(input.ExclusiveStartKey) } : {}),
      }),
    );
    const items = Array.isArray(Items) ? Items.map(fromAttributes) : [];
    return LastEvaluatedKey ? { Items: items, LastEvaluatedKey: fromAttributes(LastEvaluatedKey) } : { Items: items };
  }

  batchGet({ Keys, ...options }: BatchGetInput): Promise<Item[]> {
    return batchGetInChunks(Keys, async (keys) => {
      const { Responses, UnprocessedKeys } = (await this.send('BatchGetItem', {
        RequestItems: { [this.name]: { Keys: keys.map((key) => toAttributes(key)), ...options } },
      })) as {
        Responses?: Record<string, unknown[]>;
        UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
      };
      return {
        items: (Responses?.[this.name] ?? []).map(fromAttributes),
        unprocessed: (UnprocessedKeys?.[this.name]?.Keys ?? []).map((key) => fromAttributes(key) as Key),
      };
    });
  }

  async transactWrite(items: readonly TransactItem[]): Promise<void> {
    await this.send('TransactWriteItems', {
      TransactItems: items.map((item) =>
        'Put' in item
          ? {
              Put: withAttributeValues({
                TableName: this.name,
                ...item.Put,
                Item: toAttributes(item.Put.Item as Item),
              }),
            }
          : 'Update' in item
            ? {
                Update: withAttributeValues({
                  TableName: this.name,
                  ...item.Update,
                  Key: toAttributes(item.Update.Key),
                }),
              }
            : {
                ConditionCheck: withAttributeValues({
                  TableName: this.name,
                  ...item.ConditionCheck,
                  Key: toAttributes(item.ConditionCheck.Key),
                }),
              },
      ),
      // One token for every attempt, as the SDK does: a retry after an answer that got lost finds
      // the transaction already done instead of applying it twice.
      ClientRequestToken: randomUUID(),
    });
  }
}

/**
 * The page function and the authorizer call this once at module load, like sdkTableFromEnv: one
 * client and connection pool per execution environment. `DDB_ENDPOINT` points it at DynamoDB Local
 * with the fixed local credentials, exactly as the SDK clients are pointed there.
 */
export function liteTableFromEnv(env: NodeJS.ProcessEnv = process.env): LiteTable {
  const name = requiredEnv('TABLE_NAME', env);
  const endpoint = optionalEnv('DDB_ENDPOINT', env);
  if (endpoint) {
    const region = optionalEnv('AWS_REGION', env) ?? 'local';
    return new LiteTable(new DynamoDbLite({ endpoint, region, credentials: () => LOCAL_CREDENTIALS }), name);
  }
  const region = requiredEnv('AWS_REGION', env);
  return new LiteTable(
    new DynamoDbLite({
      endpoint: `https://dynamodb.${region}.amazonaws.com/`,
      region,
      credentials: () => credentialsFromEnv(env),
    }),
    name,
  );
}
