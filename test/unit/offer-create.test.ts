import type { IdempotencyRecord } from '../../shared/domain/idempotency.ts';
import { canonicalJson, isLive, requestHash } from '../../shared/domain/idempotency.ts';
import type { Offer, OfferStore, OfferWriteOutcome } from '../../shared/domain/offer.ts';
import { type CreateOfferInput, checkExpiry, checkItems, OffersService } from '../../shared/domain/offers-service.ts';
import type { Office } from '../../shared/domain/office.ts';
import type { Partner } from '../../shared/domain/partner.ts';
import { decodeCursor, encodeCursor } from '../../shared/schemas/offers.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const partner: Partner = {
  partnerId: 'p-1',
  name: 'Fabrikam',
  advisorCode: '4400001',
  customerCount: 10,
  delegatedAdminCertified: true,
  contact: { name: 'Pat', email: 'pat@fabrikam.example' },
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};
const office: Office = {
  partnerId: 'p-1',
  officeId: 'o-1',
  name: 'HQ',
  city: 'São Paulo',
  country: 'BR',
  active: true,
  sourceUpdatedAt: NOW.toISOString(),
  lastSyncedAt: NOW.toISOString(),
};
const input: CreateOfferInput = {
  officeId: 'o-1',
  usageLocation: 'BR',
  items: [{ sku: 'M365_E3', licenses: 5 }],
  delegatedAdmin: false,
  locale: 'en',
};

/** A store whose write outcomes are scripted, to drive the service's retry and replay paths. */
function fakeStore(outcomes: OfferWriteOutcome[], recordAfterConflict?: IdempotencyRecord) {
  const written: { offer: Offer; record?: IdempotencyRecord }[] = [];
  const store: OfferStore = {
    loadCreationContext: async () => ({ partner, office }),
    create: async (offer, record) => {
      const outcome = outcomes.shift() ?? { ok: true };
      if (outcome.ok) written.push({ offer, ...(record ? { record } : {}) });
      return outcome;
    },
    getIdempotencyRecord: async () => recordAfterConflict,
    get: async () => undefined,
    listForPartner: async () => ({ offers: [] }),
    deactivate: async () => undefined,
  };
  return { store, written };
}

function service(store: OfferStore, ids: string[] = []) {
  let n = 0;
  return new OffersService({
    store,
    now: () => NOW,
    newSummaryId: () => ids[n++] ?? `ID-${n}`,
    presentCreated: (offer) => ({ summaryId: offer.summaryId }),
    sleep: async () => undefined,
  });
}

describe('OffersService.create', () => {
  it('stores the idempotency record with the response and a 24 h expiry', async () => {
    const { store, written } = fakeStore([]);
    const result = await service(store, ['AAAA']).create('p-1', input, 'key-1');
    expect(result).toEqual({
      statusCode: 201,
      body: '{"summaryId":"AAAA"}',
      location: '/v1/offers/AAAA',
      replayed: false,
    });
    expect(written[0]?.record).toMatchObject({
      key: 'key-1',
      requestHash: requestHash(input),
      responseBody: result.body,
      expiresAtEpoch: NOW.getTime() / 1000 + 86_400,
    });
  });

  it('retries with a new summary ID when the random one is taken', async () => {
    const { store, written } = fakeStore([{ ok: false, reason: 'summary-id-taken' }]);
    const result = await service(store, ['AAAA', 'BBBB']).create('p-1', input);
    expect(JSON.parse(result.body).summaryId).toBe('BBBB');
    expect(written).toHaveLength(1);
  });

  it('replays the winner’s response when a concurrent request took the key first', async () => {
    const winner: IdempotencyRecord = {
      partnerId: 'p-1',
      key: 'k',
      operation: 'create-offer',
      requestHash: requestHash(input),
      statusCode: 201,
      responseBody: '{"summaryId":"WIN"}',
      location: '/v1/offers/WIN',
      createdAt: NOW.toISOString(),
      expiresAtEpoch: NOW.getTime() / 1000 + 100,
    };
    const { store, written } = fakeStore([{ ok: false, reason: 'contention' }], winner);
    const result = await service(store).create('p-1', input, 'k');
    expect(result).toMatchObject({ body: '{"summaryId":"WIN"}', replayed: true });
    expect(written).toHaveLength(0);
    const reused = service(fakeStore([{ ok: false, reason: 'idempotency-key-taken' }], winner).store);
    await expect(reused.create('p-1', { ...input, delegatedAdmin: true }, 'k')).rejects.toMatchObject({
      type: 'idempotency-key-reused',
    });
  });

  it('gives up with 409 concurrent-request after repeated contention', async () => {
    const contention: OfferWriteOutcome = { ok: false, reason: 'contention' };
    const { store } = fakeStore(Array(10).fill(contention));
    await expect(service(store).create('p-1', input)).rejects.toMatchObject({
      kind: 'conflict',
      type: 'concurrent-request',
    });
  });
});

describe('checkItems', () => {
  it('reports every bad item, typed after the first', () => {
    expect.assertions(2);
    try {
      checkItems('DE', [
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 301 },
        { sku: 'M365_E3', licenses: 1 },
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 1 },
      ]);
    } catch (error) {
      expect(error).toMatchObject({ type: 'licenses-out-of-range' });
      expect((error as { errors: unknown[] }).errors).toEqual([
        expect.objectContaining({ field: 'body.items[0].licenses', rule: 'licenses_out_of_range' }),
        expect.objectContaining({ field: 'body.items[1].sku', rule: 'not_sold_in_usage_location' }),
        expect.objectContaining({ field: 'body.items[2].sku', rule: 'duplicate_sku' }),
      ]);
    }
  });
});

describe('checkExpiry', () => {
  const DAY_MS = 86_400_000;

  it('stores an accepted expiry in UTC with a four-digit year', () => {
    expect(checkExpiry('2027-11-24T09:00:00-03:00', NOW)).toBe('2027-11-24T12:00:00.000Z');
    expect(checkExpiry(undefined, NOW)).toBeUndefined();
  });

  it('accepts exactly 366 days ahead and refuses a millisecond more with rule too_far', () => {
    const cap = new Date(NOW.getTime() + 366 * DAY_MS).toISOString();
    expect(checkExpiry(cap, NOW)).toBe(cap);
    const beyond = new Date(NOW.getTime() + 366 * DAY_MS + 1).toISOString();
    expect(() => checkExpiry(beyond, NOW)).toThrow(
      expect.objectContaining({
        type: 'invalid-expiry',
        errors: [expect.objectContaining({ field: 'body.expiresAt', rule: 'too_far' })],
      }),
    );
  });

  it('refuses an instant past year 9999, which toISOString cannot write as a four-digit year', () => {
    expect(() => checkExpiry('9999-12-31T23:59:59-14:00', NOW)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ rule: 'too_far' })] }),
    );
  });

  it('refuses now and the past with rule in_future', () => {
    expect(() => checkExpiry(NOW.toISOString(), NOW)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ rule: 'in_future' })] }),
    );
  });
});

describe('OffersService.list', () => {
  it('filters at the instant it is given, so the caller can show statuses as of the same instant', async () => {
    const seen: Date[] = [];
    const { store } = fakeStore([]);
    store.listForPartner = async (_partnerId, options) => {
      seen.push(options.now);
      return { offers: [] };
    };
    const at = new Date('2026-11-24T12:34:56.789Z');

    await service(store).list('p-1', { status: 'expired', now: at });

    expect(seen).toEqual([at]);
  });
});

describe('idempotency record expiry', () => {
  // The integration suite checks the table's write condition agrees (offers.test.ts, Idempotency-Key).
  it('is live before its expiry second and dead from its first millisecond', () => {
    const expiresAtEpoch = NOW.getTime() / 1000;
    expect(isLive({ expiresAtEpoch }, new Date(NOW.getTime() - 1))).toBe(true);
    expect(isLive({ expiresAtEpoch }, NOW)).toBe(false);
    expect(isLive({ expiresAtEpoch }, new Date(NOW.getTime() + 999))).toBe(false);
  });
});

describe('idempotency hashing and cursors', () => {
  it('hashes bodies independently of key order', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it('round-trips a cursor and rejects anything else', () => {
    const position = { createdAt: '2026-11-24T12:00:00.000Z', summaryId: '0123-4567-89AB-CDEF-GHJK' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    for (const bad of ['', 'garbage', 'W10', encodeCursor({ ...position, summaryId: 'nope' })]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
