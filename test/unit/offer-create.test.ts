import { PRICE_LIST_VERSION } from '../../shared/catalog/price-lists.ts';
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
import { offerNotFound } from '../../shared/domain/offer-queries.ts';
import type { Office } from '../../shared/domain/office.ts';
import { mapError } from '../../shared/http/problem.ts';
import { partnerFixture } from '../support/offer.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');

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
      partner: partnerFixture(NOW),
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
    getOffer: async () => undefined,
    revise: async () => ({ ok: false, reason: 'not-found' }),
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

function service(
  store: OfferCreateDeps['store'],
  ids: string[] = [],
  waits: number[] = [],
  more: Partial<OfferCreateDeps> = {},
) {
  let n = 0;
  return new OfferCreateService({
    store,
    now: () => NOW,
    newSummaryId: () => ids[n++] ?? `ID-${n}`,
    answer: answerFor,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...more,
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
    // One wait between two attempts, none after the last: (10 + 40 × 0.5) ms, doubling.
    expect(waits).toEqual([30, 60, 120, 240, 480]);
  });

  it('jitters the contention wait between 10 and 50 ms times 2^(attempt-1)', async () => {
    const contention: OfferWriteOutcome = { ok: false, reason: 'contention' };
    const low: number[] = [];
    const high: number[] = [];

    await service(fakeStore([contention, contention]).store, [], low, { random: () => 0 }).create(
      'p-1',
      inputFixture(),
    );
    await service(fakeStore([contention, contention]).store, [], high, { random: () => 0.999 }).create(
      'p-1',
      inputFixture(),
    );

    expect(low).toEqual([10, 20]);
    expect(high).toEqual([50, 100]);
  });

  it('retries contention when the key holds no live record, then creates', async () => {
    const expired = recordFixture({ expiresAtEpoch: NOW.getTime() / 1000 });
    for (const recordAfterConflict of [undefined, expired]) {
      const waits: number[] = [];
      const { store, written } = fakeStore(
        [{ ok: false, reason: 'contention' }],
        recordAfterConflict ? { recordAfterConflict } : {},
      );

      const result = await service(store, ['AAAA', 'BBBB'], waits).create('p-1', inputFixture(), 'k');

      expect(result).toMatchObject({ kind: 'created', offer: { summaryId: 'BBBB' } });
      expect(written).toHaveLength(1);
      expect(waits).toEqual([30]);
    }
  });

  it('creates anew over a record that expired, and refuses a key used for another operation', async () => {
    const expired = fakeStore([], { recordAtLoad: recordFixture({ expiresAtEpoch: NOW.getTime() / 1000 }) });
    await expect(service(expired.store, ['AAAA']).create('p-1', inputFixture(), 'k')).resolves.toMatchObject({
      kind: 'created',
    });
    expect(expired.written).toHaveLength(1);

    const other = fakeStore([], { recordAtLoad: recordFixture({ operation: 'revise-offer' }) });
    await expect(service(other.store).create('p-1', inputFixture(), 'k')).rejects.toMatchObject({
      type: 'idempotency-key-reused',
    });
    expect(other.written).toHaveLength(0);
  });

  it('refuses bad subscriptions before writing anything', async () => {
    const { store, attempts } = fakeStore([]);

    await expect(
      service(store).create('p-1', inputFixture({ items: [{ sku: 'NOPE', licenses: 1 }] })),
    ).rejects.toMatchObject({ type: 'sku-not-sold' });
    expect(attempts()).toBe(0);
  });

  it('builds the offer from the request, the partner, the office and the catalog version', async () => {
    const { store } = fakeStore([]);
    const loaded = store.loadCreationContext;
    store.loadCreationContext = async (...args) => ({
      ...(await loaded(...args)),
      partner: partnerFixture(NOW, { logoUrl: 'https://fabrikam.example/logo.png' }),
    });
    const input = inputFixture({
      items: [{ sku: 'M365_E3', licenses: 5, note: 'not stored' } as CreateOfferInput['items'][number]],
      customization: { intro: 'Hello' },
      expiresAt: '2027-01-01T00:00:00-03:00',
      maxAcceptances: 3,
      reference: 'order-7',
    });

    const result = await service(store, ['AAAA'], [], { catalogVersion: '2026-11' }).create('p-1', input);

    expect(result.kind === 'created' && result.offer).toStrictEqual({
      summaryId: 'AAAA',
      partnerId: 'p-1',
      reference: 'order-7',
      officeId: 'o-1',
      officeName: 'HQ',
      usageLocation: 'BR',
      // No term sent: P1Y paid up front; BR has no sourced price, so no unit price snapshot.
      items: [{ sku: 'M365_E3', licenses: 5, term: 'P1Y', billingFrequency: 'annual' }],
      delegatedAdmin: false,
      locale: 'en',
      customization: { intro: 'Hello' },
      partner: {
        name: 'Fabrikam',
        advisorCode: '4400001',
        contact: { name: 'Pat', email: 'pat@fabrikam.example' },
        logoUrl: 'https://fabrikam.example/logo.png',
      },
      createdAt: '2026-11-24T12:00:00.000Z',
      expiresAt: '2027-01-01T03:00:00.000Z',
      maxAcceptances: 3,
      views: 0,
      acceptances: 0,
      declines: 0,
      catalogVersion: '2026-11',
      priceListVersion: PRICE_LIST_VERSION,
      requireCustomerAgreement: false,
    });
  });

  it('leaves out of the offer what the request and the partner did not give', async () => {
    const { store } = fakeStore([]);

    const result = await service(store, ['AAAA']).create('p-1', inputFixture());

    expect(result.kind === 'created' && result.offer).toStrictEqual({
      summaryId: 'AAAA',
      partnerId: 'p-1',
      officeId: 'o-1',
      officeName: 'HQ',
      usageLocation: 'BR',
      items: [{ sku: 'M365_E3', licenses: 5, term: 'P1Y', billingFrequency: 'annual' }],
      delegatedAdmin: false,
      locale: 'en',
      customization: {},
      partner: { name: 'Fabrikam', advisorCode: '4400001', contact: { name: 'Pat', email: 'pat@fabrikam.example' } },
      createdAt: '2026-11-24T12:00:00.000Z',
      views: 0,
      acceptances: 0,
      declines: 0,
      priceListVersion: PRICE_LIST_VERSION,
      requireCustomerAgreement: false,
    });
  });

  it('stores and replays an answer without a Location as it is', async () => {
    const { store, written } = fakeStore([]);
    const answer = { statusCode: 201, responseBody: '{}' };

    await service(store, ['AAAA'], [], { answer: () => answer }).create('p-1', inputFixture(), 'k');
    const replayed = await service(fakeStore([], { recordAtLoad: written[0]?.record }).store).create(
      'p-1',
      inputFixture(),
      'k',
    );

    expect(written[0]?.record).not.toHaveProperty('location');
    expect(replayed).toStrictEqual({ kind: 'replayed', answer: { statusCode: 201, responseBody: '{}' } });
  });
});

describe('checkPartner', () => {
  it('refuses delegated administration to an uncertified partner, located at delegated administration', () => {
    expect(() =>
      checkPartner(partnerFixture(NOW, { delegatedAdminCertified: false }), { delegatedAdmin: true }),
    ).toThrow(
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
    expect(() => checkPartner(partnerFixture(NOW, { customerCount: 100 }), { delegatedAdmin: false })).toThrow(
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
              'lists M365_BUSINESS_PREMIUM_NO_TEAMS a second time; list each subscription once with its total licenses',
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

describe('checkItems boundaries', () => {
  it('accepts a license count at either end of the SKU’s range and refuses one below it', () => {
    expect(() => checkItems('BR', [{ sku: 'M365_E3', licenses: 1 }])).not.toThrow();
    expect(() => checkItems('BR', [{ sku: 'M365_E3', licenses: 10000 }])).not.toThrow();
    expect(() => checkItems('BR', [{ sku: 'M365_E3', licenses: 0 }])).toThrow(
      expect.objectContaining({ type: 'licenses-out-of-range' }),
    );
  });

  it('takes 20 subscriptions as a count, judging each one', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => ({ sku: `S${i}`, licenses: 1 }));
    expect(() => checkItems('BR', twenty)).toThrow(expect.objectContaining({ type: 'sku-not-sold' }));
  });
});

describe('checkExpiry', () => {
  it('quotes at most 40 characters of an expiry that is too far', () => {
    const long = 'Tue Jan 01 2030 00:00:00 GMT+0000 (Coordinated Universal Time)';
    expect(() => checkExpiry(long, NOW)).toThrow(
      expect.objectContaining({
        detail:
          'expiresAt (Tue Jan 01 2030 00:00:00 GMT+0000 (Coord) is too far ahead: an offer may stay open for at most 366 days, so expire it by 2027-11-25T12:00:00.000Z at the latest, or leave expiresAt out and deactivate the offer when you no longer want it.',
      }),
    );
  });

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

/** A create whose write always ends in `outcome`, with `recordAfterConflict` found for its key. */
function createWith(outcome: OfferWriteOutcome, recordAfterConflict: IdempotencyRecord | undefined) {
  const { store } = fakeStore(Array(6).fill(outcome), recordAfterConflict ? { recordAfterConflict } : {});
  return service(store).create('p-1', inputFixture(), 'k');
}

const CASES: [string, () => unknown, Record<string, unknown>][] = [
  [
    'partner-missing',
    () => checkPartner(undefined, { delegatedAdmin: false }),
    {
      type: 'urn:purchase-offers:problem:partner-profile-missing',
      title: 'Partner profile missing',
      status: 403,
      detail: 'Your API key is valid but no partner profile is on record for it. Contact support.',
    },
  ],
  [
    'too-many',
    () => checkPartner(partnerFixture(NOW, { customerCount: 100 }), { delegatedAdmin: false }),
    {
      type: 'urn:purchase-offers:problem:too-many-customers',
      title: 'Offers are for smaller partners',
      status: 403,
      detail: 'Only partners that manage fewer than 100 customers may create purchase offers; you manage 100.',
    },
  ],
  [
    'da',
    () => checkPartner(partnerFixture(NOW, { delegatedAdminCertified: false }), { delegatedAdmin: true }),
    {
      type: 'urn:purchase-offers:problem:delegated-admin-not-certified',
      title: 'Not certified for delegated administration',
      status: 403,
      detail:
        'Only partners certified for delegated administration may offer it. Send delegatedAdmin: false, or complete the certification first.',
      errors: [
        {
          field: 'body.delegatedAdmin',
          rule: 'certification_required',
          message: 'may be true only for partners certified for delegated administration',
        },
      ],
    },
  ],
  [
    'office-unknown',
    () => checkOffice(undefined, 'o-9'),
    {
      type: 'urn:purchase-offers:problem:office-not-usable',
      title: 'Office not usable',
      status: 422,
      detail:
        'Office "o-9" is not one of your synced offices. New offices can take up to 24 hours to appear in the partner network directory; GET /v1/offices lists the ones you can use, and POST /v1/offices/sync refreshes them.',
      errors: [{ field: 'body.officeId', rule: 'unknown_office', message: 'is not one of your synced offices' }],
    },
  ],
  [
    'office-inactive',
    () => checkOffice(officeFixture({ active: false }), 'o-9'),
    {
      type: 'urn:purchase-offers:problem:office-not-usable',
      title: 'Office not usable',
      status: 422,
      detail: 'Office "o-9" is inactive in the partner network directory; choose an active office (GET /v1/offices).',
      errors: [{ field: 'body.officeId', rule: 'office_inactive', message: 'is an inactive office' }],
    },
  ],
  [
    'items-0',
    () => checkItems('BR', []),
    {
      type: 'urn:purchase-offers:problem:item-count-out-of-range',
      title: 'Wrong number of items',
      status: 422,
      detail: 'An offer has 1 to 20 items; this one has 0.',
      errors: [{ field: 'body.items', rule: 'too_few_items', message: 'must have 1 to 20 items' }],
    },
  ],
  [
    'items-21',
    () =>
      checkItems(
        'BR',
        Array.from({ length: 21 }, (_, i) => ({ sku: `S${i}`, licenses: 1 })),
      ),
    {
      type: 'urn:purchase-offers:problem:item-count-out-of-range',
      title: 'Wrong number of items',
      status: 422,
      detail: 'An offer has 1 to 20 items; this one has 21.',
      errors: [{ field: 'body.items', rule: 'too_many_items', message: 'must have 1 to 20 items' }],
    },
  ],
  [
    'unknown-sku',
    () => checkItems('BR', [{ sku: 'NOPE', licenses: 1 }]),
    {
      type: 'urn:purchase-offers:problem:sku-not-sold',
      title: 'Subscription not sold in the usage location',
      status: 422,
      detail: 'items[0].sku NOPE is not in the catalog; see GET /v1/catalog?usageLocation=BR.',
      errors: [
        {
          field: 'body.items[0].sku',
          rule: 'unknown_sku',
          message: 'NOPE is not in the catalog; see GET /v1/catalog?usageLocation=BR',
        },
      ],
    },
  ],
  [
    'not-sold',
    () => checkItems('DE', [{ sku: 'M365_E3', licenses: 1 }]),
    {
      type: 'urn:purchase-offers:problem:sku-not-sold',
      title: 'Subscription not sold in the usage location',
      status: 422,
      detail: 'items[0].sku Microsoft 365 E3 is not sold in DE; see GET /v1/catalog?usageLocation=DE.',
      errors: [
        {
          field: 'body.items[0].sku',
          rule: 'not_sold_in_usage_location',
          message: 'Microsoft 365 E3 is not sold in DE; see GET /v1/catalog?usageLocation=DE',
        },
      ],
    },
  ],
  [
    'licenses',
    () => checkItems('BR', [{ sku: 'M365_E3', licenses: 100000 }]),
    {
      type: 'urn:purchase-offers:problem:licenses-out-of-range',
      title: 'License count out of range',
      status: 422,
      detail: 'items[0].licenses must be between 1 and 10000 for Microsoft 365 E3.',
      errors: [
        {
          field: 'body.items[0].licenses',
          rule: 'licenses_out_of_range',
          message: 'must be between 1 and 10000 for Microsoft 365 E3',
        },
      ],
    },
  ],
  [
    'dup',
    () =>
      checkItems('BR', [
        { sku: 'M365_E3', licenses: 1 },
        { sku: 'M365_E3', licenses: 2 },
      ]),
    {
      type: 'urn:purchase-offers:problem:duplicate-sku',
      title: 'Subscription listed twice',
      status: 422,
      detail: 'items[1].sku lists M365_E3 a second time; list each subscription once with its total licenses.',
      errors: [
        {
          field: 'body.items[1].sku',
          rule: 'duplicate_sku',
          message: 'lists M365_E3 a second time; list each subscription once with its total licenses',
        },
      ],
    },
  ],
  [
    'many',
    () =>
      checkItems('DE', [
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 301 },
        { sku: 'M365_E3', licenses: 1 },
        { sku: 'M365_BUSINESS_PREMIUM_NO_TEAMS', licenses: 1 },
        { sku: 'X', licenses: 1 },
      ]),
    {
      type: 'urn:purchase-offers:problem:licenses-out-of-range',
      title: 'License count out of range',
      status: 422,
      detail: '4 items need fixing; see errors.',
      errors: [
        {
          field: 'body.items[0].licenses',
          rule: 'licenses_out_of_range',
          message: 'must be between 1 and 300 for Microsoft 365 Business Premium (no Teams)',
        },
        {
          field: 'body.items[1].sku',
          rule: 'not_sold_in_usage_location',
          message: 'Microsoft 365 E3 is not sold in DE; see GET /v1/catalog?usageLocation=DE',
        },
        {
          field: 'body.items[2].sku',
          rule: 'duplicate_sku',
          message:
            'lists M365_BUSINESS_PREMIUM_NO_TEAMS a second time; list each subscription once with its total licenses',
        },
        {
          field: 'body.items[3].sku',
          rule: 'unknown_sku',
          message: 'X is not in the catalog; see GET /v1/catalog?usageLocation=DE',
        },
      ],
    },
  ],
  [
    'past',
    () => checkExpiry('2020-01-01T00:00:00Z', NOW),
    {
      type: 'urn:purchase-offers:problem:invalid-expiry',
      title: 'Invalid expiry',
      status: 422,
      detail: 'expiresAt (2020-01-01T00:00:00Z) must be in the future.',
      errors: [{ field: 'body.expiresAt', rule: 'in_future', message: 'must be in the future' }],
    },
  ],
  [
    'far',
    () => checkExpiry('2030-01-01T00:00:00Z', NOW),
    {
      type: 'urn:purchase-offers:problem:invalid-expiry',
      title: 'Invalid expiry',
      status: 422,
      detail:
        'expiresAt (2030-01-01T00:00:00Z) is too far ahead: an offer may stay open for at most 366 days, so expire it by 2027-11-25T12:00:00.000Z at the latest, or leave expiresAt out and deactivate the offer when you no longer want it.',
      errors: [{ field: 'body.expiresAt', rule: 'too_far', message: 'must be at most 366 days from now' }],
    },
  ],
  [
    'dupref',
    () => {
      throw new DuplicateReferenceError('ref-1', 'AAAA-BBBB');
    },
    {
      existingSummaryId: 'AAAA-BBBB',
      type: 'urn:purchase-offers:problem:duplicate-reference',
      title: 'Duplicate offer reference',
      status: 409,
      detail:
        'You already have an offer with reference "ref-1": AAAA-BBBB (GET /v1/offers/AAAA-BBBB). References are unique per partner: use another one, or use that offer.',
      errors: [{ field: 'body.reference', rule: 'unique', message: 'is already used by another of your offers' }],
    },
  ],
  [
    'dupref2',
    () => {
      throw new DuplicateReferenceError('ref-1', undefined);
    },
    {
      type: 'urn:purchase-offers:problem:duplicate-reference',
      title: 'Duplicate offer reference',
      status: 409,
      detail:
        'You already have an offer with reference "ref-1". References are unique per partner: use another one, or look the existing offer up in GET /v1/offers.',
      errors: [{ field: 'body.reference', rule: 'unique', message: 'is already used by another of your offers' }],
    },
  ],
  [
    'notfound',
    () => {
      throw offerNotFound('x'.repeat(50));
    },
    {
      type: 'urn:purchase-offers:problem:offer-not-found',
      title: 'Offer not found',
      status: 404,
      detail: 'You have no offer with summary ID "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx".',
    },
  ],
  [
    'reused',
    () =>
      createWith({ ok: false, reason: 'idempotency-key-taken' }, { ...recordFixture(), requestHash: 'another body' }),
    {
      type: 'urn:purchase-offers:problem:idempotency-key-reused',
      title: 'Idempotency-Key reused with another request',
      status: 422,
      detail:
        'This Idempotency-Key was used in the last 24 hours for a different request body. Send a new key for a new offer, or the same body to get the first response again.',
      errors: [
        {
          field: 'header.idempotency-key',
          rule: 'reused_with_different_body',
          message: 'was used for another request',
        },
      ],
    },
  ],
  [
    'concurrent',
    () => createWith({ ok: false, reason: 'contention' }, undefined),
    {
      type: 'urn:purchase-offers:problem:concurrent-request',
      title: 'Concurrent request',
      status: 409,
      detail: 'Another request for the same offer is being processed. Retry in a moment with the same Idempotency-Key.',
    },
  ],
];

describe('create’s refusals as partners receive them (shared/http/problem.ts)', () => {
  it.each(CASES)('%s', async (_name, run, expected) => {
    let thrown: unknown;
    try {
      await run();
    } catch (error) {
      thrown = error;
    }

    const { problem } = mapError(thrown, 'req-1');

    // Compared as text: the members' order is part of the body partners receive.
    expect(JSON.stringify(problem)).toBe(JSON.stringify({ ...expected, requestId: 'req-1' }));
  });
});
