import { AwsCallError, callAwsJson } from '../../shared/config/aws-json-lite.ts';
import { optionalEnv, requiredEnv } from '../../shared/config/env.ts';
import { refreshingValue } from '../../shared/config/refreshing-value.ts';
import { type AwsCredentials, credentialsFromEnv } from '../../shared/db/dynamodb-lite.ts';
import {
  CLOCK_SKEW_MS,
  checkToken,
  type FormTokenKeys,
  parseFormTokenKeys,
  type TokenCheck,
  tokenIssuedAt,
} from '../../shared/offer-page/submission-token.ts';

/**
 * The form-token keys: on AWS a SecureString SSM parameter (FORM_TOKEN_KEYS_PARAMETER), locally
 * and in tests the value itself (FORM_TOKEN_KEYS). The parameter is read with one signed
 * GetParameter call (shared/config/aws-json-lite.ts: SigV4 by `aws4` over node:https, as the page's
 * DynamoDB client signs), not the SSM SDK client, which would bring the SDK back into the page's
 * bundle and cold start.
 */

/** No answer from SSM within this (ms), connecting included: the call fails and is tried again later. */
export const SSM_TIMEOUT_MS = 2_000;
/**
 * Re-read this often (ms), so that a rotated value reaches warm instances: within this time every
 * instance signs with the new key, while the previous key still verifies what was issued before.
 */
export const KEYS_REFRESH_MS = 10 * 60 * 1000;
/**
 * A token no key verifies may be signed with a key rotated in since this instance's last read: the
 * keys are read again then, but at most this often (ms), so forged tokens cannot make every post
 * an SSM call.
 */
export const FORCED_REFRESH_MIN_MS = 30 * 1000;

/** The keys could not be loaded (SSM unreachable, refused or slow): the page answers "try again". */
export class FormTokenKeysUnavailableError extends Error {
  override readonly name = 'FormTokenKeysUnavailableError';
}

export interface TokenKeySource {
  /** The keys to sign and verify with; FormTokenKeysUnavailableError when they cannot be had at all. */
  get(): Promise<FormTokenKeys>;
  /**
   * For a token issued at `issuedAtMs` (ms since the epoch) that none of get()'s keys verifies: the
   * keys read again, if they were last read before then (another instance may already sign with a
   * key rotated in since) and no such re-read happened in the last FORCED_REFRESH_MIN_MS.
   * Otherwise, or when the read fails (logged), undefined. Absent: the keys never change.
   */
  newerThan?(issuedAtMs: number): Promise<FormTokenKeys | undefined>;
}

/** A fixed value (local runtime, tests): parsed at once, so a bad value fails the cold start. */
export function staticTokenKeys(value: string, source: string): TokenKeySource {
  const keys = parseFormTokenKeys(value, source);
  return { get: async () => keys };
}

export interface SsmParameterRequest {
  readonly name: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  readonly timeoutMs?: number;
  /** `https://ssm.<region>.amazonaws.com/` unless given (tests; there `http:` is accepted too). */
  readonly endpoint?: string;
}

/**
 * SSM GetParameter with decryption: the decrypted value. Errors carry SSM's error type and the
 * HTTP status, never the answer's body (a decrypted value must not reach logs).
 */
export async function getSsmParameter({
  name,
  region,
  credentials,
  timeoutMs = SSM_TIMEOUT_MS,
  endpoint,
}: SsmParameterRequest): Promise<string> {
  let answer: Record<string, unknown>;
  try {
    answer = await callAwsJson({
      service: 'ssm',
      target: 'AmazonSSM.GetParameter',
      body: { Name: name, WithDecryption: true },
      region,
      credentials,
      timeoutMs,
      endpoint,
      label: 'SSM',
    });
  } catch (error) {
    throw error instanceof AwsCallError ? new FormTokenKeysUnavailableError(error.message) : error;
  }
  const value = (answer.Parameter as { Value?: unknown } | undefined)?.Value;
  if (typeof value !== 'string') throw new FormTokenKeysUnavailableError('SSM GetParameter answered 200 (no value)');
  return value;
}

export interface SsmTokenKeysOptions {
  readonly read: () => Promise<string>;
  readonly refreshMs?: number;
  /** ms since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
}

/**
 * Keys from SSM: read at once (during the cold start, so the first customer does not wait for it),
 * then again once KEYS_REFRESH_MS have passed. A failed refresh keeps the keys it has and tries
 * again on the next request; only with no keys at all does get() fail.
 */
export function ssmTokenKeys(parameterName: string, options: SsmTokenKeysOptions): TokenKeySource {
  const refreshMs = options.refreshMs ?? KEYS_REFRESH_MS;
  const now = options.now ?? Date.now;
  const source = `SSM parameter ${parameterName}`;
  const keys = refreshingValue({
    name: 'form token keys',
    refreshMs,
    forcedMinMs: FORCED_REFRESH_MIN_MS,
    now,
    load: async () => parseFormTokenKeys(await options.read(), source),
  });
  return {
    get: () => keys.get(),
    async newerThan(issuedAtMs) {
      const readAt = keys.readAt();
      if (readAt === undefined || readAt > issuedAtMs) return undefined;
      return keys.forceRead();
    },
  };
}

/**
 * checkToken with the source's keys; when they do not verify a token of the right shape, once more
 * with keys read again (TokenKeySource.newerThan): a form issued by an instance that already has a
 * rotated-in key is not refused as out of date by one that has not re-read yet. Clock skew between
 * instances is allowed for in the token's issue time.
 */
export async function checkPostedToken(
  source: TokenKeySource,
  keys: FormTokenKeys,
  token: string | undefined,
  summaryId: string,
  now: Date,
): Promise<TokenCheck> {
  const checked = checkToken(keys, token, summaryId, now);
  const issuedAt = token === undefined ? undefined : tokenIssuedAt(token);
  if (checked.status !== 'invalid' || issuedAt === undefined || !source.newerThan) return checked;
  const newer = await source.newerThan(issuedAt + CLOCK_SKEW_MS);
  return newer ? checkToken(newer, token, summaryId, now) : checked;
}

/** FORM_TOKEN_KEYS (the value: local runtime, tests) or FORM_TOKEN_KEYS_PARAMETER (the SSM parameter, AWS). */
export function tokenKeysFromEnv(env: NodeJS.ProcessEnv = process.env): TokenKeySource {
  const value = optionalEnv('FORM_TOKEN_KEYS', env);
  if (value) return staticTokenKeys(value, 'FORM_TOKEN_KEYS');
  const name = requiredEnv('FORM_TOKEN_KEYS_PARAMETER', env);
  const region = requiredEnv('AWS_REGION', env);
  return ssmTokenKeys(name, { read: () => getSsmParameter({ name, region, credentials: credentialsFromEnv(env) }) });
}
