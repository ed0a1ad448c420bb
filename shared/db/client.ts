import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

/** A document client bound to the table it works on; stores take one of these. */
export interface TableRef {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

/**
 * Time limits of every SDK DynamoDB call, so an outage ends a request well inside the functions'
 * 10 s timeout (infra/constructs/app-function.ts) instead of hanging until Lambda cuts it off:
 * connecting may take 1 s, an attempt (request and whole answer) 2 s, and an operation with its
 * retries (3 attempts, the SDK's standard mode) at most 4 s. DynamoDB answers in milliseconds
 * in-region; these only bound the failure case. Callers map the resulting TimeoutError / AbortError
 * to 503 (isServiceUnavailable in errors.ts).
 */
export const SDK_TIMEOUTS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 3,
  operationBudgetMs: 4_000,
} as const;

export interface DynamoClientOptions {
  readonly maxAttempts?: number;
  /** Per attempt, connecting included (ms). */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** Per operation, retries included (ms); the call is aborted past it. */
  readonly operationBudgetMs?: number;
}

type Sendable = { send: (command: never, options?: { abortSignal?: AbortSignal }) => Promise<unknown> };

/**
 * Gives every `send` an abort signal that fires after `budgetMs`, unless the caller passed its own:
 * the SDK has per-attempt timeouts but no limit on an operation with its retries and backoff.
 */
function withOperationBudget<T extends object>(client: T, budgetMs: number): T {
  const sendable = client as unknown as Sendable;
  const send = sendable.send.bind(client);
  sendable.send = ((command: never, options?: { abortSignal?: AbortSignal }) =>
    send(command, {
      ...options,
      abortSignal: options?.abortSignal ?? AbortSignal.timeout(budgetMs),
    })) as Sendable['send'];
  return client;
}

/**
 * The one place the SDK's DynamoDB clients are made (the customer page and the authorizer have
 * their own client, dynamodb-lite.ts, without the SDK). `endpoint` points the client at DynamoDB
 * Local (local runtime, tests, ops CLI with --endpoint); on AWS it is unset and the SDK resolves
 * the regional endpoint and credentials itself. Every client gets SDK_TIMEOUTS unless told otherwise.
 */
export function createDynamoClient(endpoint?: string, options: DynamoClientOptions = {}): DynamoDBClient {
  const limits = { ...SDK_TIMEOUTS, ...options };
  const config = {
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Without this the SDK only warns when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
  const client = new DynamoDBClient(
    endpoint
      ? { endpoint, region: optionalEnv('AWS_REGION') ?? 'local', credentials: LOCAL_CREDENTIALS, ...config }
      : config,
  );
  return withOperationBudget(client, limits.operationBudgetMs);
}

export function createDocumentClient(endpoint?: string, options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const document = DynamoDBDocumentClient.from(createDynamoClient(endpoint, options), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // The document client has its own `send`, which does not go through the wrapped one.
  return withOperationBudget(document, options.operationBudgetMs ?? SDK_TIMEOUTS.operationBudgetMs);
}

/**
 * Functions call this once at module load: the client (and its connection pool) then lives for
 * the whole execution environment, and a missing TABLE_NAME fails the cold start, not a request.
 */
export function tableFromEnv(env: NodeJS.ProcessEnv = process.env): TableRef {
  return {
    name: requiredEnv('TABLE_NAME', env),
    client: createDocumentClient(optionalEnv('DDB_ENDPOINT', env)),
  };
}
