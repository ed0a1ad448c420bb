import type { AwsCredentials } from '../db/dynamodb-lite.ts';
import { type SignedPostAnswer, SignedPostError, signedPost } from './signed-post.ts';

/**
 * One call to an AWS JSON 1.1 API (SSM, Secrets Manager: `POST /` with `X-Amz-Target`), a signed
 * POST (signed-post.ts), for the functions that stay free of the AWS SDK
 * (the customer page, the authorizer): the SDK would bring back most of their bundle and cold
 * start (test/bench/RESULTS.md).
 */
export interface AwsJsonCall {
  /** The signing name and host prefix: `ssm`, `secretsmanager`. */
  readonly service: string;
  /** `AmazonSSM.GetParameter`, `secretsmanager.GetSecretValue`. */
  readonly target: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** No answer within this (ms), connecting included: the call fails. */
  readonly timeoutMs: number;
  /** `https://<service>.<region>.amazonaws.com/` unless given (tests; there `http:` is accepted too). */
  readonly endpoint?: string;
  /** Names the service in error messages (`SSM`). */
  readonly label: string;
}

/**
 * The call failed: no answer in time, no connection, or an answer other than 200. The message
 * carries the service's error type and the HTTP status, never the answer's body (a decrypted
 * value must not reach logs).
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
}

/** The parsed 200 answer; AwsCallError otherwise. */
export async function callAwsJson(call: AwsJsonCall): Promise<Record<string, unknown>> {
  const operation = call.target.split('.').pop();
  let sent: SignedPostAnswer;
  try {
    sent = await signedPost({
      url: new URL(call.endpoint ?? `https://${call.service}.${call.region}.amazonaws.com/`),
      service: call.service,
      region: call.region,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target },
      body: JSON.stringify(call.body),
      credentials: call.credentials,
      timeoutMs: call.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof SignedPostError)) throw error;
    throw new AwsCallError(
      error.timedOut
        ? `${call.label} did not answer within ${call.timeoutMs} ms`
        : `${call.label} request failed (${error.code})`,
    );
  }
  let answer: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(sent.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') answer = parsed as Record<string, unknown>;
  } catch {
    // Not the service's JSON (a proxy's page): the status says enough.
  }
  if (sent.status !== 200) {
    const type = typeof answer.__type === 'string' ? answer.__type.split('#').pop() : 'no value';
    throw new AwsCallError(`${call.label} ${operation} answered ${sent.status} (${type})`);
  }
  return answer;
}
