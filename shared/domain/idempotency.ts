import { createHash } from 'node:crypto';

/** How long an Idempotency-Key is honoured. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

/**
 * What a partner's first request with an Idempotency-Key produced, kept for 24 h: a retry with
 * the same key and the same body gets exactly this response again; another body is refused.
 */
export interface IdempotencyRecord {
  readonly partnerId: string;
  readonly key: string;
  /** Which operation the key was used for (`create-offer`). */
  readonly operation: string;
  /** SHA-256 of the canonical JSON of the validated request body. */
  readonly requestHash: string;
  readonly statusCode: number;
  /** The response body, verbatim. */
  readonly responseBody: string;
  /** Header `location` of the first response, if any. */
  readonly location?: string;
  readonly createdAt: string;
  /** Epoch seconds; past this the record is ignored (and DynamoDB TTL deletes it, eventually). */
  readonly expiresAtEpoch: number;
}

/** Whole seconds since the epoch: the unit of `expiresAtEpoch` (DynamoDB TTL's unit). */
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/**
 * A record is live until the second `expiresAtEpoch` begins. Written in whole seconds on purpose:
 * the table's write condition (IDEMPOTENCY_FREE_CONDITION, `expiresAtEpoch <= :nowEpoch`) can only
 * compare seconds, and the two must agree to the second, or a retry in the expiry second finds the
 * record dead here but still taken in the table and ends in 409 concurrent-request.
 */
export function isLive(record: Pick<IdempotencyRecord, 'expiresAtEpoch'>, now: Date): boolean {
  return record.expiresAtEpoch > epochSeconds(now);
}

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}
