import { credentialsFromEnv } from '../db/dynamodb-lite.ts';
import { invokedFunctionSetting, invokeLambda } from './invoke.ts';

/**
 * A partner's on-demand office sync asked for by another function (the console) rather than by
 * the HTTP API: the office sync function is the only one holding the directory credential and
 * the once-a-minute rule, so the console invokes it (Lambda Invoke) with this payload instead of
 * doing the sync itself. `budgetMs` caps the sync, so it ends inside the caller's own timeout.
 */
export interface PartnerSyncRequest {
  readonly kind: 'partner-office-sync';
  readonly partnerId: string;
  readonly budgetMs: number;
}

/**
 * What the sync did. A table that did not answer is not an outcome: the function fails (the
 * invoke answers a function error), as the HTTP route answers 503.
 */
export type PartnerSyncOutcome =
  | {
      readonly outcome: 'synced';
      readonly syncedAt: string;
      /** Offices the listing brought that were new or changed. */
      readonly written: number;
      /** Stored offices the directory no longer lists, now inactive. */
      readonly deactivated: number;
    }
  /** The once-a-minute rule: the partner synced less than a minute ago. */
  | { readonly outcome: 'rate-limited'; readonly retryAfterSeconds: number }
  | { readonly outcome: 'directory-unavailable'; readonly retryAfterSeconds: number };

/**
 * Whether an invoke's event is a PartnerSyncRequest (a non-empty partner ID, a positive budget),
 * as opposed to the schedule's or API Gateway's events the office sync function also receives.
 */
export function isPartnerSyncRequest(event: unknown): event is PartnerSyncRequest {
  if (typeof event !== 'object' || event === null) return false;
  const request = event as Partial<PartnerSyncRequest>;
  return (
    request.kind === 'partner-office-sync' &&
    typeof request.partnerId === 'string' &&
    request.partnerId.length > 0 &&
    typeof request.budgetMs === 'number' &&
    request.budgetMs > 0
  );
}

function isOutcome(value: unknown): value is PartnerSyncOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const outcome = (value as { outcome?: unknown }).outcome;
  return outcome === 'synced' || outcome === 'rate-limited' || outcome === 'directory-unavailable';
}

/** Runs one partner's on-demand sync wherever the office sync function runs. */
export type PartnerSyncInvoker = (request: PartnerSyncRequest) => Promise<unknown>;

/**
 * The local runtime (and the integration tests) put the office sync handler here, called in
 * process, where AWS has Lambda Invoke: the console's code is the same on both.
 */
let localInvoker: PartnerSyncInvoker | undefined;
/** Sets (or, with undefined, clears) the in-process office sync that replaces Lambda Invoke locally. */
export function setLocalPartnerSyncInvoker(invoker: PartnerSyncInvoker | undefined): void {
  localInvoker = invoker;
}

/** Connecting, the directory listing (the function's own budget) and the answer, with room to spare. */
const INVOKE_MARGIN_MS = 1_500;

/**
 * Asks the office sync function for `partnerId`'s sync: Lambda Invoke of OFFICE_SYNC_FUNCTION_NAME
 * on AWS, the local runtime's in-process handler otherwise.
 * @throws LambdaInvokeError when the invoke or the function failed, Error when neither is configured,
 *   TypeError when the function answered something that is not an outcome.
 */
export async function requestPartnerSync(
  partnerId: string,
  budgetMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<PartnerSyncOutcome> {
  const request: PartnerSyncRequest = { kind: 'partner-office-sync', partnerId, budgetMs };
  const functionName = env[invokedFunctionSetting('officeSync')];
  let answer: unknown;
  if (functionName) {
    answer = await invokeLambda({
      functionName,
      payload: request,
      region: env.AWS_REGION ?? 'us-east-1',
      credentials: credentialsFromEnv(env),
      timeoutMs: budgetMs + INVOKE_MARGIN_MS,
      ...(env.LAMBDA_ENDPOINT ? { endpoint: env.LAMBDA_ENDPOINT } : {}),
    });
  } else if (localInvoker) {
    answer = await localInvoker(request);
  } else {
    throw new Error('No office sync to ask: OFFICE_SYNC_FUNCTION_NAME is not set and no local runtime is running');
  }
  if (!isOutcome(answer)) throw new TypeError('The office sync answered something that is not a sync outcome');
  return answer;
}
