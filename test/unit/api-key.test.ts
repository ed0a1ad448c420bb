import {
  type ApiKeyRecord,
  apiKeyIdOf,
  CachingKeyLookup,
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

  it('hashes with SHA-256 as lower-case hex (FIPS 180-2 test vector "abc")', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('names a key by the first 12 hex digits of its hash', () => {
    expect(apiKeyIdOf('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')).toBe('ba7816bf8f01');
  });

  it.each([
    [undefined, 'missing'],
    ['', 'missing'],
    ['   ', 'missing'],
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

  it('reads the Authorization header as the Bearer scheme, spaces, the key and nothing but trailing spaces', () => {
    const key = generateApiKey();

    expect(parseBearer(`Bearer  ${key}`)).toEqual({ kind: 'key', key });
    expect(parseBearer(`Bearer ${key}  `)).toEqual({ kind: 'key', key });
    expect(parseBearer(`xBearer ${key}`)).toEqual({ kind: 'malformed' });
    expect(parseBearer(`Bearer ${key} extra`)).toEqual({ kind: 'malformed' });
    expect(parseBearer(`Bearer\t${key}`)).toEqual({ kind: 'malformed' });
  });

  it.each([
    ['a character after the key', (key: string) => `${key}x`],
    ['a character before the prefix', (key: string) => `x${key}`],
    ['a line break after the key', (key: string) => `${key}\n`],
    ['a character too few', (key: string) => key.slice(0, -1)],
    ['a character outside base64url', (key: string) => `${key.slice(0, -1)}+`],
    ['another prefix', (key: string) => `pak_${key.slice(4)}`],
  ])('refuses a key with %s: the whole value is the prefix and 43 base64url characters', (_label, alter) => {
    const key = `pok_${'A'.repeat(43)}`;

    expect(isWellFormedApiKey(key)).toBe(true);
    expect(isWellFormedApiKey(alter(key))).toBe(false);
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

describe('cached key lookups', () => {
  function countingStore(...records: ApiKeyRecord[]) {
    const store = storeWith(...records);
    const calls: string[] = [];
    return {
      calls,
      getByHash: async (hash: string) => {
        calls.push(hash);
        return store.getByHash(hash);
      },
    };
  }

  it('reads a key once within the time to live, and again after it', async () => {
    const key = generateApiKey();
    const store = countingStore(recordFor(key));
    let now = 1_000;
    const lookup = new CachingKeyLookup(store, 60_000, () => now);

    await identifyPartner(`Bearer ${key}`, lookup);
    now += 59_999;
    await identifyPartner(`Bearer ${key}`, lookup);
    expect(store.calls).toHaveLength(1);

    now += 1;
    await identifyPartner(`Bearer ${key}`, lookup);
    expect(store.calls).toHaveLength(2);
  });

  it('sees a revocation once the cached lookup expires', async () => {
    const key = generateApiKey();
    const records = [recordFor(key)];
    let now = 0;
    const lookup = new CachingKeyLookup({ getByHash: async () => records[0] }, 60_000, () => now);
    await expect(identifyPartner(`Bearer ${key}`, lookup)).resolves.toEqual({ partnerId: 'p-1' });

    records[0] = recordFor(key, { revokedAt: '2026-01-01T00:00:00Z' });
    now = 60_000;

    await expect(identifyPartner(`Bearer ${key}`, lookup)).resolves.toEqual({ denied: 'revoked' });
  });

  it('does not cache with a time to live of zero', async () => {
    const key = generateApiKey();
    const store = countingStore(recordFor(key));
    const lookup = new CachingKeyLookup(store, 0);
    await identifyPartner(`Bearer ${key}`, lookup);
    await identifyPartner(`Bearer ${key}`, lookup);
    expect(store.calls).toHaveLength(2);
  });

  it('keeps at most maxEntries lookups, dropping the oldest', async () => {
    const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
    const store = countingStore(...keys.map((key) => recordFor(key)));
    const lookup = new CachingKeyLookup(store, 60_000, () => 0, 2);
    for (const key of keys) await identifyPartner(`Bearer ${key}`, lookup);

    await identifyPartner(`Bearer ${keys[2]}`, lookup);
    await identifyPartner(`Bearer ${keys[0]}`, lookup);

    // keys[2] was still cached; keys[0] had been dropped and was read again.
    expect(store.calls).toHaveLength(4);
    expect(store.calls[3]).toBe(hashApiKey(keys[0] as string));
  });

  it('keeps exactly maxEntries lookups: both of two keys stay cached with room for two', async () => {
    const keys = [generateApiKey(), generateApiKey()];
    const store = countingStore(...keys.map((key) => recordFor(key)));
    const lookup = new CachingKeyLookup(store, 60_000, () => 0, 2);
    for (const key of keys) await identifyPartner(`Bearer ${key}`, lookup);

    for (const key of keys) await identifyPartner(`Bearer ${key}`, lookup);

    expect(store.calls).toHaveLength(2);
  });

  it('counts a lookup read again after it expired as the newest, so an older one is dropped first', async () => {
    const [first, second, third] = [generateApiKey(), generateApiKey(), generateApiKey()] as const;
    const store = countingStore(recordFor(first), recordFor(second), recordFor(third));
    let now = 0;
    const lookup = new CachingKeyLookup(store, 1_000, () => now, 2);
    await identifyPartner(`Bearer ${first}`, lookup);
    now = 500;
    await identifyPartner(`Bearer ${second}`, lookup);
    now = 1_000;
    await identifyPartner(`Bearer ${first}`, lookup); // expired: read again, now the newest

    await identifyPartner(`Bearer ${third}`, lookup); // drops the oldest: second
    await identifyPartner(`Bearer ${first}`, lookup);

    expect(store.calls).toEqual([hashApiKey(first), hashApiKey(second), hashApiKey(first), hashApiKey(third)]);
  });
});
