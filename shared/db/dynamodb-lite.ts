import { randomUUID } from 'node:crypto';
import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import type {
  DocumentDb,
  DocumentItem,
  DocumentTableRef,
  GetItemInput,
  GetItemOutput,
  TransactWriteItemsInput,
  UpdateItemInput,
  UpdateItemOutput,
} from './document-db.ts';
import type { CancellationReason } from './errors.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import { type AwsCredentials, signRequest } from './sigv4.ts';

/**
 * A DynamoDB client for the customer page function, on Node's own https and crypto: the AWS SDK
 * clients cost that function most of its bundle and module init (test/bench/RESULTS.md), and its
 * cold starts are what customers wait for. It speaks DynamoDB's JSON protocol (POST, X-Amz-Target,
 * SigV4) for the few operations in DocumentDb, retrying like the SDK's standard mode. The SDK
 * stays the client everywhere else (shared/db/client.ts).
 */

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
/** The SDK's standard-mode bases: throttling backs off longer than transient failures. */
const BACKOFF_BASE_MS = 100;
const MIN_ATTEMPT_MS = 100;
const THROTTLING_BACKOFF_BASE_MS = 500;
const MAX_BACKOFF_MS = 20_000;

/**
 * DynamoDB's throttling answers. TransactionInProgressException joins them because of
 * ClientRequestToken: a retry that overtakes its own first attempt still in flight gets it.
 */
const THROTTLING_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
]);

/**
 * A failed operation, named after DynamoDB's exception (the part of `__type` after `#`), or
 * `TimeoutError` / `NetworkError` when no answer came. The condition-failure details keep the SDK's
 * shape (items marshalled), so shared/db/errors.ts reads both clients' errors alike.
 */
export class DynamoDbError extends Error {
  /** The HTTP status of DynamoDB's answer; undefined when there was none. */
  readonly statusCode: number | undefined;
  readonly CancellationReasons?: CancellationReason[];
  readonly Item?: Record<string, AttributeValue>;

  constructor(
    name: string,
    message: string,
    details: {
      statusCode?: number;
      CancellationReasons?: CancellationReason[];
      Item?: Record<string, AttributeValue>;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = name;
    this.statusCode = details.statusCode;
    if (details.CancellationReasons) this.CancellationReasons = details.CancellationReasons;
    if (details.Item) this.Item = details.Item;
  }
}

/** DynamoDB did not answer, failed on its side, or throttled: worth trying again a little later. */
export function isTransientFailure(error: unknown): boolean {
  return backoffBase(error) !== undefined;
}

/** The backoff base for a failure worth another attempt; undefined for one that would fail again. */
function backoffBase(error: unknown): number | undefined {
  if (!(error instanceof DynamoDbError)) return undefined;
  if (THROTTLING_ERRORS.has(error.name) || error.statusCode === 429) return THROTTLING_BACKOFF_BASE_MS;
  // No answer at all (timeout, reset connection) or a server-side failure.
  if (error.statusCode === undefined || error.statusCode >= 500) return BACKOFF_BASE_MS;
  return undefined;
}

/**
 * Error messages end up in logs. DynamoDB's signature errors quote the canonical request, session
 * token included, after a blank line; validation errors may quote key values. Keep the first
 * paragraph, and not much of it.
 */
const MAX_MESSAGE_LENGTH = 200;
export function loggableMessage(message: string): string {
  const [first = ''] = message.split(/\r?\n\s*\r?\n/);
  return first.length > MAX_MESSAGE_LENGTH ? `${first.slice(0, MAX_MESSAGE_LENGTH)}…` : first;
}

function errorFromAnswer(statusCode: number, text: string): DynamoDbError {
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
    ...(Array.isArray(body.CancellationReasons)
      ? { CancellationReasons: body.CancellationReasons as CancellationReason[] }
      : {}),
    ...(body.Item && typeof body.Item === 'object' ? { Item: body.Item as Record<string, AttributeValue> } : {}),
  });
}

/** As lib-dynamodb's document client is configured in shared/db/client.ts. */
const toAttributes = (value: DocumentItem) => marshall(value, { removeUndefinedValues: true });

function withAttributeValues<T extends { ExpressionAttributeValues?: DocumentItem }>(input: T) {
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

export class DynamoDbLite implements DocumentDb {
  private readonly url: URL;
  private readonly transport: Transport;
  private readonly region: string;
  private readonly credentials: () => AwsCredentials;
  private readonly timeoutMs: number;
  private readonly budgetMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DynamoDbLiteOptions) {
    this.url = new URL(options.endpoint);
    this.transport = transportFor(this.url);
    this.region = options.region;
    this.credentials = options.credentials;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async getItem(input: GetItemInput): Promise<GetItemOutput> {
    const { Item } = await this.call('GetItem', { ...input, Key: toAttributes(input.Key) });
    return Item ? { Item: unmarshall(Item as Record<string, AttributeValue>) } : {};
  }

  async updateItem(input: UpdateItemInput): Promise<UpdateItemOutput> {
    const { Attributes } = await this.call(
      'UpdateItem',
      withAttributeValues({ ...input, Key: toAttributes(input.Key) }),
    );
    return Attributes ? { Attributes: unmarshall(Attributes as Record<string, AttributeValue>) } : {};
  }

  async transactWriteItems(input: TransactWriteItemsInput): Promise<void> {
    await this.call('TransactWriteItems', {
      TransactItems: input.TransactItems.map((item) =>
        'Put' in item
          ? { Put: withAttributeValues({ ...item.Put, Item: toAttributes(item.Put.Item as DocumentItem) }) }
          : { Update: withAttributeValues({ ...item.Update, Key: toAttributes(item.Update.Key) }) },
      ),
      // One token for every attempt, as the SDK does: a retry after an answer that got lost finds
      // the transaction already done instead of applying it twice.
      ClientRequestToken: randomUUID(),
    });
  }

  /** Closes the kept-alive connections (tests and scripts; a Lambda keeps them for the next request). */
  destroy(): void {
    this.transport.agent.destroy();
  }

  private async call(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const deadline = Date.now() + this.budgetMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(operation, body, Math.min(this.timeoutMs, deadline - Date.now()));
      } catch (error) {
        const base = backoffBase(error);
        if (base === undefined || attempt >= this.maxAttempts) throw error;
        // Full jitter: clients that failed together do not retry together.
        const delay = Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
        // Not worth starting an attempt that would have almost no time to answer.
        if (Date.now() + delay > deadline - MIN_ATTEMPT_MS) throw error;
        await this.sleep(delay);
      }
    }
  }

  private attempt(operation: string, body: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
    };
    // Signed per attempt: the signature carries the time, and DynamoDB refuses stale ones.
    const signed = signRequest(
      { method: 'POST', host: this.url.host, path: this.url.pathname, headers, body },
      { credentials: this.credentials(), region: this.region, service: 'dynamodb', date: new Date() },
    );
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const noAnswer = (error: Error) =>
        settle(() => reject(new DynamoDbError('NetworkError', error.message, { cause: error })));

      const req = this.transport.request(this.url, {
        method: 'POST',
        agent: this.transport.agent,
        headers: { ...headers, ...signed, host: this.url.host, 'content-length': Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => {
        settle(() => reject(new DynamoDbError('TimeoutError', `No answer within ${timeoutMs} ms`)));
        req.destroy();
      }, timeoutMs);
      req.on('error', noAnswer);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', noAnswer);
        res.on('end', () =>
          settle(() => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status < 200 || status >= 300) return reject(errorFromAnswer(status, text));
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

/** Lambda's role credentials, as the runtime puts them in the environment. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsCredentials {
  const sessionToken = optionalEnv('AWS_SESSION_TOKEN', env);
  return {
    accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID', env),
    secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY', env),
    ...(sessionToken ? { sessionToken } : {}),
  };
}

/**
 * The page function calls this once at module load, like tableFromEnv: one client and connection
 * pool per execution environment. `DDB_ENDPOINT` points it at DynamoDB Local with the fixed local
 * credentials, exactly as the SDK clients are pointed there.
 */
export function liteTableFromEnv(env: NodeJS.ProcessEnv = process.env): DocumentTableRef & { db: DynamoDbLite } {
  const name = requiredEnv('TABLE_NAME', env);
  const endpoint = optionalEnv('DDB_ENDPOINT', env);
  if (endpoint) {
    const region = optionalEnv('AWS_REGION', env) ?? 'local';
    return { name, db: new DynamoDbLite({ endpoint, region, credentials: () => LOCAL_CREDENTIALS }) };
  }
  const region = requiredEnv('AWS_REGION', env);
  return {
    name,
    db: new DynamoDbLite({
      endpoint: `https://dynamodb.${region}.amazonaws.com/`,
      region,
      credentials: () => credentialsFromEnv(env),
    }),
  };
}
