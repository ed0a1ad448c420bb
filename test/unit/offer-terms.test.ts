import { PRICE_LIST_VERSION, unitPrice } from '../../shared/catalog/price-lists.ts';
import type { IdempotencyRecord } from '../../shared/domain/idempotency.ts';
import { requestHash } from '../../shared/domain/idempotency.ts';
import type { Offer, OfferReviseOutcome } from '../../shared/domain/offer.ts';
import {
  type CreateOfferInput,
  checkItems,
  mergeRevision,
  type OfferCreateDeps,
  OfferCreateService,
  offerLine,
} from '../../shared/domain/offer-create.ts';
import type { Office } from '../../shared/domain/office.ts';
import { mapError } from '../../shared/http/problem.ts';
import { basicOffer, partnerFixture } from '../support/offer.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');

/** The problem document an item check throws, as the API would answer it. */
function problemOf(check: () => unknown) {
  try {
    check();
  } catch (error) {
    return mapError(error, 'req-1').problem;
  }
  throw new Error('expected the check to throw');
}

/** The list price snapshot offer creation takes, from the catalog's price list. */
function snapshot(market: string, sku: string, term: 'P1M' | 'P1Y', billingFrequency: 'monthly' | 'annual') {
  const price = unitPrice({ market, sku, term, billingFrequency });
  if (price.status !== 'priced') throw new Error(`${sku} has no price in ${market}`);
  return {
    currency: price.currency,
    monthlyUnitMinor: price.monthlyUnitMinor,
    perBillingPeriodMinor: price.perBillingPeriodMinor,
    billingPeriodMonths: price.billingPeriodMonths,
  };
}

describe('terms and billing of a line', () => {
  it('defaults to P1Y paid up front, and a term without billing to its up-front billing', () => {
    const lines = checkItems('US', [
      { sku: 'M365_E3', licenses: 5 },
      { sku: 'M365_E5', licenses: 5, term: 'P1M' },
      { sku: 'M365_F3', licenses: 5, billingFrequency: 'monthly' },
    ]);

    expect(lines.map(({ term, billingFrequency }) => `${term}/${billingFrequency}`)).toEqual([
      'P1Y/annual',
      'P1M/monthly',
      'P1Y/monthly',
    ]);
  });

  it.each([
    ['an unknown term', { term: 'P2Y' }, 'body.items[0].term', 'unknown_term', 'must be one of P1M, P1Y, P3Y'],
    [
      'a term the SKU is not sold on',
      { term: 'P3Y' },
      'body.items[0].term',
      'term_not_sold_for_sku',
      'Microsoft 365 E3 is sold on P1M, P1Y only, not on P3Y',
    ],
    [
      'an unknown billing frequency',
      { billingFrequency: 'weekly' },
      'body.items[0].billingFrequency',
      'unknown_billing_frequency',
      'must be one of monthly, annual, triennial',
    ],
    [
      'a billing frequency the term does not allow',
      { term: 'P1M', billingFrequency: 'annual' },
      'body.items[0].billingFrequency',
      'billing_not_allowed_on_term',
      'must be one of monthly on a P1M term',
    ],
  ])('refuses %s with a 422 naming the field and the rule', (_label, sent, field, rule, message) => {
    const problem = problemOf(() => checkItems('US', [{ sku: 'M365_E3', licenses: 5, ...sent }]));

    expect(problem).toMatchObject({
      status: 422,
      type: 'urn:purchase-offers:problem:term-not-sold',
      errors: [{ field, rule, message: expect.stringContaining(message) }],
    });
  });

  it('refuses a monthly term for a SKU sold on the annual term only', () => {
    const problem = problemOf(() => checkItems('US', [{ sku: 'TEAMS_ESSENTIALS', licenses: 5, term: 'P1M' }]));

    expect(problem.errors).toEqual([
      {
        field: 'body.items[0].term',
        rule: 'term_not_sold_for_sku',
        message: 'Microsoft Teams Essentials is sold on P1Y only, not on P1M',
      },
    ]);
  });

  it('names each bad term choice by its place, with the line’s other problems', () => {
    const problem = problemOf(() =>
      checkItems('US', [
        { sku: 'M365_E3', licenses: 0, termChoices: [{ term: 'P1M' }, { term: 'P9Y' }] },
        { sku: 'TEAMS_ESSENTIALS', licenses: 1, termChoices: [{ term: 'P1Y', billingFrequency: 'triennial' }] },
      ]),
    );

    expect(problem.errors?.map((error) => [error.field, error.rule])).toEqual([
      ['body.items[0].licenses', 'licenses_out_of_range'],
      ['body.items[0].termChoices[1].term', 'unknown_term'],
      ['body.items[1].termChoices[0].billingFrequency', 'billing_not_allowed_on_term'],
    ]);
  });

  it('keeps the other choices in the order sent, without the line’s own option or repeats', () => {
    const [line] = checkItems('US', [
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 10,
        termChoices: [{ term: 'P1M' }, { term: 'P1Y' }, { term: 'P1Y', billingFrequency: 'monthly' }, { term: 'P1M' }],
      },
    ]);

    expect(line?.termChoices).toEqual([
      { term: 'P1M', billingFrequency: 'monthly' },
      { term: 'P1Y', billingFrequency: 'monthly' },
    ]);
  });
});

describe('the unit price snapshot', () => {
  it('takes the line’s and each choice’s price from the usage location’s list, the line’s own first', () => {
    const [checked] = checkItems('US', [
      { sku: 'M365_BUSINESS_BASIC', licenses: 10, billingFrequency: 'monthly', termChoices: [{ term: 'P1M' }] },
    ]);

    const line = offerLine('US', checked as NonNullable<typeof checked>);

    expect(line).toEqual({
      sku: 'M365_BUSINESS_BASIC',
      licenses: 10,
      term: 'P1Y',
      billingFrequency: 'monthly',
      unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1Y', 'monthly'),
      choices: [
        {
          term: 'P1Y',
          billingFrequency: 'monthly',
          unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1Y', 'monthly'),
        },
        {
          term: 'P1M',
          billingFrequency: 'monthly',
          unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'),
        },
      ],
    });
  });

  it('has no price where none is sourced (every BR line), and no choices when the term is fixed', () => {
    const [checked] = checkItems('BR', [{ sku: 'M365_BUSINESS_BASIC', licenses: 10 }]);

    expect(offerLine('BR', checked as NonNullable<typeof checked>)).toEqual({
      sku: 'M365_BUSINESS_BASIC',
      licenses: 10,
      term: 'P1Y',
      billingFrequency: 'annual',
    });
  });
});

describe('the Business-family seat cap across lines', () => {
  it('refuses 300 Basic + 300 Standard + 300 Premium, naming every line, the limit and the total', () => {
    const problem = problemOf(() =>
      checkItems('US', [
        { sku: 'M365_BUSINESS_BASIC', licenses: 300 },
        { sku: 'M365_E3', licenses: 50 },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 300 },
        { sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
      ]),
    );

    expect(problem).toMatchObject({
      status: 422,
      type: 'urn:purchase-offers:problem:quantity-limit-exceeded',
      quantityLimits: [{ rule: 'business_family_seat_cap', limit: 300, total: 900, items: [0, 2, 3] }],
    });
    expect(problem.detail).toContain(
      'Subscriptions M365_BUSINESS_BASIC, M365_BUSINESS_STANDARD, M365_BUSINESS_PREMIUM hold 900 together',
    );
    expect(problem.errors).toEqual([
      {
        field: 'body.items[0].licenses',
        rule: 'business_family_seat_cap',
        message:
          'counts towards at most 300 licenses in total with M365_BUSINESS_STANDARD, M365_BUSINESS_PREMIUM (900 now)',
      },
      {
        field: 'body.items[2].licenses',
        rule: 'business_family_seat_cap',
        message:
          'counts towards at most 300 licenses in total with M365_BUSINESS_BASIC, M365_BUSINESS_PREMIUM (900 now)',
      },
      {
        field: 'body.items[3].licenses',
        rule: 'business_family_seat_cap',
        message:
          'counts towards at most 300 licenses in total with M365_BUSINESS_BASIC, M365_BUSINESS_STANDARD (900 now)',
      },
    ]);
  });

  it('takes exactly 300 across the family', () => {
    expect(() =>
      checkItems('US', [
        { sku: 'M365_BUSINESS_BASIC', licenses: 100 },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 100 },
        { sku: 'M365_APPS_FOR_BUSINESS', licenses: 100 },
      ]),
    ).not.toThrow();
  });
});

function officeFixture(officeId = 'o-1'): Office {
  return {
    partnerId: 'p-1',
    officeId,
    name: `Office ${officeId}`,
    city: 'New York',
    country: 'US',
    active: true,
    sourceUpdatedAt: NOW.toISOString(),
    lastSyncedAt: NOW.toISOString(),
  };
}

/** An offer made with terms: one line with a choice, a reference, an expiry, views and an acceptance. */
function oldOffer(overrides: Partial<Offer> = {}): Offer {
  return basicOffer({
    summaryId: 'AAAA-0000-0000-0000-0000',
    reference: 'CRM-1',
    usageLocation: 'US',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 10,
        term: 'P1Y',
        billingFrequency: 'annual',
        choices: [
          { term: 'P1Y', billingFrequency: 'annual' },
          { term: 'P1M', billingFrequency: 'monthly' },
        ],
      },
    ],
    customization: { intro: 'Hello' },
    expiresAt: '2026-12-20T12:00:00.000Z',
    views: 4,
    acceptances: 1,
    requireCustomerAgreement: true,
    ...overrides,
  });
}

/** A store holding one offer, whose revise outcomes are scripted; records what was written. */
function reviseStore(old: Offer | undefined, outcomes: OfferReviseOutcome[] = [], recordAtLoad?: IdempotencyRecord) {
  const revised: { old: Pick<Offer, 'summaryId'>; offer: Offer; record?: IdempotencyRecord }[] = [];
  const store: OfferCreateDeps['store'] = {
    loadCreationContext: async (_partnerId, officeId) => ({
      partner: partnerFixture(NOW),
      office: officeFixture(officeId),
      ...(recordAtLoad ? { idempotency: recordAtLoad } : {}),
    }),
    create: async () => ({ ok: true }),
    getIdempotencyRecord: async () => undefined,
    getOffer: async (summaryId) => (old && old.summaryId === summaryId ? old : undefined),
    revise: async (previous, offer, record) => {
      const outcome = outcomes.shift() ?? { ok: true };
      if (outcome.ok) revised.push({ old: previous, offer, ...(record ? { record } : {}) });
      return outcome;
    },
  };
  return { store, revised };
}

function reviser(store: OfferCreateDeps['store']) {
  return new OfferCreateService({
    store,
    answer: (offer) => ({ statusCode: 201, responseBody: `{"summaryId":"${offer.summaryId}"}` }),
    now: () => NOW,
    newSummaryId: () => 'BBBB-0000-0000-0000-0000',
    sleep: async () => {},
    random: () => 0.5,
  });
}

describe('OfferCreateService.revise', () => {
  it('keeps what the revision leaves out, replaces what it sends, and links the new offer to the old', async () => {
    const { store, revised } = reviseStore(oldOffer());

    const result = await reviser(store).revise('p-1', 'aaaa-0000-0000-0000-0000', {
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 20, billingFrequency: 'monthly' }],
      locale: 'pt-BR',
    });

    expect(result.kind).toBe('created');
    expect(revised).toHaveLength(1);
    const { old, offer } = revised[0] as (typeof revised)[number];
    expect(old.summaryId).toBe('AAAA-0000-0000-0000-0000');
    expect(offer).toMatchObject({
      summaryId: 'BBBB-0000-0000-0000-0000',
      revisionOf: 'AAAA-0000-0000-0000-0000',
      reference: 'CRM-1',
      officeId: 'o-1',
      usageLocation: 'US',
      locale: 'pt-BR',
      customization: { intro: 'Hello' },
      expiresAt: '2026-12-20T12:00:00.000Z',
      requireCustomerAgreement: true,
      priceListVersion: PRICE_LIST_VERSION,
      views: 0,
      acceptances: 0,
      createdAt: NOW.toISOString(),
      items: [
        {
          sku: 'M365_BUSINESS_STANDARD',
          licenses: 20,
          term: 'P1Y',
          billingFrequency: 'monthly',
          unitPrice: snapshot('US', 'M365_BUSINESS_STANDARD', 'P1Y', 'monthly'),
        },
      ],
    });
  });

  it('re-checks and re-prices the old lines, their choices kept, when the revision sends no items', async () => {
    const { store, revised } = reviseStore(oldOffer());

    await reviser(store).revise('p-1', 'AAAA-0000-0000-0000-0000', { maxAcceptances: 5 });

    expect(revised[0]?.offer.items).toEqual([
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 10,
        term: 'P1Y',
        billingFrequency: 'annual',
        unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1Y', 'annual'),
        choices: [
          {
            term: 'P1Y',
            billingFrequency: 'annual',
            unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1Y', 'annual'),
          },
          {
            term: 'P1M',
            billingFrequency: 'monthly',
            unitPrice: snapshot('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'),
          },
        ],
      },
    ]);
    expect(revised[0]?.offer.maxAcceptances).toBe(5);
  });

  it('applies the create rules to the merged offer: the seat cap names the lines', async () => {
    const { store, revised } = reviseStore(oldOffer());

    const revising = reviser(store).revise('p-1', 'AAAA-0000-0000-0000-0000', {
      items: [
        { sku: 'M365_BUSINESS_BASIC', licenses: 200 },
        { sku: 'M365_BUSINESS_PREMIUM', licenses: 200 },
      ],
    });

    await expect(revising).rejects.toMatchObject({
      type: 'quantity-limit-exceeded',
      violations: [
        expect.objectContaining({ at: { subscription: 0, field: 'licenseCount' } }),
        expect.objectContaining({ at: { subscription: 1, field: 'licenseCount' } }),
      ],
    });
    expect(revised).toHaveLength(0);
  });

  it('answers another partner’s offer, an unknown one and a malformed ID as not found', async () => {
    const { store } = reviseStore(oldOffer({ partnerId: 'p-2' }));

    for (const id of ['AAAA-0000-0000-0000-0000', 'ZZZZ-0000-0000-0000-0000', 'not an id']) {
      await expect(reviser(store).revise('p-1', id, {})).rejects.toMatchObject({ type: 'offer-not-found' });
    }
  });

  it('refuses to revise an offer revised already, naming the newer revision', async () => {
    const { store } = reviseStore(
      oldOffer({ revisedBy: 'CCCC-0000-0000-0000-0000', deactivatedAt: NOW.toISOString() }),
    );

    const error = await reviser(store)
      .revise('p-1', 'AAAA-0000-0000-0000-0000', {})
      .catch((caught: unknown) => caught);

    expect(mapError(error, 'r').problem).toMatchObject({
      status: 409,
      type: 'urn:purchase-offers:problem:offer-already-revised',
      revisedBy: 'CCCC-0000-0000-0000-0000',
      detail: expect.stringContaining('revise CCCC-0000-0000-0000-0000 instead'),
    });
  });

  it('refuses when a concurrent revision committed first, naming it', async () => {
    const { store } = reviseStore(oldOffer(), [
      { ok: false, reason: 'already-revised', revisedBy: 'DDDD-0000-0000-0000-0000' },
    ]);

    await expect(reviser(store).revise('p-1', 'AAAA-0000-0000-0000-0000', {})).rejects.toMatchObject({
      type: 'offer-already-revised',
      extensions: { revisedBy: 'DDDD-0000-0000-0000-0000' },
    });
  });

  it('replays a revision retried with its key, though the offer is revised by then', async () => {
    const first = reviseStore(oldOffer());
    await reviser(first.store).revise('p-1', 'AAAA-0000-0000-0000-0000', { maxAcceptances: 2 }, 'k-1');
    const record = first.revised[0]?.record as IdempotencyRecord;
    const again = reviseStore(oldOffer({ revisedBy: 'BBBB-0000-0000-0000-0000' }), [], record);

    const replayed = await reviser(again.store).revise('p-1', 'AAAA-0000-0000-0000-0000', { maxAcceptances: 2 }, 'k-1');

    expect(record).toMatchObject({ operation: 'revise-offer', key: 'k-1' });
    expect(replayed).toEqual({
      kind: 'replayed',
      answer: { statusCode: 201, responseBody: '{"summaryId":"BBBB-0000-0000-0000-0000"}' },
    });
    expect(again.revised).toHaveLength(0);
  });

  it('refuses a key used for other changes, or for a create', async () => {
    const createRecord: IdempotencyRecord = {
      partnerId: 'p-1',
      key: 'k-1',
      operation: 'create-offer',
      requestHash: requestHash({ maxAcceptances: 2 }),
      statusCode: 201,
      responseBody: '{}',
      createdAt: NOW.toISOString(),
      expiresAtEpoch: NOW.getTime() / 1000 + 100,
    };
    const reviseRecord: IdempotencyRecord = {
      ...createRecord,
      operation: 'revise-offer',
      requestHash: requestHash({ revise: 'AAAA-0000-0000-0000-0000', changes: { maxAcceptances: 3 } }),
    };

    for (const record of [createRecord, reviseRecord]) {
      const { store } = reviseStore(oldOffer(), [], record);
      await expect(
        reviser(store).revise('p-1', 'AAAA-0000-0000-0000-0000', { maxAcceptances: 2 }, 'k-1'),
      ).rejects.toMatchObject({ type: 'idempotency-key-reused' });
    }
  });
});

describe('mergeRevision', () => {
  it('reads an offer made before terms as P1Y paid up front, and keeps its flags', () => {
    const legacy = oldOffer({ items: [{ sku: 'M365_E3', licenses: 3 }], requireCustomerAgreement: undefined });
    const changes: Partial<CreateOfferInput> = { delegatedAdmin: true };

    expect(mergeRevision(legacy, changes)).toEqual({
      officeId: 'o-1',
      usageLocation: 'US',
      items: [{ sku: 'M365_E3', licenses: 3, term: 'P1Y', billingFrequency: 'annual' }],
      delegatedAdmin: true,
      locale: 'en',
      customization: { intro: 'Hello' },
      expiresAt: '2026-12-20T12:00:00.000Z',
      reference: 'CRM-1',
      requireCustomerAgreement: false,
    });
  });
});
