import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PRICE_LIST_VERSION, unitPrice } from '../../shared/catalog/price-lists.ts';
import type { BillingFrequency, CommitmentTerm } from '../../shared/catalog/terms.ts';
import { offerKeys } from '../../shared/db/offers.ts';
import { GSI1 } from '../../shared/db/table.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';
import { acceptFields, browserRequest, customerAt } from '../support/offer-page-forms.ts';

/**
 * Terms, billing, prices, the cross-line quantity rule and revisions through the partner API, on
 * DynamoDB Local: what the catalog lists, what a create and a revise store and answer.
 */

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

const PROBLEM = 'urn:purchase-offers:problem:';
type Json = Record<string, unknown>;

function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(api.baseUrl + path, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
const get = (path: string, key: string) => fetch(api.baseUrl + path, { headers: bearer(key) });

async function readyPartner() {
  const { partner, key } = await newPartner();
  const office = await seedOffice(partner.partnerId);
  return { partner, key, office };
}

function usOffer(officeId: string, items: Json[], overrides: Json = {}): Json {
  return { officeId, usageLocation: 'US', items, ...overrides };
}

/** The price snapshot a line must carry: the catalog's unitPrice() for the usage location, as the API shows it. */
function catalogPrice(market: string, sku: string, term: CommitmentTerm, billingFrequency: BillingFrequency) {
  const price = unitPrice({ market, sku, term, billingFrequency });
  if (price.status !== 'priced') return null;
  return {
    currency: price.currency,
    monthlyUnitMinor: price.monthlyUnitMinor,
    perBillingPeriodMinor: price.perBillingPeriodMinor,
    billingPeriodMonths: price.billingPeriodMonths,
  };
}

async function storedOffer(summaryId: string) {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The partner's offers in the table (through GSI1), and its reference claims and idempotency records. */
async function partnerItems(partnerId: string) {
  const [offers, own] = await Promise.all([
    table.client.send(
      new QueryCommand({
        TableName: table.name,
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :p)',
        ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':p': 'OFFER#' },
      }),
    ),
    table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'PK = :pk',
        FilterExpression: 'entity IN (:ref, :idem)',
        ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':ref': 'offerReference', ':idem': 'idempotency' },
      }),
    ),
  ]);
  return { offers: offers.Items ?? [], own: own.Items ?? [] };
}

async function expectProblem(response: Response, status: number, type: string) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = await bodyOf(response);
  expect({ status: response.status, type: problem.type }).toEqual({ status, type: PROBLEM + type });
  return problem;
}

describe('GET /v1/catalog: terms, billing and prices', () => {
  it('lists each US subscription’s terms and billing options with list prices in USD', async () => {
    const { key } = await newPartner();

    const response = await get('/v1/catalog?usageLocation=US', key);

    expect(response.status).toBe(200);
    const catalog = await bodyOf(response);
    expect(catalog).toMatchObject({
      catalogVersion: expect.any(String),
      priceListVersion: PRICE_LIST_VERSION,
      usageLocation: 'US',
      currency: 'USD',
      defaultTerm: { term: 'P1Y', billingFrequency: 'annual' },
    });
    const basic = catalog.subscriptions.find((s: { sku: string }) => s.sku === 'M365_BUSINESS_BASIC');
    // The existing fields stay.
    expect(basic).toMatchObject({
      name: 'Microsoft 365 Business Basic',
      maxLicenses: 300,
      existingSubscribersOnly: false,
    });
    expect(basic.terms).toEqual([
      {
        term: 'P1M',
        billingOptions: [
          {
            billingFrequency: 'monthly',
            price: {
              ...catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'),
              derivedBy: 'monthly-term-premium',
              effectiveFrom: '2026-07-01',
            },
          },
        ],
      },
      {
        term: 'P1Y',
        billingOptions: [
          {
            billingFrequency: 'annual',
            price: {
              ...catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1Y', 'annual'),
              derivedBy: null,
              effectiveFrom: '2026-07-01',
            },
          },
          {
            billingFrequency: 'monthly',
            price: {
              ...catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1Y', 'monthly'),
              derivedBy: 'annual-term-monthly-billing-premium',
              effectiveFrom: '2026-07-01',
            },
          },
        ],
      },
    ]);
    // A US SKU without a sourced figure says so instead of inventing one.
    const teams = catalog.subscriptions.find((s: { sku: string }) => s.sku === 'TEAMS_ESSENTIALS');
    expect(teams.terms).toEqual([
      {
        term: 'P1Y',
        billingOptions: [
          { billingFrequency: 'annual', price: null, priceUnavailableReason: 'no_sourced_price' },
          { billingFrequency: 'monthly', price: null, priceUnavailableReason: 'no_sourced_price' },
        ],
      },
    ]);
  });

  it('lists BR terms and billing in BRL with no price, saying why', async () => {
    const { key } = await newPartner();

    const catalog = await bodyOf(await get('/v1/catalog?usageLocation=BR', key));

    expect(catalog).toMatchObject({ priceListVersion: PRICE_LIST_VERSION, usageLocation: 'BR', currency: 'BRL' });
    const standard = catalog.subscriptions.find((s: { sku: string }) => s.sku === 'M365_BUSINESS_STANDARD');
    expect(standard.terms.map((t: { term: string }) => t.term)).toEqual(['P1M', 'P1Y']);
    const options = catalog.subscriptions.flatMap((s: { terms: { billingOptions: Json[] }[] }) =>
      s.terms.flatMap((t) => t.billingOptions),
    );
    expect(options.length).toBeGreaterThan(0);
    expect(options.every((o: Json) => o.price === null && o.priceUnavailableReason === 'no_sourced_price')).toBe(true);
  });
});

describe('POST /v1/offers with terms and billing', () => {
  it('creates lines on the terms sent, with the catalog’s unit price snapshot and the versions', async () => {
    const { key, office } = await readyPartner();
    const body = usOffer(office.officeId, [
      { sku: 'M365_BUSINESS_BASIC', licenses: 10, term: 'P1M', billingFrequency: 'monthly' },
      { sku: 'M365_E3', licenses: 5, term: 'P1Y', billingFrequency: 'monthly' },
      { sku: 'TEAMS_ESSENTIALS', licenses: 3 },
    ]);

    const response = await post('/v1/offers', key, body);

    expect(response.status).toBe(201);
    const offer = await bodyOf(response);
    expect(offer).toMatchObject({
      priceListVersion: PRICE_LIST_VERSION,
      catalogVersion: expect.any(String),
      requireCustomerAgreement: false,
      items: [
        {
          sku: 'M365_BUSINESS_BASIC',
          term: 'P1M',
          billingFrequency: 'monthly',
          unitPrice: catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'),
          choices: [],
        },
        {
          sku: 'M365_E3',
          term: 'P1Y',
          billingFrequency: 'monthly',
          unitPrice: catalogPrice('US', 'M365_E3', 'P1Y', 'monthly'),
        },
        // No term sent: P1Y paid up front (the default); no sourced US figure: no price.
        { sku: 'TEAMS_ESSENTIALS', term: 'P1Y', billingFrequency: 'annual', unitPrice: null },
      ],
    });
    expect(offer).not.toHaveProperty('revisionOf');
    // What is stored is the snapshot, not a reference to the price list.
    const stored = await storedOffer(offer.summaryId);
    expect(stored?.items[0].unitPrice).toEqual(catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'));
    expect(stored?.items[2]).not.toHaveProperty('unitPrice');
    expect(stored?.priceListVersion).toBe(PRICE_LIST_VERSION);
    // GET shows the same lines.
    expect((await bodyOf(await get(`/v1/offers/${offer.summaryId}`, key))).items).toEqual(offer.items);
  });

  it('lets the customer choose among the terms allowed, each priced, the line’s own first', async () => {
    const { key, office } = await readyPartner();
    const body = usOffer(
      office.officeId,
      [
        {
          sku: 'M365_BUSINESS_STANDARD',
          licenses: 12,
          termChoices: [{ term: 'P1Y', billingFrequency: 'monthly' }, { term: 'P1M' }],
        },
      ],
      { requireCustomerAgreement: true },
    );

    const offer = await bodyOf(await post('/v1/offers', key, body));

    expect(offer.requireCustomerAgreement).toBe(true);
    expect(offer.items[0]).toMatchObject({ term: 'P1Y', billingFrequency: 'annual' });
    expect(offer.items[0].choices).toEqual(
      (
        [
          ['P1Y', 'annual'],
          ['P1Y', 'monthly'],
          ['P1M', 'monthly'],
        ] as const
      ).map(([term, billingFrequency]) => ({
        term,
        billingFrequency,
        unitPrice: catalogPrice('US', 'M365_BUSINESS_STANDARD', term, billingFrequency),
      })),
    );
  });

  it('carries the customer’s term choice and its price snapshot from the API to the acceptance', async () => {
    const { key, office } = await readyPartner();
    const body = usOffer(
      office.officeId,
      [{ sku: 'M365_BUSINESS_STANDARD', licenses: 12, termChoices: [{ term: 'P1M' }] }],
      { requireCustomerAgreement: true },
    );
    const offer = await bodyOf(await post('/v1/offers', key, body));
    const customer = customerAt(api.baseUrl);
    const fields = acceptFields(await customer.openForm(offer), {
      'licenses.M365_BUSINESS_STANDARD': '20',
      'term.0': 'P1M/monthly',
      customerAgreement: 'yes',
    });
    delete fields['licenses.TEAMS_ESSENTIALS'];
    delete fields.delegatedAdmin;

    const accepted = await customer.post(offer, 'accept', fields);

    expect(accepted.status).toBe(303);
    const { acceptances } = await bodyOf(await get(`/v1/offers/${offer.summaryId}/acceptances`, key));
    expect(acceptances[0]).toMatchObject({
      items: [
        {
          sku: 'M365_BUSINESS_STANDARD',
          licenses: 20,
          term: 'P1M',
          billingFrequency: 'monthly',
          unitPrice: catalogPrice('US', 'M365_BUSINESS_STANDARD', 'P1M', 'monthly'),
        },
      ],
      priceListVersion: PRICE_LIST_VERSION,
    });
  });

  describe('totals to the cent on the confirmation page, for the counts accepted', () => {
    // The arithmetic below uses these catalog figures: $7.35 a month for Business Basic on a year
    // billed monthly, $39.00 a month ($468.00 a year) for Microsoft 365 E3 on a year paid up front.
    it('rests on the catalog’s US list prices', () => {
      expect(catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1Y', 'monthly')).toMatchObject({
        currency: 'USD',
        monthlyUnitMinor: 735,
        perBillingPeriodMinor: 735,
      });
      expect(catalogPrice('US', 'M365_E3', 'P1Y', 'annual')).toMatchObject({
        currency: 'USD',
        monthlyUnitMinor: 3900,
        perBillingPeriodMinor: 46_800,
      });
    });

    it.each([
      // 7 × 7.35 + 3 × 39.00 = 51.45 + 117.00 = 168.45 a month; × 12 = 2,021.40 a year.
      [7, 3, '$168.45', '$2,021.40'],
      // 1 × 7.35 + 1 × 39.00 = 46.35 a month; × 12 = 556.20 a year.
      [1, 1, '$46.35', '$556.20'],
      // 250 × 7.35 + 12 × 39.00 = 1,837.50 + 468.00 = 2,305.50 a month; × 12 = 27,666.00 a year.
      [250, 12, '$2,305.50', '$27,666.00'],
    ])('%i Business Basic + %i E3: %s per month, %s per year', async (basic, e3, perMonth, perYear) => {
      const { key, office } = await readyPartner();
      const created = await post(
        '/v1/offers',
        key,
        usOffer(office.officeId, [
          { sku: 'M365_BUSINESS_BASIC', licenses: 10, term: 'P1Y', billingFrequency: 'monthly' },
          { sku: 'M365_E3', licenses: 5, term: 'P1Y', billingFrequency: 'annual' },
        ]),
      );
      expect(created.status).toBe(201);
      const offer = await bodyOf(created);
      const customer = customerAt(api.baseUrl);
      const fields = acceptFields(await customer.openForm(offer), {
        'licenses.M365_BUSINESS_BASIC': String(basic),
        'licenses.M365_E3': String(e3),
      });
      delete fields['licenses.M365_BUSINESS_STANDARD'];
      delete fields['licenses.TEAMS_ESSENTIALS'];
      delete fields.delegatedAdmin;

      const accepted = await customer.post(offer, 'accept', fields);
      expect(accepted.status).toBe(303);
      const location = new URL(accepted.headers.get('location') ?? '', api.baseUrl);
      const confirmation = await browserRequest(location.toString());

      expect(confirmation.status).toBe(200);
      const page = (await confirmation.text()).replace(/\u00a0/g, ' ');
      expect(/<dd class="total-month">([^<]*)<\/dd>/.exec(page)?.[1]).toBe(perMonth);
      expect(/<dd class="total-year">([^<]*)<\/dd>/.exec(page)?.[1]).toBe(perYear);
    });
  });

  it.each([
    ['an unknown term', { term: 'P2Y' }, 'body.items[0].term', 'unknown_term'],
    [
      'a term not sold for that SKU',
      { sku: 'TEAMS_ESSENTIALS', term: 'P1M' },
      'body.items[0].term',
      'term_not_sold_for_sku',
    ],
    [
      'a billing not allowed on the term',
      { term: 'P1M', billingFrequency: 'annual' },
      'body.items[0].billingFrequency',
      'billing_not_allowed_on_term',
    ],
    [
      'a term choice not sold for that SKU',
      { termChoices: [{ term: 'P3Y' }] },
      'body.items[0].termChoices[0].term',
      'term_not_sold_for_sku',
    ],
  ])('refuses %s: 422 term-not-sold naming the field, nothing written', async (_label, line, field, rule) => {
    const { key, office, partner } = await readyPartner();
    const body = usOffer(office.officeId, [{ sku: 'M365_BUSINESS_BASIC', licenses: 10, ...line }], {
      reference: `REJ-${randomUUID().slice(0, 8)}`,
    });

    const response = await post('/v1/offers', key, body, { 'idempotency-key': randomUUID() });

    const problem = await expectProblem(response, 422, 'term-not-sold');
    expect(problem.errors).toEqual([expect.objectContaining({ field, rule })]);
    expect(await partnerItems(partner.partnerId)).toEqual({ offers: [], own: [] });
  });

  it.each([
    ['a term longer than a word', { term: 'P1Y'.repeat(6) }, 'body.items[0].term', 'too_big'],
    [
      'more than six term choices',
      { termChoices: Array(7).fill({ term: 'P1M' }) },
      'body.items[0].termChoices',
      'too_big',
    ],
    [
      'a term choice without its term',
      { termChoices: [{ billingFrequency: 'monthly' }] },
      'body.items[0].termChoices[0].term',
      'required',
    ],
  ])('refuses %s as a 400 naming the field', async (_label, line, field, rule) => {
    const { key, office } = await readyPartner();

    const response = await post(
      '/v1/offers',
      key,
      usOffer(office.officeId, [{ sku: 'M365_E3', licenses: 1, ...line }]),
    );

    const problem = await expectProblem(response, 400, 'invalid-request');
    expect(problem.errors).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('refuses 300 Basic + 300 Standard + 300 Premium (422 naming each line and the limit), nothing written', async () => {
    const { key, office, partner } = await readyPartner();
    const body = usOffer(
      office.officeId,
      [
        { sku: 'M365_BUSINESS_BASIC', licenses: 300 },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 300 },
        { sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
      ],
      { reference: 'CAP-1' },
    );

    const response = await post('/v1/offers', key, body, { 'idempotency-key': randomUUID() });

    const problem = await expectProblem(response, 422, 'quantity-limit-exceeded');
    expect(problem.errors.map((e: Json) => [e.field, e.rule])).toEqual([
      ['body.items[0].licenses', 'business_family_seat_cap'],
      ['body.items[1].licenses', 'business_family_seat_cap'],
      ['body.items[2].licenses', 'business_family_seat_cap'],
    ]);
    expect(problem.errors[0].message).toContain('at most 300 licenses');
    expect(problem.quantityLimits).toEqual([
      { rule: 'business_family_seat_cap', limit: 300, total: 900, items: [0, 1, 2] },
    ]);
    expect(await partnerItems(partner.partnerId)).toEqual({ offers: [], own: [] });
  });
});

describe('POST /v1/offers/{summaryId}/revise', () => {
  async function created(key: string, officeId: string, overrides: Json = {}) {
    const response = await post(
      '/v1/offers',
      key,
      usOffer(officeId, [{ sku: 'M365_BUSINESS_BASIC', licenses: 10 }], { reference: 'CRM-7', ...overrides }),
    );
    expect(response.status).toBe(201);
    return bodyOf(response);
  }

  it('creates the new offer with the changes, deactivates the old one and links the two', async () => {
    const { key, office, partner } = await readyPartner();
    const old = await created(key, office.officeId, { customization: { intro: 'Hello' } });

    const response = await post(
      `/v1/offers/${old.summaryId}/revise`,
      key,
      { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 25, billingFrequency: 'monthly' }] },
      { 'idempotency-key': 'rev-1' },
    );

    expect(response.status).toBe(201);
    const revision = await bodyOf(response);
    expect(response.headers.get('location')).toBe(`/v1/offers/${revision.summaryId}`);
    expect(revision.summaryId).not.toBe(old.summaryId);
    expect(revision).toMatchObject({
      status: 'active',
      revisionOf: old.summaryId,
      reference: 'CRM-7',
      customization: { intro: 'Hello' },
      usageLocation: 'US',
      priceListVersion: PRICE_LIST_VERSION,
      items: [
        {
          sku: 'M365_BUSINESS_BASIC',
          licenses: 25,
          term: 'P1Y',
          billingFrequency: 'monthly',
          unitPrice: catalogPrice('US', 'M365_BUSINESS_BASIC', 'P1Y', 'monthly'),
        },
      ],
      message: { subject: expect.any(String) },
    });
    const oldNow = await bodyOf(await get(`/v1/offers/${old.summaryId}`, key));
    expect(oldNow).toMatchObject({ status: 'deactivated', revisedBy: revision.summaryId });
    // The reference moved with the revision: its claim names the new offer.
    const { own } = await partnerItems(partner.partnerId);
    expect(own.find((item) => item.entity === 'offerReference')).toMatchObject({ summaryId: revision.summaryId });
  });

  it('sends the old link’s visitors to the new offer', async () => {
    const { key, office } = await readyPartner();
    const old = await created(key, office.officeId);
    const revision = await bodyOf(await post(`/v1/offers/${old.summaryId}/revise`, key, { locale: 'pt-BR' }));

    const page = await fetch(`${api.baseUrl}/o/${old.summaryId}?lang=en`);

    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain('This offer was replaced');
    expect(html).toContain(`href="/o/${revision.summaryId}"`);
    expect((await fetch(`${api.baseUrl}/o/${revision.summaryId}`)).status).toBe(200);
  });

  it('replays a retried revise with the same key: the same new offer, nothing written twice', async () => {
    const { key, office, partner } = await readyPartner();
    const old = await created(key, office.officeId);
    const changes = { maxAcceptances: 3 };
    const first = await post(`/v1/offers/${old.summaryId}/revise`, key, changes, { 'idempotency-key': 'rev-2' });
    const firstBody = await first.text();

    const again = await post(`/v1/offers/${old.summaryId}/revise`, key, changes, { 'idempotency-key': 'rev-2' });

    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(firstBody);
    expect((await partnerItems(partner.partnerId)).offers).toHaveLength(2);
    // Other changes with that key: 422, as on create.
    const reused = await post(
      `/v1/offers/${old.summaryId}/revise`,
      key,
      { maxAcceptances: 4 },
      { 'idempotency-key': 'rev-2' },
    );
    await expectProblem(reused, 422, 'idempotency-key-reused');
  });

  it('answers 409 naming the newer revision when the offer was revised already', async () => {
    const { key, office } = await readyPartner();
    const old = await created(key, office.officeId);
    const revision = await bodyOf(await post(`/v1/offers/${old.summaryId}/revise`, key, {}));

    const response = await post(`/v1/offers/${old.summaryId}/revise`, key, { maxAcceptances: 2 });

    const problem = await expectProblem(response, 409, 'offer-already-revised');
    expect(problem.revisedBy).toBe(revision.summaryId);
    expect(problem.detail).toContain(revision.summaryId);
  });

  it('leaves nothing when the transaction fails: a new reference taken by another offer is a 409', async () => {
    const { key, office, partner } = await readyPartner();
    const old = await created(key, office.officeId);
    const holder = await created(key, office.officeId, { reference: 'TAKEN-1' });

    const response = await post(
      `/v1/offers/${old.summaryId}/revise`,
      key,
      { reference: 'TAKEN-1' },
      { 'idempotency-key': 'rev-taken' },
    );

    const problem = await expectProblem(response, 409, 'duplicate-reference');
    expect(problem.existingSummaryId).toBe(holder.summaryId);
    expect(await storedOffer(old.summaryId)).not.toHaveProperty('revisedBy');
    expect(await storedOffer(old.summaryId)).not.toHaveProperty('deactivatedAt');
    const { offers, own } = await partnerItems(partner.partnerId);
    expect(offers).toHaveLength(2);
    expect(own.filter((item) => item.entity === 'idempotency')).toHaveLength(0);
  });

  it('lets exactly one of two concurrent revisions through; the other gets 409 naming it', async () => {
    const { key, office, partner } = await readyPartner();
    const old = await created(key, office.officeId);

    const responses = await Promise.all(
      [2, 3].map((maxAcceptances) =>
        post(
          `/v1/offers/${old.summaryId}/revise`,
          key,
          { maxAcceptances },
          { 'idempotency-key': `race-${maxAcceptances}` },
        ),
      ),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = await bodyOf(responses.find((response) => response.status === 201) as Response);
    const loser = await bodyOf(responses.find((response) => response.status === 409) as Response);
    expect(loser.revisedBy).toBe(winner.summaryId);
    expect((await storedOffer(old.summaryId))?.revisedBy).toBe(winner.summaryId);
    expect((await partnerItems(partner.partnerId)).offers).toHaveLength(2);
  });

  it('answers 404 for another partner’s offer and leaves it untouched', async () => {
    const owner = await readyPartner();
    const old = await created(owner.key, owner.office.officeId);
    const other = await readyPartner();

    const response = await post(`/v1/offers/${old.summaryId}/revise`, other.key, { officeId: other.office.officeId });

    await expectProblem(response, 404, 'offer-not-found');
    expect(await storedOffer(old.summaryId)).not.toHaveProperty('revisedBy');
    expect(await partnerItems(other.partner.partnerId)).toEqual({ offers: [], own: [] });
  });

  it.each([
    ['invalid JSON', '{"items": [', 400, 'malformed-json', 'body', 'json'],
    ['an unknown field', JSON.stringify({ itemz: [] }), 400, 'invalid-request', 'body.itemz', 'unrecognized_key'],
    ['a wrong type', JSON.stringify({ items: 'all' }), 400, 'invalid-request', 'body.items', 'invalid_type'],
    [
      'an unknown term',
      JSON.stringify({ items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 5, term: 'P2Y' }] }),
      422,
      'term-not-sold',
      'body.items[0].term',
      'unknown_term',
    ],
  ])(
    'refuses %s with a problem naming the field and the rule, writing nothing',
    async (_case, raw, status, type, field, rule) => {
      const { key, office, partner } = await readyPartner();
      const old = await created(key, office.officeId);

      const response = await fetch(`${api.baseUrl}/v1/offers/${old.summaryId}/revise`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': 'rev-bad' },
        body: raw,
      });

      const problem = await expectProblem(response, status, type);
      expect(problem.errors).toEqual([expect.objectContaining({ field, rule })]);
      expect(await storedOffer(old.summaryId)).not.toHaveProperty('revisedBy');
      const { offers, own } = await partnerItems(partner.partnerId);
      expect(offers).toHaveLength(1);
      expect(own.filter((item) => item.entity === 'idempotency')).toHaveLength(0);
    },
  );

  it('applies the seat cap to the revised lines: 422 naming them, the old offer still active', async () => {
    const { key, office, partner } = await readyPartner();
    const old = await created(key, office.officeId);

    const response = await post(
      `/v1/offers/${old.summaryId}/revise`,
      key,
      {
        items: [
          { sku: 'M365_BUSINESS_BASIC', licenses: 200 },
          { sku: 'M365_BUSINESS_PREMIUM', licenses: 101 },
        ],
      },
      { 'idempotency-key': 'rev-cap' },
    );

    const problem = await expectProblem(response, 422, 'quantity-limit-exceeded');
    expect(problem.errors.map((e: Json) => e.field)).toEqual(['body.items[0].licenses', 'body.items[1].licenses']);
    expect((await bodyOf(await get(`/v1/offers/${old.summaryId}`, key))).status).toBe('active');
    const { offers, own } = await partnerItems(partner.partnerId);
    expect(offers).toHaveLength(1);
    expect(own.filter((item) => item.entity === 'idempotency')).toHaveLength(0);
  });
});
