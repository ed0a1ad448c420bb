/**
 * Time limits of every AWS SDK call the functions make (DynamoDB, SSM, EventBridge), so an outage
 * ends a request well inside the functions' 10 s timeout (infra/constructs/app-function.ts) instead
 * of hanging until Lambda cuts it off: connecting may take 1 s, an attempt (request and whole
 * answer) 2 s, and an operation with its retries (3 attempts, the SDK's standard mode) at most 4 s.
 * The services answer in milliseconds in-region; these only bound the failure case. A call past
 * them fails with TimeoutError / AbortError (for DynamoDB: 503, see isServiceUnavailable).
 *
 * No SDK import here: a function that only needs these numbers does not load a client it never uses.
 */
export const SDK_TIMEOUTS = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 3,
  operationBudgetMs: 4_000,
} as const;

export interface SdkLimits {
  readonly maxAttempts?: number;
  /** Per attempt, connecting included (ms). */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** Per operation, retries included (ms); the call is aborted past it. */
  readonly operationBudgetMs?: number;
}

/** The client settings for `limits` (SDK_TIMEOUTS where unset): attempts and the request handler's timeouts. */
export function sdkClientConfig(limits: SdkLimits = {}) {
  const merged = { ...SDK_TIMEOUTS, ...limits };
  return {
    maxAttempts: merged.maxAttempts,
    requestHandler: {
      connectionTimeout: merged.connectionTimeoutMs,
      requestTimeout: merged.requestTimeoutMs,
      // Without this the SDK only warns when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

type Sendable = { send: (command: never, options?: { abortSignal?: AbortSignal }) => Promise<unknown> };

/**
 * Gives every `send` of an SDK client an abort signal that fires after `budgetMs`, unless the
 * caller passed its own: the SDK has per-attempt timeouts but no limit on an operation with its
 * retries and backoff. Returns the same client.
 */
export function withOperationBudget<T extends object>(client: T, budgetMs: number = SDK_TIMEOUTS.operationBudgetMs): T {
  const sendable = client as unknown as Sendable;
  // Looked up at each call, not bound once: a test double may replace the class's `send` later.
  const prototype = Object.getPrototypeOf(client) as Sendable;
  sendable.send = ((command: never, options?: { abortSignal?: AbortSignal }) =>
    prototype.send.call(client, command, {
      ...options,
      abortSignal: options?.abortSignal ?? AbortSignal.timeout(budgetMs),
    })) as Sendable['send'];
  return client;
}
