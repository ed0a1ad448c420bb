import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import { idempotencyKeys, idempotencyToItem } from '../../shared/db/idempotency.ts';
import { offerViewsKeys } from '../../shared/db/offers.ts';
import { partnerKeys } from '../../shared/db/partners.ts';
import { GSI1 } from '../../shared/db/table.ts';
import { normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { setClock } from '../support/clock.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
afterEach(() => {
  jest.useRealTimers();
});

/** The start of a whole second (ms since the epoch) a little ahead of the real clock. */
const aWholeSecond = () => Math.ceil(Date.now() / 1000) * 1000 + 1000;

const PROBLEM = 'urn:purchase-offers:problem:';
const BASE_URL = process.env.PUBLIC_BASE_URL ?? '';

type Json = Record<string, unknown>;

function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(api.baseUrl + path, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const get = (path: string, key: string) => fetch(api.baseUrl + path, { headers: bearer(key) });

/** A partner with one active office in BR, ready to create offers. */
async function readyPartner(overrides: Parameters<typeof newPartner>[0] = {}) {
  const { partner, key } = await newPartner(overrides);
  const office = await seedOffice(partner.partnerId);
  return { partner, key, office };
}

function offerBody(officeId: string, overrides: Json = {}): Json {
  return {
    officeId,
    usageLocation: 'BR',
    items: [
      { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
      { sku: 'M365_E3', licenses: 25 },
    ],
    delegatedAdmin: false,
    locale: 'en',
    ...overrides,
  };
}

/** Every item a create may write for a partner: offers (GSI1), reference claims, idempotency records. */
async function writtenFor(partnerId: string): Promise<number> {
  const [offers, own] = await Promise.all([
    table.client.send(
      new QueryCommand({
        TableName: table.name,
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :p)',
        ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':p': 'OFFER#' },
        Select: 'COUNT',
      }),
    ),
    table.client.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'PK = :pk',
        FilterExpression: 'entity IN (:ref, :idem)',
        ExpressionAttributeValues: { ':pk': `PARTNER#${partnerId}`, ':ref': 'offerReference', ':idem': 'idempotency' },
        Select: 'COUNT',
      }),
    ),
  ]);
  return (offers.Count ?? 0) + (own.Count ?? 0);
}

async function expectProblem(response: Response, status: number, type: string, field?: string, rule?: string) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = await bodyOf(response);
  expect({ status: response.status, type: problem.type }).toEqual({ status, type: PROBLEM + type });
  if (field) expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  if (field && rule) expect(problem.errors).toContainEqual(expect.objectContaining({ field, rule }));
  return problem;
}

/**
 * A create that is expected to be rejected. It carries a reference and an Idempotency-Key, so the
 * "nothing written" assertions that follow can catch a stray reference claim or idempotency record,
 * not only a stray offer (a body that sets its own reference keeps it).
 */
function attempt(key: string, body: Json | string, headers: Record<string, string> = {}) {
  const withReference =
    typeof body === 'string' || 'reference' in body ? body : { ...body, reference: `REJ-${randomUUID().slice(0, 8)}` };
  return post('/v1/offers', key, withReference, { 'idempotency-key': `rejected-${randomUUID()}`, ...headers });
}

function without(body: Json, field: string): Json {
  const { [field]: _removed, ...rest } = body;
  return rest;
}

/** The views counter item the create transaction writes beside the offer. */
async function counterItem(summaryId: string) {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return Item;
}

const DAY_MS = 24 * 60 * 60 * 1000;

describe('POST /v1/offers', () => {
  it('creates an offer: 201 with summary ID, URL, status, counters and the message', async () => {
    const { key, office, partner } = await readyPartner({ logoUrl: 'https://fabrikam.example/logo.png' });
    const response = await post('/v1/offers', key, offerBody(office.officeId, { reference: 'ORD-1' }));
    expect(response.status).toBe(201);
    const offer = await bodyOf(response);
    expect(offer.summaryId).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(normalizeSummaryId(offer.summaryId)).toBe(offer.summaryId);
    expect(offer.url).toBe(`${BASE_URL}/o/${offer.summaryId}`);
    expect(response.headers.get('location')).toBe(`/v1/offers/${offer.summaryId}`);
    expect(offer).toMatchObject({
      status: 'active',
      reference: 'ORD-1',
      officeId: office.officeId,
      officeName: office.name,
      usageLocation: 'BR',
      delegatedAdmin: false,
      locale: 'en',
      counters: { views: 0, acceptances: 0, declines: 0 },
      items: [
        { sku: 'M365_BUSINESS_STANDARD', name: 'Microsoft 365 Business Standard', licenses: 10 },
        { sku: 'M365_E3', name: 'Microsoft 365 E3', licenses: 25 },
      ],
    });
    expect(offer.message.subject).toContain(partner.name);
    expect(offer.message.text).toContain(offer.url);
    expect(offer.message.html).toContain('https://fabrikam.example/logo.png');
    expect(await writtenFor(partner.partnerId)).toBe(2); // the offer and its reference claim
    // …and, in the offer's partition, its views counter, starting at 0.
    expect(await counterItem(offer.summaryId)).toMatchObject({ entity: 'offerViews', views: 0 });
  });

  it('stores the logo URL normalised, as browsers will load it', async () => {
    const { key, office } = await readyPartner();
    const body = offerBody(office.officeId, { customization: { logoUrl: 'https://Fabrikam.EXAMPLE/logos/a b.png' } });
    const created = await bodyOf(await post('/v1/offers', key, body));
    expect(created.customization.logoUrl).toBe('https://fabrikam.example/logos/a%20b.png');
    expect(created.message.html).toContain('src="https://fabrikam.example/logos/a%20b.png"');
    const stored = await bodyOf(await get(`/v1/offers/${created.summaryId}`, key));
    expect(stored.customization.logoUrl).toBe('https://fabrikam.example/logos/a%20b.png');
  });

  it('accepts an expiresAt up to 366 days ahead, listed as active until then', async () => {
    const { key, office } = await readyPartner();
    const inAYear = new Date(Date.now() + 365 * DAY_MS).toISOString();
    const response = await post('/v1/offers', key, offerBody(office.officeId, { expiresAt: inAYear }));
    expect(response.status).toBe(201);
    const created = await bodyOf(response);
    expect(created).toMatchObject({ status: 'active', expiresAt: inAYear });
    const active = await bodyOf(await get('/v1/offers?status=active', key));
    expect(active.offers.map((o: { summaryId: string }) => o.summaryId)).toEqual([created.summaryId]);
  });

  it('gives every offer its own random summary ID', async () => {
    const { key, office } = await readyPartner();
    const ids = await Promise.all(
      Array.from(
        { length: 10 },
        async () => (await bodyOf(await post('/v1/offers', key, offerBody(office.officeId)))).summaryId,
      ),
    );
    expect(new Set(ids).size).toBe(10);
  });

  describe('rejections (status, problem type, nothing written)', () => {
    it('403 too-many-customers for a partner managing 100 customers', async () => {
      const { key, office, partner } = await readyPartner({ customerCount: 100 });
      await expectProblem(await attempt(key, offerBody(office.officeId)), 403, 'too-many-customers');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('lets a partner with 99 customers create offers', async () => {
      const { key, office } = await readyPartner({ customerCount: 99 });
      expect((await post('/v1/offers', key, offerBody(office.officeId))).status).toBe(201);
    });

    it('403 delegated-admin-not-certified when an uncertified partner offers delegated admin', async () => {
      const { key, office, partner } = await readyPartner({ delegatedAdminCertified: false });
      const response = await attempt(key, offerBody(office.officeId, { delegatedAdmin: true }));
      await expectProblem(response, 403, 'delegated-admin-not-certified', 'body.delegatedAdmin');
      expect(await writtenFor(partner.partnerId)).toBe(0);
      // Without delegated admin the same partner may create the offer.
      expect((await post('/v1/offers', key, offerBody(office.officeId, { delegatedAdmin: false }))).status).toBe(201);
    });

    it('422 office-not-usable for an office the partner does not have', async () => {
      const { key, partner } = await readyPartner();
      const problem = await expectProblem(
        await attempt(key, offerBody('no-such-office')),
        422,
        'office-not-usable',
        'body.officeId',
      );
      expect(problem.errors[0].rule).toBe('unknown_office');
      expect(problem.detail).toContain('24 hours');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 office-not-usable for an inactive office', async () => {
      const { key, partner } = await readyPartner();
      const inactive = await seedOffice(partner.partnerId, { active: false });
      const problem = await expectProblem(
        await attempt(key, offerBody(inactive.officeId)),
        422,
        'office-not-usable',
        'body.officeId',
      );
      expect(problem.errors[0].rule).toBe('office_inactive');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 office-not-usable for another partner’s office', async () => {
      const { key, partner } = await readyPartner();
      const other = await readyPartner();
      await expectProblem(
        await attempt(key, offerBody(other.office.officeId)),
        422,
        'office-not-usable',
        'body.officeId',
      );
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 sku-not-sold naming the item that is not sold in the usage location', async () => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, {
        usageLocation: 'DE',
        items: [
          { sku: 'M365_BUSINESS_STANDARD_NO_TEAMS', licenses: 5 },
          { sku: 'M365_BUSINESS_STANDARD', licenses: 5 },
        ],
      });
      const problem = await expectProblem(await attempt(key, body), 422, 'sku-not-sold', 'body.items[1].sku');
      expect(problem.errors).toEqual([expect.objectContaining({ rule: 'not_sold_in_usage_location' })]);
      expect(problem.errors[0].message).toContain('Microsoft 365 Business Standard');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 sku-not-sold for a SKU that is not in the catalog', async () => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, { items: [{ sku: 'NOT_A_PRODUCT', licenses: 5 }] });
      const problem = await expectProblem(await attempt(key, body), 422, 'sku-not-sold', 'body.items[0].sku');
      expect(problem.errors[0].rule).toBe('unknown_sku');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 duplicate-sku naming the repeated item', async () => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, {
        items: [
          { sku: 'M365_E3', licenses: 5 },
          { sku: 'M365_E5', licenses: 5 },
          { sku: 'M365_E3', licenses: 7 },
        ],
      });
      await expectProblem(await attempt(key, body), 422, 'duplicate-sku', 'body.items[2].sku');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it.each([
      ['no items', 0],
      ['21 items', 21],
    ])('422 item-count-out-of-range for %s', async (_label, count) => {
      const { key, office, partner } = await readyPartner();
      // 21 distinct SKUs sold in the US, so only the count is wrong.
      const { subscriptionsFor } = await import('../../shared/catalog/catalog.ts');
      const skus = subscriptionsFor('US').slice(0, count);
      expect(skus).toHaveLength(count);
      const body = offerBody(office.officeId, {
        usageLocation: 'US',
        items: skus.map((s) => ({ sku: s.sku, licenses: 1 })),
      });
      await expectProblem(await attempt(key, body), 422, 'item-count-out-of-range', 'body.items');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it.each([
      ['above a Business plan’s 300', 'M365_BUSINESS_PREMIUM', 301],
      ['zero', 'M365_E3', 0],
      ['negative', 'M365_E3', -5],
    ])('422 licenses-out-of-range for licenses %s, naming the item', async (_label, sku, licenses) => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, {
        items: [
          { sku: 'M365_E5', licenses: 3 },
          { sku, licenses },
        ],
      });
      const problem = await expectProblem(
        await attempt(key, body),
        422,
        'licenses-out-of-range',
        'body.items[1].licenses',
      );
      expect(problem.errors[0].rule).toBe('licenses_out_of_range');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('accepts licenses at the SKU’s limits (1 and 300 for Business plans)', async () => {
      const { key, office } = await readyPartner();
      const body = offerBody(office.officeId, {
        items: [
          { sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
          { sku: 'M365_E3', licenses: 1 },
        ],
      });
      expect((await post('/v1/offers', key, body)).status).toBe(201);
    });

    it('409 duplicate-reference naming the offer that holds the reference, writing nothing', async () => {
      const { key, office, partner } = await readyPartner();
      const first = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId, { reference: 'PO-77' })));
      const before = await writtenFor(partner.partnerId);
      const problem = await expectProblem(
        await attempt(key, offerBody(office.officeId, { reference: 'PO-77' })),
        409,
        'duplicate-reference',
        'body.reference',
        'unique',
      );
      expect(problem.existingSummaryId).toBe(first.summaryId);
      expect(problem.detail).toContain(first.summaryId);
      expect(await writtenFor(partner.partnerId)).toBe(before);
      // References are per partner: another partner may use the same one.
      const other = await readyPartner();
      expect(
        (await post('/v1/offers', other.key, offerBody(other.office.officeId, { reference: 'PO-77' }))).status,
      ).toBe(201);
    });

    it('422 invalid-expiry for an expiresAt in the past', async () => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, { expiresAt: '2020-01-01T00:00:00Z' });
      await expectProblem(await attempt(key, body), 422, 'invalid-expiry', 'body.expiresAt', 'in_future');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it.each([
      // Past year 9999 in UTC: toISOString() would store "+010000-…", which sorts before every
      // "2…" date, so list filters and the acceptance condition would treat the offer as expired.
      ['9999-12-31T23:59:59-14:00'],
      ['2999-01-01T00:00:00Z'],
    ])('422 invalid-expiry, rule too_far, for expiresAt %s (more than 366 days ahead)', async (expiresAt) => {
      const { key, office, partner } = await readyPartner();
      const problem = await expectProblem(
        await attempt(key, offerBody(office.officeId, { expiresAt })),
        422,
        'invalid-expiry',
        'body.expiresAt',
        'too_far',
      );
      expect(problem.detail).toContain('366 days');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('422 invalid-expiry just past the 366-day cap', async () => {
      const { key, office, partner } = await readyPartner();
      const expiresAt = new Date(Date.now() + 366 * DAY_MS + 60_000).toISOString();
      await expectProblem(
        await attempt(key, offerBody(office.officeId, { expiresAt })),
        422,
        'invalid-expiry',
        'body.expiresAt',
        'too_far',
      );
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('403 partner-profile-missing for a valid key whose partner profile is gone', async () => {
      const { key, office, partner } = await readyPartner();
      await table.client.send(
        new DeleteCommand({
          TableName: table.name,
          Key: { PK: partnerKeys.pk(partner.partnerId), SK: partnerKeys.sk() },
        }),
      );
      await expectProblem(await attempt(key, offerBody(office.officeId)), 403, 'partner-profile-missing');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    // 64 octets before the @, then 63-character labels (the most a label may have) up to `length`.
    const email = (length: number) => {
      const domain = 'b'.repeat(length - 64 - 1 - 8);
      return `${'a'.repeat(64)}@${domain
        .match(/.{1,63}/g)
        ?.join('.')
        .slice(0, domain.length)}.example`;
    };
    it.each<[string, Json | ((body: Json) => Json), string, string]>([
      ['an unknown top-level field', { discount: 10 }, 'body.discount', 'unrecognized_key'],
      [
        'an unknown item field',
        { items: [{ sku: 'M365_E3', licenses: 2, price: 1 }] },
        'body.items[0].price',
        'unrecognized_key',
      ],
      [
        'an unknown customization field',
        { customization: { footer: 'x' } },
        'body.customization.footer',
        'unrecognized_key',
      ],
      ['a missing officeId', (body) => without(body, 'officeId'), 'body.officeId', 'required'],
      ['a missing usageLocation', (body) => without(body, 'usageLocation'), 'body.usageLocation', 'required'],
      ['missing items', (body) => without(body, 'items'), 'body.items', 'required'],
      ['a malformed usageLocation', { usageLocation: 'brazil' }, 'body.usageLocation', 'pattern'],
      ['a lower-case usageLocation', { usageLocation: 'br' }, 'body.usageLocation', 'pattern'],
      ['an unsupported usageLocation', { usageLocation: 'ZZ' }, 'body.usageLocation', 'unsupported_usage_location'],
      [
        'an http logo',
        { customization: { logoUrl: 'http://fabrikam.example/logo.png' } },
        'body.customization.logoUrl',
        'https_only',
      ],
      [
        'a javascript: logo',
        { customization: { logoUrl: 'javascript:alert(1)' } },
        'body.customization.logoUrl',
        'https_only',
      ],
      [
        'a logo URL with a line break, a tab and a control character',
        { customization: { logoUrl: 'https://x/a\nb\t\u0001' } },
        'body.customization.logoUrl',
        'no_control_characters',
      ],
      [
        'a logo URL ending in a control character',
        { customization: { logoUrl: 'https://fabrikam.example/logo.png\u0000' } },
        'body.customization.logoUrl',
        'no_control_characters',
      ],
      [
        'a logo URL with surrounding spaces',
        { customization: { logoUrl: ' https://fabrikam.example/logo.png ' } },
        'body.customization.logoUrl',
        'no_surrounding_whitespace',
      ],
      [
        'a logo URL over 2048 characters',
        { customization: { logoUrl: `https://fabrikam.example/${'a'.repeat(2049 - 25)}` } },
        'body.customization.logoUrl',
        'too_big',
      ],
      [
        'an intro over 2000 characters',
        { customization: { intro: 'x'.repeat(2001) } },
        'body.customization.intro',
        'too_big',
      ],
      [
        'a closing over 1000 characters',
        { customization: { closing: 'x'.repeat(1001) } },
        'body.customization.closing',
        'too_big',
      ],
      [
        'a contact name over 100 characters',
        { customization: { contact: { name: 'x'.repeat(101), email: 'a@b.example' } } },
        'body.customization.contact.name',
        'too_big',
      ],
      [
        'a malformed contact email',
        { customization: { contact: { name: 'Ana', email: 'not-an-email' } } },
        'body.customization.contact.email',
        'format:email',
      ],
      [
        'a contact email over 254 characters',
        { customization: { contact: { name: 'Ana', email: email(255) } } },
        'body.customization.contact.email',
        'email_too_long',
      ],
      [
        'a malformed contact phone',
        { customization: { contact: { name: 'Ana', email: 'a@b.example', phone: 'call me' } } },
        'body.customization.contact.phone',
        'pattern',
      ],
      [
        'a contact phone over 32 characters',
        { customization: { contact: { name: 'Ana', email: 'a@b.example', phone: `+55 ${'1'.repeat(30)}` } } },
        'body.customization.contact.phone',
        'too_big',
      ],
      ['a SKU over 64 characters', { items: [{ sku: 'M'.repeat(65), licenses: 2 }] }, 'body.items[0].sku', 'too_big'],
      ['a SKU in lower case', { items: [{ sku: 'm365_e3', licenses: 2 }] }, 'body.items[0].sku', 'pattern'],
      ['a SKU with spaces', { items: [{ sku: 'M365 E3', licenses: 2 }] }, 'body.items[0].sku', 'pattern'],
      ['a reference over 64 characters', { reference: 'r'.repeat(65) }, 'body.reference', 'too_big'],
      ['an officeId over 64 characters', { officeId: 'o'.repeat(65) }, 'body.officeId', 'too_big'],
      ['an unsupported locale', { locale: 'fr' }, 'body.locale', 'invalid_value'],
      ['an expiresAt without a time zone', { expiresAt: '2030-01-01T00:00:00' }, 'body.expiresAt', 'format:datetime'],
      ['maxAcceptances 0', { maxAcceptances: 0 }, 'body.maxAcceptances', 'too_small'],
      ['maxAcceptances above 100000', { maxAcceptances: 100_001 }, 'body.maxAcceptances', 'too_big'],
      ['fractional licenses', { items: [{ sku: 'M365_E3', licenses: 2.5 }] }, 'body.items[0].licenses', 'integer'],
      [
        'a control character in the intro',
        { customization: { intro: 'hi\u0000there' } },
        'body.customization.intro',
        'no_control_characters',
      ],
      [
        'a right-to-left override in the intro (text shown reversed to customers)',
        { customization: { intro: 'Pay \u202Eenola uoy' } },
        'body.customization.intro',
        'no_control_characters',
      ],
      [
        'a C1 control character in the contact name',
        { customization: { contact: { name: 'Pat\u0085Doe', email: 'pat@fabrikam.example' } } },
        'body.customization.contact.name',
        'no_control_characters',
      ],
      ['a delegatedAdmin that is not a boolean', { delegatedAdmin: 'yes' }, 'body.delegatedAdmin', 'invalid_type'],
    ])('400 invalid-request for %s', async (_label, change, field, rule) => {
      const { key, office, partner } = await readyPartner();
      const body =
        typeof change === 'function' ? change(offerBody(office.officeId)) : offerBody(office.officeId, change);
      await expectProblem(await attempt(key, body), 400, 'invalid-request', field, rule);
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it.each([
      ['with spaces', 'order 42'],
      ['with a non-ASCII letter', 'pedido-n\u00ba42'],
      ['longer than 255 characters', 'k'.repeat(256)],
    ])('400 invalid-request for an Idempotency-Key %s', async (_label, idempotencyKey) => {
      const { key, office, partner } = await readyPartner();
      const response = await attempt(key, offerBody(office.officeId), { 'idempotency-key': idempotencyKey });
      const problem = await expectProblem(response, 400, 'invalid-request', 'header.idempotency-key');
      expect(problem.errors).toContainEqual(
        expect.objectContaining({
          field: 'header.idempotency-key',
          rule: expect.stringMatching(/^(pattern|too_big)$/),
        }),
      );
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('413 body-too-large for a body over 64 KiB', async () => {
      const { key, office, partner } = await readyPartner();
      const body = offerBody(office.officeId, { customization: { intro: 'x'.repeat(70_000) } });
      await expectProblem(await attempt(key, body), 413, 'body-too-large');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('415 unsupported-media-type for a body that is not sent as JSON', async () => {
      const { key, office, partner } = await readyPartner();
      const response = await attempt(key, offerBody(office.officeId), { 'content-type': 'text/plain' });
      await expectProblem(response, 415, 'unsupported-media-type', 'header.content-type', 'media_type');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });

    it('400 for a body that is not JSON, and for a missing body', async () => {
      const { key, partner } = await readyPartner();
      await expectProblem(await attempt(key, '{"officeId":'), 400, 'malformed-json');
      await expectProblem(await attempt(key, ''), 400, 'missing-body');
      expect(await writtenFor(partner.partnerId)).toBe(0);
    });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, writing nothing more', async () => {
    const { key, office, partner } = await readyPartner();
    const body = offerBody(office.officeId, { reference: 'IDEM-1' });
    const first = await post('/v1/offers', key, body, { 'idempotency-key': 'create-IDEM-1' });
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    const written = await writtenFor(partner.partnerId);
    expect(written).toBe(3); // offer, reference claim, idempotency record

    // Same body with the keys in another order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post('/v1/offers', key, reordered, { 'idempotency-key': 'create-IDEM-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await again.text()).toBe(firstBody);
    expect(await writtenFor(partner.partnerId)).toBe(written);
  });

  it('422 idempotency-key-reused for the same key with another body', async () => {
    const { key, office, partner } = await readyPartner();
    const headers = { 'idempotency-key': 'k-1' };
    expect((await post('/v1/offers', key, offerBody(office.officeId), headers)).status).toBe(201);
    const written = await writtenFor(partner.partnerId);
    const other = offerBody(office.officeId, { items: [{ sku: 'M365_E3', licenses: 26 }] });
    await expectProblem(
      await post('/v1/offers', key, other, headers),
      422,
      'idempotency-key-reused',
      'header.idempotency-key',
    );
    expect(await writtenFor(partner.partnerId)).toBe(written);
  });

  it('scopes keys to the partner: two partners may use the same key', async () => {
    const a = await readyPartner();
    const b = await readyPartner();
    const headers = { 'idempotency-key': 'shared-key' };
    const ra = await bodyOf(await post('/v1/offers', a.key, offerBody(a.office.officeId), headers));
    const rb = await post('/v1/offers', b.key, offerBody(b.office.officeId), headers);
    expect(rb.status).toBe(201);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect((await bodyOf(rb)).summaryId).not.toBe(ra.summaryId);
  });

  it('does not store rejections: a retry with the same key after fixing the cause succeeds', async () => {
    const { key, office, partner } = await readyPartner({ delegatedAdminCertified: false });
    const headers = { 'idempotency-key': 'retry-after-fix' };
    const body = offerBody(office.officeId, { delegatedAdmin: true });
    expect((await post('/v1/offers', key, body, headers)).status).toBe(403);
    expect(await writtenFor(partner.partnerId)).toBe(0);
    expect((await post('/v1/offers', key, { ...body, delegatedAdmin: false }, headers)).status).toBe(201);
  });

  it('50 concurrent creates with one key create exactly one offer, and all get its response', async () => {
    const { key, office, partner } = await readyPartner();
    const body = offerBody(office.officeId, { reference: 'RACE-1' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post('/v1/offers', key, body, { 'idempotency-key': 'race-key' })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses).toEqual(Array(50).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await writtenFor(partner.partnerId)).toBe(3);
  });

  it('frees a key in the very second its record expires: the service and the table agree', async () => {
    const { key, office, partner } = await readyPartner();
    const thisSecond = aWholeSecond() / 1000;
    await table.client.send(
      new PutCommand({
        TableName: table.name,
        Item: idempotencyToItem({
          partnerId: partner.partnerId,
          key: 'expiring-now',
          operation: 'create-offer',
          requestHash: 'a request from yesterday',
          statusCode: 201,
          responseBody: '{}',
          createdAt: new Date((thisSecond - 86_400) * 1000).toISOString(),
          expiresAtEpoch: thisSecond,
        }),
      }),
    );

    // Act: the last millisecond before that second, then its first.
    setClock(thisSecond * 1000 - 1);
    const before = await post('/v1/offers', key, offerBody(office.officeId), { 'idempotency-key': 'expiring-now' });
    setClock(thisSecond * 1000);
    const response = await post('/v1/offers', key, offerBody(office.officeId), { 'idempotency-key': 'expiring-now' });

    // Assert: still held by the old request (another body), then free.
    await expectProblem(before, 422, 'idempotency-key-reused');
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    const { Item } = await table.client.send(
      new GetCommand({
        TableName: table.name,
        Key: { PK: idempotencyKeys.pk(partner.partnerId), SK: idempotencyKeys.sk('expiring-now') },
        ConsistentRead: true,
      }),
    );
    expect(Item?.expiresAtEpoch).toBe(thisSecond + 86_400);
    expect(Item?.location).toBe(response.headers.get('location'));
  });
});

describe('reading, deactivating and isolation', () => {
  it('GET /v1/offers/{summaryId} returns the offer with counters and status; lower case and no hyphens work too', async () => {
    const { key, office } = await readyPartner();
    const created = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId)));
    const response = await get(`/v1/offers/${created.summaryId}`, key);
    expect(response.status).toBe(200);
    const { message: _message, ...view } = created;
    expect(await bodyOf(response)).toEqual(view);
    const loose = created.summaryId.toLowerCase().replaceAll('-', '');
    expect((await bodyOf(await get(`/v1/offers/${loose}`, key))).summaryId).toBe(created.summaryId);
  });

  it('answers another partner’s offer exactly like a missing or malformed one: 404 offer-not-found', async () => {
    const owner = await readyPartner();
    const created = await bodyOf(await post('/v1/offers', owner.key, offerBody(owner.office.officeId)));
    const intruder = await newPartner();
    const paths = (id: string) => [`/v1/offers/${id}`, `/v1/offers/${id}/message`, `/v1/offers/${id}/qr.svg`];
    const shapes = [];
    for (const id of [created.summaryId, '0000-0000-0000-0000-0000', 'not-a-summary-id']) {
      for (const path of paths(id)) {
        const response = await get(path, intruder.key);
        const problem = await expectProblem(response, 404, 'offer-not-found');
        shapes.push(Object.keys(problem).sort().join());
      }
      const deactivate = await post(`/v1/offers/${id}/deactivate`, intruder.key, {});
      await expectProblem(deactivate, 404, 'offer-not-found');
    }
    expect(new Set(shapes).size).toBe(1);
    // The intruder's list does not show it, and the owner's offer is untouched.
    expect((await bodyOf(await get('/v1/offers', intruder.key))).offers).toEqual([]);
    expect((await bodyOf(await get(`/v1/offers/${created.summaryId}`, owner.key))).status).toBe('active');
  });

  it('deactivates with an optional message shown to customers; deactivating again keeps the first time', async () => {
    const { key, office } = await readyPartner();
    const created = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId)));
    const first = await post(`/v1/offers/${created.summaryId}/deactivate`, key, { message: 'Prices changed; ask us.' });
    expect(first.status).toBe(200);
    const deactivated = await bodyOf(first);
    expect(deactivated).toMatchObject({ status: 'deactivated', deactivationMessage: 'Prices changed; ask us.' });

    // No body at all is fine too.
    const again = await fetch(`${api.baseUrl}/v1/offers/${created.summaryId}/deactivate`, {
      method: 'POST',
      headers: bearer(key),
    });
    expect(again.status).toBe(200);
    const second = await bodyOf(again);
    expect(second.deactivatedAt).toBe(deactivated.deactivatedAt);
    expect(second.deactivationMessage).toBe('Prices changed; ask us.');
    expect((await bodyOf(await get(`/v1/offers/${created.summaryId}`, key))).status).toBe('deactivated');
  });

  it('400 for a deactivation message over 500 characters or an unknown field', async () => {
    const { key, office } = await readyPartner();
    const created = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId)));
    await expectProblem(
      await post(`/v1/offers/${created.summaryId}/deactivate`, key, { message: 'x'.repeat(501) }),
      400,
      'invalid-request',
      'body.message',
    );
    await expectProblem(
      await post(`/v1/offers/${created.summaryId}/deactivate`, key, { reason: 'x' }),
      400,
      'invalid-request',
      'body.reason',
    );
    expect((await bodyOf(await get(`/v1/offers/${created.summaryId}`, key))).status).toBe('active');
  });

  it('derives status from timestamps: an offer is expired from its expiresAt on', async () => {
    // Arrange
    const { key, office } = await readyPartner();
    const createdAt = aWholeSecond();
    const expiresAt = new Date(createdAt + 1500).toISOString();
    setClock(createdAt);
    const created = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId, { expiresAt })));

    // Act
    setClock(createdAt + 1499);
    const justBefore = await bodyOf(await get(`/v1/offers/${created.summaryId}`, key));
    setClock(createdAt + 1500);
    const at = await bodyOf(await get(`/v1/offers/${created.summaryId}`, key));

    // Assert
    expect(created).toMatchObject({ status: 'active', expiresAt });
    expect(justBefore.status).toBe('active');
    expect(at.status).toBe('expired');
  });

  it('serves the offer URL as an SVG QR code', async () => {
    const { key, office } = await readyPartner();
    const created = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId)));
    const response = await get(`/v1/offers/${created.summaryId}/qr.svg`, key);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`<title>${created.url}</title>`);
    expect(svg).toContain('<path');
  });
});

describe('the offer message', () => {
  const DISCLOSURES = ['authorised-advisor', 'vendor-billing', 'contact', 'customer-controls-licenses'];
  const disclosuresIn = (html: string) => [...html.matchAll(/data-disclosure="([a-z-]+)"/g)].map((m) => m[1]);

  it.each([
    ['en', 'Before you accept', 'delegated administration', 'is an authorised advisor', 'Microsoft bills you'],
    ['pt-BR', 'Antes de aceitar', 'administração delegada', 'é um consultor autorizado', 'cobrança das assinaturas'],
  ])(
    'in %s: disclosures present, delegated-admin text only when offered',
    async (locale, heading, daText, advisor, billing) => {
      const { key, office } = await readyPartner();
      const withDa = await bodyOf(
        await post('/v1/offers', key, offerBody(office.officeId, { locale, delegatedAdmin: true })),
      );
      const withoutDa = await bodyOf(
        await post('/v1/offers', key, offerBody(office.officeId, { locale, delegatedAdmin: false })),
      );
      for (const offer of [withDa, withoutDa]) {
        expect(offer.message.locale).toBe(locale);
        for (const part of [offer.message.text, offer.message.html]) {
          expect(part).toContain(heading);
          expect(part).toContain(advisor);
          expect(part).toContain(billing);
          expect(part).toContain('pat@fabrikam.example');
          expect(part).toContain(offer.url);
          expect(part).toContain(offer.summaryId);
        }
        expect(offer.message.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}">`));
      }
      expect(disclosuresIn(withDa.message.html)).toEqual([...DISCLOSURES, 'delegated-admin']);
      expect(disclosuresIn(withoutDa.message.html)).toEqual(DISCLOSURES);
      expect(withDa.message.text).toContain(daText);
      expect(withoutDa.message.text).not.toContain(daText);
      expect(withoutDa.message.html).not.toContain(daText);
    },
  );

  it('escapes every partner-supplied string in the HTML', async () => {
    // The profile's logo comes from ops, not from the create request's validation: the last line of
    // defence for it is the escaping.
    const { key, office } = await readyPartner({
      name: 'Evil <b>Partners</b> & Co',
      logoUrl: 'https://evil.example/logo.png?"><script>alert(2)</script>',
    });
    const custom = {
      intro: '<script>alert("intro")</script>',
      closing: '<img src=x onerror=alert(1)>',
      contact: { name: '<i>Mallory</i>', email: 'mallory@evil.example' },
    };
    const offer = await bodyOf(await post('/v1/offers', key, offerBody(office.officeId, { customization: custom })));
    const { html, text, subject } = offer.message;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>Partners');
    expect(html).not.toContain('<i>Mallory');
    expect(html).toContain('&lt;script&gt;alert(&quot;intro&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('src="https://evil.example/logo.png?&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(html).toContain('Evil &lt;b&gt;Partners&lt;/b&gt; &amp; Co');
    // The text version is plain text: shown as written, never interpreted.
    expect(text).toContain('<script>alert("intro")</script>');
    expect(subject).toContain('Evil <b>Partners</b> & Co');
    // The customization contact replaces the profile contact in what the customer reads.
    expect(text).toContain('mallory@evil.example');
    expect(text).not.toContain('pat@fabrikam.example');
  });

  it('stores a customization logo with quotes percent-encoded, so it cannot leave its attribute', async () => {
    const { key, office } = await readyPartner();
    const logoUrl = 'https://evil.example/logo.png?"><script>alert(2)</script>';
    const offer = await bodyOf(
      await post('/v1/offers', key, offerBody(office.officeId, { customization: { logoUrl } })),
    );
    expect(offer.customization.logoUrl).toBe('https://evil.example/logo.png?%22%3E%3Cscript%3Ealert(2)%3C/script%3E');
    expect(offer.message.html).toContain(`src="${offer.customization.logoUrl}"`);
  });

  it('GET …/message renders it again in either locale, defaulting to the offer’s', async () => {
    const { key, office } = await readyPartner();
    const created = await bodyOf(
      await post('/v1/offers', key, offerBody(office.officeId, { locale: 'pt-BR', delegatedAdmin: true })),
    );
    const again = await get(`/v1/offers/${created.summaryId}/message`, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('content-language')).toBe('pt-BR');
    const ptMessage = await bodyOf(again);
    expect(ptMessage).toEqual({ summaryId: created.summaryId, ...created.message });

    const en = await bodyOf(await get(`/v1/offers/${created.summaryId}/message?locale=en`, key));
    expect(en.locale).toBe('en');
    expect(en.subject).toContain('your purchase offer');
    expect(en.text).toContain('delegated administration');
    expect(en.text).toContain('Microsoft 365 Business Standard: 10 licenses');

    const bad = await get(`/v1/offers/${created.summaryId}/message?locale=fr`, key);
    await expectProblem(bad, 400, 'invalid-request', 'query.locale');
  });
});
