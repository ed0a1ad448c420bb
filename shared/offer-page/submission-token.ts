import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Submission tokens: every rendered offer form carries one, issued by the server and signed with
 * HMAC-SHA-256 under a secret key, bound to the offer (its summary ID) and to the time the page was
 * rendered. A post is only recorded with a token this service issued for that offer, less than
 * TOKEN_MAX_AGE_MS ago; the response is stored under a submission id derived from the token, so one
 * token answers once.
 *
 * Shape: `v1.<issued at, ms since epoch, base36>.<nonce: 16 random bytes, base64url>.<MAC, base64url>`,
 * URL-safe as it is (it also names the acceptance's confirmation page).
 */

/** 24 hours: a form left open longer comes back with its values and a fresh token. */
export const TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Clocks of different function instances drift a little; a token from further ahead is forged. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** HMAC-SHA-256 keys shorter than its 32-byte output would weaken it. */
export const MIN_KEY_BYTES = 32;

const VERSION = 'v1';
export const TOKEN_PATTERN = /^v1\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** Submission ids: issue time first (base36, 9 characters), so records sort by when the form was opened. */
export const SUBMISSION_ID_PATTERN = /^[0-9a-z]{9}[A-Za-z0-9_-]{22}$/;

/**
 * The signing keys: `current` signs new tokens; `previous` (the key before the last rotation) still
 * verifies tokens issued with it.
 */
export interface FormTokenKeys {
  readonly current: Buffer;
  readonly previous?: Buffer;
}

/** Configuration that cannot be used; the message names the source, never the value. */
export class FormTokenKeyError extends Error {
  override readonly name = 'FormTokenKeyError';
}

function decodeKey(value: unknown, field: string, source: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim())) {
    throw new FormTokenKeyError(`${source}: "${field}" must be a base64 string (value not shown)`);
  }
  const key = Buffer.from(value.trim(), 'base64');
  if (key.byteLength < MIN_KEY_BYTES) {
    throw new FormTokenKeyError(`${source}: "${field}" must decode to at least ${MIN_KEY_BYTES} bytes`);
  }
  return key;
}

/**
 * Parses the keys' configured value: JSON `{"current": "<base64>", "previous": "<base64>"}`, each
 * key at least 32 random bytes (`openssl rand -base64 32`); `previous` is optional.
 * Throws FormTokenKeyError naming `source` (never the value).
 */
export function parseFormTokenKeys(value: string, source: string): FormTokenKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new FormTokenKeyError(`${source} must be JSON like {"current":"<base64>","previous":"<base64>"}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FormTokenKeyError(`${source} must be a JSON object with "current" and optionally "previous"`);
  }
  const { current, previous } = parsed as Record<string, unknown>;
  const currentKey = decodeKey(current, 'current', source);
  if (previous === undefined || previous === null || previous === '') return { current: currentKey };
  return { current: currentKey, previous: decodeKey(previous, 'previous', source) };
}

/** A fresh key set's value (`npm start` and tests): one current key of 32 random bytes. */
export function newFormTokenKeysValue(): string {
  return JSON.stringify({ current: randomBytes(MIN_KEY_BYTES).toString('base64') });
}

function mac(key: Buffer, summaryId: string, issuedAt: string, nonce: string): Buffer {
  return createHmac('sha256', key).update(`${VERSION}\n${summaryId}\n${issuedAt}\n${nonce}`, 'utf8').digest();
}

/** A token for one rendering of the offer `summaryId`'s form, at `now`. */
export function issueToken(keys: FormTokenKeys, summaryId: string, now: Date): string {
  const issuedAt = now.getTime().toString(36);
  const nonce = randomBytes(16).toString('base64url');
  return `${VERSION}.${issuedAt}.${nonce}.${mac(keys.current, summaryId, issuedAt, nonce).toString('base64url')}`;
}

/** When a token of the right shape says it was issued (ms since the epoch), signed or not; undefined for any other string. */
export function tokenIssuedAt(token: string): number | undefined {
  const issuedAt = TOKEN_PATTERN.exec(token)?.[1];
  return issuedAt === undefined ? undefined : Number.parseInt(issuedAt, 36);
}

/**
 * The submission id a token answers under: its issue time, then 132 bits of the token's SHA-256.
 * Knowing a submission id (partners see it) does not give the token, which is also the
 * confirmation page's address.
 */
export function submissionIdOf(token: string): string {
  const issuedAt = TOKEN_PATTERN.exec(token)?.[1] ?? '0';
  const digest = createHash('sha256').update(token, 'utf8').digest('base64url').slice(0, 22);
  return issuedAt.padStart(9, '0').slice(-9) + digest;
}

export type TokenCheck =
  /** Issued by us for this offer: `expired` once older than TOKEN_MAX_AGE_MS. */
  | { readonly status: 'valid' | 'expired'; readonly submissionId: string }
  /** Missing, malformed, forged, signed with a retired key, or for another offer. */
  | { readonly status: 'invalid' };

const INVALID: TokenCheck = { status: 'invalid' };

/** Checks a posted token against the offer it was posted to, with the current and previous keys. */
export function checkToken(keys: FormTokenKeys, token: string | undefined, summaryId: string, now: Date): TokenCheck {
  const match = token ? TOKEN_PATTERN.exec(token) : null;
  if (!token || !match) return INVALID;
  const [, issuedAt = '', nonce = '', signature = ''] = match;
  const given = Buffer.from(signature, 'base64url');
  const signedBy = (key: Buffer | undefined) => {
    if (!key) return false;
    const expected = mac(key, summaryId, issuedAt, nonce);
    return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
  };
  if (!signedBy(keys.current) && !signedBy(keys.previous)) return INVALID;
  const age = now.getTime() - Number.parseInt(issuedAt, 36);
  if (age < -CLOCK_SKEW_MS) return INVALID;
  const submissionId = submissionIdOf(token);
  return { status: age > TOKEN_MAX_AGE_MS ? 'expired' : 'valid', submissionId };
}
