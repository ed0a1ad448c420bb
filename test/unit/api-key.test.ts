import {
  type ApiKeyRecord,
  apiKeyIdOf,
  generateApiKey,
  hashApiKey,
  identifyPartner,
  isWellFormedApiKey,
  parseBearer,
} from '../../shared/domain/api-key.ts';

function storeWith(...records: ApiKeyRecord[]) {
  return { getByHash: async (hash: string) => records.find((r) => r.keyHash === hash) };
}

function recordFor(key: string, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const keyHash = hashApiKey(key);
  return { keyHash, keyId: apiKeyIdOf(keyHash), partnerId: 'p-1', label: 'test', createdAt: 'now', ...extra };
}

describe('API keys', () => {
  it('generates distinct, well-formed keys carrying 256 random bits', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(isWellFormedApiKey(key)).toBe(true);
      expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    }
  });

  it('stores only a SHA-256 hex hash, never the key', () => {
    const key = generateApiKey();
    const hash = hashApiKey(key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(4));
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['Basic dXNlcjpwYXNz', 'malformed'],
    ['Bearer not-a-key', 'malformed'],
    ['Bearer', 'malformed'],
  ])('parses Authorization %p as %s', (header, kind) => {
    expect(parseBearer(header).kind).toBe(kind);
  });

  it('accepts a bearer key case-insensitively on the scheme', () => {
    const key = generateApiKey();
    expect(parseBearer(`bearer ${key}`)).toEqual({ kind: 'key', key });
  });

  it('identifies the partner of a known key', async () => {
    const key = generateApiKey();
    await expect(identifyPartner(`Bearer ${key}`, storeWith(recordFor(key)))).resolves.toEqual({ partnerId: 'p-1' });
  });

  it('denies unknown and revoked keys with the reason', async () => {
    const known = generateApiKey();
    const revoked = generateApiKey();
    const store = storeWith(recordFor(known), recordFor(revoked, { revokedAt: '2026-01-01T00:00:00Z' }));
    await expect(identifyPartner(`Bearer ${generateApiKey()}`, store)).resolves.toEqual({ denied: 'unknown' });
    await expect(identifyPartner(`Bearer ${revoked}`, store)).resolves.toEqual({ denied: 'revoked' });
    await expect(identifyPartner(undefined, store)).resolves.toEqual({ denied: 'missing' });
  });
});
