import { type SignedPostAnswer, SignedPostError, signedPost } from '../config/signed-post.ts';
import type { AwsCredentials } from '../db/dynamodb-lite.ts';

/**
 * One synchronous Lambda Invoke (`POST /2015-03-31/functions/<name>/invocations`, RequestResponse),
 * a signed POST (shared/config/signed-post.ts), so the console stays free of the AWS SDK. Used by
 * the console to ask the office sync function (the only holder of the directory credential) for a
 * partner's on-demand sync.
 */
export interface LambdaInvokeCall {
  /** The function's name or ARN. */
  readonly functionName: string;
  readonly payload: unknown;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** No complete answer within this (ms), connecting included: the call fails. */
  readonly timeoutMs: number;
  /** `https://lambda.<region>.amazonaws.com` unless given (tests; there `http:` is accepted too). */
  readonly endpoint?: string;
}

/**
 * The invoke failed: no answer in time, no connection, Lambda refused it (throttled, not allowed),
 * or the function itself failed (`X-Amz-Function-Error`). The message names the status and the
 * error type only, never the payload (it may quote a request the function made).
 */
export class LambdaInvokeError extends Error {
  override readonly name = 'LambdaInvokeError';
}

/**
 * The setting that carries an invoked function's name to its caller (FunctionSpec `invokes`):
 * `officeSync` → `OFFICE_SYNC_FUNCTION_NAME`.
 */
export function invokedFunctionSetting(functionKey: string): string {
  return `${functionKey.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}_FUNCTION_NAME`;
}

/** The function's JSON answer; LambdaInvokeError otherwise. */
export async function invokeLambda(call: LambdaInvokeCall): Promise<unknown> {
  const base = new URL(call.endpoint ?? `https://lambda.${call.region}.amazonaws.com`);
  const path = `/2015-03-31/functions/${encodeURIComponent(call.functionName)}/invocations`;
  let sent: SignedPostAnswer;
  try {
    sent = await signedPost({
      url: new URL(path, base),
      service: 'lambda',
      region: call.region,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body: JSON.stringify(call.payload),
      credentials: call.credentials,
      timeoutMs: call.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof SignedPostError)) throw error;
    throw new LambdaInvokeError(
      error.timedOut ? `Lambda did not answer within ${call.timeoutMs} ms` : `Lambda invoke failed (${error.code})`,
    );
  }
  let answer: unknown;
  try {
    answer = JSON.parse(sent.body.toString('utf8'));
  } catch {
    answer = undefined;
  }
  const functionError = sent.headers['x-amz-function-error'];
  if (sent.status !== 200 || functionError !== undefined) {
    const type =
      typeof functionError === 'string'
        ? `function error ${functionError}`
        : String(sent.headers['x-amzn-errortype'] ?? 'no type').split(':')[0];
    throw new LambdaInvokeError(`Lambda Invoke answered ${sent.status} (${type})`);
  }
  return answer;
}
