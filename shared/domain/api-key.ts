import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys: 32 random bytes (256 bits) as base64url behind a recognisable prefix, so a leaked key
 * is easy to spot in code or logs. Only the SHA-256 hash is stored; the key is shown once.
 */
export const API_KEY_PREFIX = 'pok_';
const API_KEY_PATTERN = /^pok_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short, non-secret handle for a key (shown in listings, used to revoke). */
export function apiKeyIdOf(keyHash: string): string {
  return keyHash.slice(0, 12);
}

export type BearerParse = { kind: 'key'; key: string } | { kind: 'missing' } | { kind: 'malformed' };

export function parseBearer(authorization: string | undefined): BearerParse {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'missing' };
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1] || !isWellFormedApiKey(match[1])) return { kind: 'malformed' };
  return { kind: 'key', key: match[1] };
}

export interface ApiKeyRecord {
  readonly keyHash: string;
  readonly keyId: string;
  readonly partnerId: string;
  readonly label: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/**
 * Port for key storage; the DynamoDB adapter is DynamoApiKeyStore (shared/db/api-keys.ts). The
 * authorizer uses only `getByHash`, on the SDK-free table adapter; the ops CLI uses the rest.
 */
export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  getByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listForPartner(partnerId: string): Promise<ApiKeyRecord[]>;
  /** Returns the revoked record; NotFoundError when the partner has no such key. */
  revoke(partnerId: string, keyId: string, at: string): Promise<ApiKeyRecord>;
}

export type Identification = { partnerId: string } | { denied: 'missing' | 'malformed' | 'unknown' | 'revoked' };

/** What the authorizer decides, kept free of AWS types so it is unit-testable. */
export async function identifyPartner(
  authorization: string | undefined,
  keys: Pick<ApiKeyStore, 'getByHash'>,
): Promise<Identification> {
  const bearer = parseBearer(authorization);
  if (bearer.kind !== 'key') return { denied: bearer.kind };
  const record = await keys.getByHash(hashApiKey(bearer.key));
  if (!record) return { denied: 'unknown' };
  if (record.revokedAt) return { denied: 'revoked' };
  return { partnerId: record.partnerId };
}

/**
 * Remembers key lookups for `ttlMs`, so a partner's burst of calls costs one table read per
 * execution environment rather than one per call. A revoked key therefore stops working within
 * `ttlMs`. Unknown keys are remembered too (a client retrying with a wrong key costs no reads);
 * a freshly issued key is never looked up before it exists, so that cannot hide it. The map is
 * bounded: past `maxEntries` the oldest lookup is dropped.
 */
export class CachingKeyLookup implements Pick<ApiKeyStore, 'getByHash'> {
  private readonly entries = new Map<string, { record: ApiKeyRecord | undefined; expiresAt: number }>();

  constructor(
    private readonly keys: Pick<ApiKeyStore, 'getByHash'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  async getByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const cached = this.entries.get(keyHash);
    if (cached && cached.expiresAt > this.now()) return cached.record;
    const record = await this.keys.getByHash(keyHash);
    if (this.ttlMs <= 0) return record;
    this.entries.delete(keyHash);
    this.entries.set(keyHash, { record, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return record;
  }
}
