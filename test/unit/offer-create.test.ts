import type { IdempotencyRecord } from '../../shared/domain/idempotency.ts';
import { canonicalJson, isLive, requestHash } from '../../shared/domain/idempotency.ts';
import { DuplicateReferenceError, type Offer, type OfferWriteOutcome } from '../../shared/domain/offer.ts';
import {
  type CreateOfferInput,
  checkExpiry,
  checkItems,
  checkOffice,
  checkPartner,
  type OfferCreateDeps,
  OfferCreateService,
  type RecordedAnswer,
} from '../../shared/domain/offer-create.ts';
import type { Office } from '../../shared/domain/office.ts';
import type { Partner } from '../../shared/domain/partner.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');

function partnerFixture(overrides: Partial<Partner> = {}): Partner {
  return {
    partnerId: 'p-1',
    name: 'Fabrikam',
    advisorCode: '4400001',
    customerCount: 10,
    delegatedAdminCertified: true,
    contact: { name: 'Pat', email: 'pat@fabrikam.example' },
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

function officeFixture(overrides: Partial<Office> = {}): Office {
  return {
    partnerId: 'p-1',
    officeId: 'o-1',
    name: 'HQ',
    city: 'São Paulo',
    country: 'BR',
    active: true,
    sourceUpdatedAt: NOW.toISOString(),
    lastSyncedAt: NOW.toISOString(),
    ...overrides,
  };
}

function inputFixture(overrides: Partial<CreateOfferInput> = {}): CreateOfferInput {
  return {
    officeId: 'o-1',
    usageLocation: 'BR',
    items: [{ sku: 'M365_E3', licenses: 5 }],
    delegatedAdmin: false,
    locale: 'en',
    ...overrides,
  };
}

function recordFixture(overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    partnerId: 'p-1',
    key: 'k',
    operation: 'create-offer',
    requestHash: requestHash(inputFixture()),
    statusCode: 201,
    responseBody: '{"summaryId":"WIN"}',
    location: '/v1/offers/WIN',
    createdAt: NOW.toISOString(),
    expiresAtEpoch: NOW.getTime() / 1000 + 100,
    ...overrides,
  };
}

/** A store whose write outcomes are scripted, to drive the service's retry and replay paths. */
function fakeStore(
  outcomes: OfferWriteOutcome[],
  options: { recordAfterConflict?: IdempotencyRecord; recordAtLoad?: IdempotencyRecord } = {},
) {
  const written: { offer: Offer; record?: IdempotencyRecord }[] = [];
  let attempts = 0;
  const store: OfferCreateDeps['store'] = {
    loadCreationContext: async () => ({
      partner: partnerFixture(),
      office: officeFixture(),
      ...(options.recordAtLoad ? { idempotency: options.recordAtLoad } : {}),
    }),
    create: async (offer, record) => {
      attempts++;
      const outcome = outcomes.shift() ?? { ok: true };
      if (outcome.ok) written.push({ offer, ...(record ? { record } : {}) });
      return outcome;
    },
    getIdempotencyRecord: async () => options.recordAfterConflict,
  };
  return { store, written, attempts: () => attempts };
}

/** The caller's answer for a new offer: opaque to the service, so any recognisable shape will do. */
function answerFor(offer: Offer): RecordedAnswer {
  return {
    statusCode: 201,
    responseBody: `{"summaryId":"${offer.summaryId}"}`,
    location: `/v1/offers/${offer.summaryId}`,
  };
}

function service(store: OfferCreateDeps['store'], ids: string[] = [], waits: number[] = []) {
  let n = 0;
  return new OfferCreateService({
    store,
    now: () => NOW,
    newSummaryId: () => ids[n++] ?? `ID-${n}`,
    answer: answerFor,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

describe('OfferCreateService.create', () => {
  it('answers created with the offer and stores the caller’s answer in the idempotency record for 24 h', async () => {
    const { store, written } = fakeStore([]);

    const result = await service(store, ['AAAA']).create('p-1', inputFixture(), 'key-1');

    expect(result).toEqual({
      kind: 'created',
      offer: expect.objectContaining({
        summaryId: 'AAAA',
        partnerId: 'p-1',
        officeName: 'HQ',
        createdAt: NOW.toISOString(),
      }),
      answer: { statusCode: 201, responseBody: '{"summaryId":"AAAA"}', location: '/v1/offers/AAAA' },
    });
    expect(written[0]?.record).toEqual({
      partnerId: 'p-1',
      key: 'key-1',
      operation: 'create-offer',
      requestHash: requestHash(inputFixture()),
      statusCode: 201,
      responseBody: '{"summaryId":"AAAA"}',
      location: '/v1/offers/AAAA',
      createdAt: NOW.toISOString(),
      expiresAtEpoch: NOW.getTime() / 1000 + 86_400,
    });
  });

  it('writes no idempotency record without a key', async () => {
    const { store, written } = fakeStore([]);

    const result = await service(store, ['AAAA']).create('p-1', inputFixture());

    expect(result.kind).toBe('created');
    expect(written).toEqual([{ offer: expect.objectContaining({ summaryId: 'AAAA' }) }]);
  });

  it('retries at once with a new summary ID when the random one is taken', async () => {
    const waits: number[] = [];
    const { store, written } = fakeStore([{ ok: false, reason: 'summary-id-taken' }]);

    const result = await service(store, ['AAAA', 'BBBB'], waits).create('p-1', inputFixture());

    expect(result).toMatchObject({ kind: 'created', offer: { summaryId: 'BBBB' } });
    expect(written.map(({ offer }) => offer.summaryId)).toEqual(['BBBB']);
    expect(waits).toEqual([]);
  });

  it('replays a live record found with the same body, without writing', async () => {
    const { store, attempts } = fakeStore([], { recordAtLoad: recordFixture() });

    const result = await service(store).create('p-1', inputFixture(), 'k');

    expect(result).toEqual({
      kind: 'replayed',
      answer: { statusCode: 201, responseBody: '{"summaryId":"WIN"}', location: '/v1/offers/WIN' },
    });
    expect(attempts()).toBe(0);
  });

  it('replays the winner’s answer when a concurrent request took the key first', async () => {
    const { store, written } = fakeStore([{ ok: false, reason: 'contention' }], {
      recordAfterConflict: recordFixture(),
    });

    const result = await service(store).create('p-1', inputFixture(), 'k');

    expect(result).toEqual({
      kind: 'replayed',
      answer: { statusCode: 201, responseBody: '{"summaryId":"WIN"}', location: '/v1/offers/WIN' },
    });
    expect(written).toHaveLength(0);
  });

  it('refuses a key used for another body, naming the idempotency key', async () => {
    const { store } = fakeStore([{ ok: false, reason: 'idempotency-key-taken' }], {
      recordAfterConflict: recordFixture(),
    });

    await expect(service(store).create('p-1', inputFixture({ delegatedAdmin: true }), 'k')).rejects.toMatchObject({
      kind: 'unprocessable',
      type: 'idempotency-key-reused',
      violations: [{ at: { field: 'idempotencyKey' }, rule: 'reused_with_different_body' }],
    });
  });

  it('passes a duplicate reference on at once, without another attempt', async () => {
    const waits: number[] = [];
    const { store } = fakeStore([]);
    let attempts = 0;
    store.create = async () => {
      attempts++;
      throw new DuplicateReferenceError('ref-1', 'AAAA');
    };

    await expect(service(store, [], waits).create('p-1', inputFixture({ reference: 'ref-1' }))).rejects.toBeInstanceOf(
      DuplicateReferenceError,
    );
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });

  it('backs off with growing jittered waits under contention, then gives up with concurrent-request', async () => {
    const waits: number[] = [];
    const contention: OfferWriteOutcome = { ok: false, reason: 'contention' };
    const { store, attempts } = fakeStore(Array(10).fill(contention));

    await expect(service(store, [], waits).create('p-1', inputFixture())).rejects.toMatchObject({
      kind: 'conflict',
      type: 'concurrent-request',
    });

    expect(attempts()).toBe(6);
    // One wait between two attempts, none after the last; wait k (0-based) is 10..50 ms times 2^k.
    expect(waits).toHaveLength(5);
    for (const [k, ms] of waits.entries()) {
      expect(ms).toBeGreaterThanOrEqual(10 * 2 ** k);
      expect(ms).toBeLessThanOrEqual(50 * 2 ** k);
    }
  });
});

describe('checkPartner', () => {
  it('refuses delegated administration to an uncertified partner, located at delegated administration', () => {
    expect(() => checkPartner(partnerFixture({ delegatedAdminCertified: false }), { delegatedAdmin: true })).toThrow(
      expect.objectContaining({
        kind: 'forbidden',
        type: 'delegated-admin-not-certified',
        violations: [
          {
            at: { field: 'delegatedAdministration' },
            rule: 'certification_required',
            message: 'may be true only for partners certified for delegated administration',
          },
        ],
      }),
    );
  });

  it('refuses a partner with 100 customers or more, and a missing profile', () => {
    expect(() => checkPartner(partnerFixture({ customerCount: 100 }), { delegatedAdmin: false })).toThrow(
      expect.objectContaining({ kind: 'forbidden', type: 'too-many-customers' }),
    );
    expect(() => checkPartner(undefined, { delegatedAdmin: false })).toThrow(
      expect.objectContaining({ kind: 'forbidden', type: 'partner-profile-missing' }),
    );
  });
});

describe('checkOffice', () => {
  it('tells an unknown office from an inactive one, both located at the office', () => {
    expect(() => checkOffice(undefined, 'o-9')).toThrow(
      expect.objectContaining({
        type: 'office-not-usable',
        violations: [expect.objectContaining({ at: { field: 'office' }, rule: 'unknown_office' })],
      }),
    );
    expect(() => checkOffice(officeFixture({ active: false }), 'o-1')).toThrow(
      expect.objectContaining({
        type: 'office-not-usable',
        violations: [expect.objectContaining({ at: { field: 'office' }, rule: 'office_inactive' })],
      }),
    );
  });
});

describe('checkItems', () => {
  it('reports every bad subscription by its position and field, typed after the first', () => {
    expect(() =>
      checkItems('DE', [
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 301 },
        { sku: 'M365_E3', licenses: 1 },
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 1 },
      ]),
    ).toThrow(
      expect.objectContaining({
        type: 'licenses-out-of-range',
        detail: '3 items need fixing; see errors.',
        violations: [
          expect.objectContaining({ at: { subscription: 0, field: 'licenseCount' }, rule: 'licenses_out_of_range' }),
          expect.objectContaining({ at: { subscription: 1, field: 'sku' }, rule: 'not_sold_in_usage_location' }),
          expect.objectContaining({
            at: { subscription: 2, field: 'sku' },
            rule: 'duplicate_sku',
            message:
              'repeats M365_BUSINESS_PREMIUM_NO_TEAMS from items[0]; list each subscription once with its total licenses',
          }),
        ],
      }),
    );
  });

  it('leaves the detail of a single bad subscription to its violation', () => {
    expect(() => checkItems('BR', [{ sku: 'NOPE', licenses: 1 }])).toThrow(
      expect.objectContaining({
        type: 'sku-not-sold',
        detail: undefined,
        violations: [
          {
            at: { subscription: 0, field: 'sku' },
            rule: 'unknown_sku',
            message: 'NOPE is not in the catalog; see GET /v1/catalog?usageLocation=BR',
          },
        ],
      }),
    );
  });

  it('refuses no subscriptions and more than 20, located at the subscription list', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ sku: `S${i}`, licenses: 1 }));
    expect(() => checkItems('BR', [])).toThrow(
      expect.objectContaining({
        violations: [expect.objectContaining({ at: { field: 'subscriptions' }, rule: 'too_few_items' })],
      }),
    );
    expect(() => checkItems('BR', many)).toThrow(
      expect.objectContaining({
        violations: [expect.objectContaining({ at: { field: 'subscriptions' }, rule: 'too_many_items' })],
      }),
    );
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
        violations: [expect.objectContaining({ at: { field: 'expiry' }, rule: 'too_far' })],
      }),
    );
  });

  it('refuses an instant past year 9999, which toISOString cannot write as a four-digit year', () => {
    expect(() => checkExpiry('9999-12-31T23:59:59-14:00', NOW)).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ rule: 'too_far' })] }),
    );
  });

  it('refuses now and the past with rule in_future', () => {
    expect(() => checkExpiry(NOW.toISOString(), NOW)).toThrow(
      expect.objectContaining({
        violations: [expect.objectContaining({ at: { field: 'expiry' }, rule: 'in_future' })],
      }),
    );
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

describe('idempotency hashing', () => {
  it('hashes bodies independently of key order', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});
