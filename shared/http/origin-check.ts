import { AwsCallError, callAwsJson } from '../config/aws-json-lite.ts';
import { optionalEnv } from '../config/env.ts';
import { refreshingValue } from '../config/refreshing-value.ts';
import { credentialsFromEnv } from '../db/dynamodb-lite.ts';
import { logger } from '../observability/logger.ts';
import { secretMatches } from '../security/constant-time.ts';

/**
 * Proof that a request came through our CloudFront distribution: CloudFront adds this header with
 * a secret value to every origin request, and the HTTP API's routes refuse requests without it
 * (the execute-api address is public, and a request sent there directly would skip AWS WAF).
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The secret's value, as stored in Secrets Manager (JSON): `current` is what CloudFront sends;
 * `previous` is still accepted, so that a rotation never refuses requests while CloudFront's
 * edges and the functions' caches catch up. Each at least 32 characters.
 */
export interface OriginSecret {
  readonly current: string;
  readonly previous?: string;
}

/** The secret could not be read (Secrets Manager unreachable or refusing): the route answers 503. */
export class OriginSecretUnavailableError extends Error {
  override readonly name = 'OriginSecretUnavailableError';
}

const MIN_SECRET_LENGTH = 32;

/** Parses the stored value; throws naming the source (never the value) when it is not one. */
export function parseOriginSecret(text: string, source: string): OriginSecret {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON {"current": "...", "previous": "..."}`);
  }
  const { current, previous } = (value ?? {}) as Record<string, unknown>;
  const usable = (candidate: unknown) => typeof candidate === 'string' && candidate.length >= MIN_SECRET_LENGTH;
  if (!usable(current))
    throw new Error(`${source}: "current" must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  if (previous !== undefined && previous !== null && !usable(previous)) {
    throw new Error(`${source}: "previous" must be a string of at least ${MIN_SECRET_LENGTH} characters when present`);
  }
  return typeof previous === 'string' ? { current: current as string, previous } : { current: current as string };
}

export interface OriginSecretSource {
  /** The secret to check against; OriginSecretUnavailableError when it cannot be had at all. */
  get(): Promise<OriginSecret>;
  /**
   * After a header no known value matches: the secret read again (a rotation may have moved on
   * since the last read), at most every FORCED_REFRESH_MIN_MS; otherwise, or when the read fails,
   * undefined. Absent: the value never changes.
   */
  reread?(): Promise<OriginSecret | undefined>;
}

/**
 * How the check runs in this process: off (the local stage: no CloudFront in front), on with a
 * secret source, or on without one: a deployed function missing its setting refuses everything
 * (fails closed) rather than let requests past the firewall.
 */
export type OriginCheck =
  | { readonly mode: 'off' }
  | { readonly mode: 'on'; readonly source: OriginSecretSource }
  | { readonly mode: 'misconfigured'; readonly reason: string };

export type OriginVerdict = 'pass' | 'refused' | 'unavailable';

/** Both values compared every time, each in constant time: the answer tells nothing about either. */
function matches(secret: OriginSecret, presented: string): boolean {
  const current = secretMatches(secret.current, presented);
  const previous = secret.previous !== undefined && secretMatches(secret.previous, presented);
  return current || previous;
}

/**
 * The one place the origin header is judged. `headerValue` is the request's `x-origin-verify`.
 * `unavailable`: the secret could not be read (the caller answers 503 with Retry-After).
 */
export async function verifyOrigin(check: OriginCheck, headerValue: string | undefined): Promise<OriginVerdict> {
  if (check.mode === 'off') return 'pass';
  if (check.mode === 'misconfigured' || !headerValue) return 'refused';
  let secret: OriginSecret;
  try {
    secret = await check.source.get();
  } catch (error) {
    logger.warn('origin secret unavailable', { errorName: (error as Error).name, error: (error as Error).message });
    return 'unavailable';
  }
  if (matches(secret, headerValue)) return 'pass';
  const newer = await check.source.reread?.();
  return newer && matches(newer, headerValue) ? 'pass' : 'refused';
}

/** A fixed value (tests): parsed at once, so a bad value fails the cold start. */
export function staticOriginSecret(value: string, source: string): OriginSecretSource {
  const secret = parseOriginSecret(value, source);
  return { get: async () => secret };
}

/** Re-read the secret this often (ms): a rotated value reaches warm instances within this. */
export const SECRET_REFRESH_MS = 5 * 60 * 1000;
/** A header no known value matches re-reads the secret at most this often (ms) per instance. */
export const FORCED_REFRESH_MIN_MS = 30 * 1000;
/** Secrets Manager must answer within this (ms): well inside every route's budget. */
export const SECRET_TIMEOUT_MS = 2_000;

export interface CachedSecretOptions {
  readonly read: () => Promise<string>;
  readonly source: string;
  /** ms since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
}

/**
 * A secret read at once (during the cold start, so the first request does not wait for it), then
 * again once SECRET_REFRESH_MS have passed; a failed refresh keeps the value it has. Concurrent
 * reads share one call.
 */
export function cachedOriginSecret({ read, source, now = Date.now }: CachedSecretOptions): OriginSecretSource {
  const secret = refreshingValue({
    name: 'origin secret',
    refreshMs: SECRET_REFRESH_MS,
    forcedMinMs: FORCED_REFRESH_MIN_MS,
    now,
    load: async () => {
      try {
        return parseOriginSecret(await read(), source);
      } catch (error) {
        throw error instanceof OriginSecretUnavailableError
          ? error
          : new OriginSecretUnavailableError((error as Error).message);
      }
    },
  });
  return { get: () => secret.get(), reread: () => secret.forceRead() };
}

/** Secrets Manager GetSecretValue (its AWSCURRENT version): the secret string. */
export async function getSecretString(
  secretId: string,
  region: string,
  env: NodeJS.ProcessEnv = process.env,
  endpoint?: string,
): Promise<string> {
  try {
    const answer = await callAwsJson({
      service: 'secretsmanager',
      target: 'secretsmanager.GetSecretValue',
      body: { SecretId: secretId },
      region,
      credentials: credentialsFromEnv(env),
      timeoutMs: SECRET_TIMEOUT_MS,
      endpoint,
      label: 'Secrets Manager',
    });
    if (typeof answer.SecretString !== 'string') {
      throw new OriginSecretUnavailableError('Secrets Manager GetSecretValue answered 200 (no SecretString)');
    }
    return answer.SecretString;
  } catch (error) {
    throw error instanceof AwsCallError ? new OriginSecretUnavailableError(error.message) : error;
  }
}

/**
 * From the environment: ORIGIN_SECRET (the value itself: tests), ORIGIN_SECRET_ARN (the secret in
 * Secrets Manager: AWS), or neither. Without either the check is off for the local stage only
 * (STAGE `local`, as `npm start` sets, or no STAGE at all, as in tests) and never inside Lambda:
 * a deployed function without its setting refuses every request.
 */
export function originCheckFromEnv(env: NodeJS.ProcessEnv = process.env): OriginCheck {
  const value = optionalEnv('ORIGIN_SECRET', env);
  if (value) return { mode: 'on', source: staticOriginSecret(value, 'ORIGIN_SECRET') };
  const arn = optionalEnv('ORIGIN_SECRET_ARN', env);
  if (arn) {
    const region = optionalEnv('AWS_REGION', env);
    if (!region) return { mode: 'misconfigured', reason: 'AWS_REGION is not set' };
    return {
      mode: 'on',
      source: cachedOriginSecret({ read: () => getSecretString(arn, region, env), source: `secret ${arn}` }),
    };
  }
  const stage = optionalEnv('STAGE', env);
  const inLambda = optionalEnv('AWS_LAMBDA_FUNCTION_NAME', env) !== undefined;
  if ((stage === undefined || stage === 'local') && !inLambda) return { mode: 'off' };
  const reason = `ORIGIN_SECRET_ARN is not set on stage ${stage ?? '(none)'}: every request is refused`;
  logger.error('origin check misconfigured', { reason });
  return { mode: 'misconfigured', reason };
}
