import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { LocalDirectory } from '../../infra/local/directory.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { offerKeys } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import { DIRECTORY_CREDENTIAL, startDirectory } from './office-fixtures.ts';

/**
 * The input rules of shared/schemas (text, email, null as absent, number ranges) and of the HTTP
 * layer (capped problem documents, repeated query parameters), through the local gateway, the real
 * handlers and DynamoDB Local; what is stored is read back from the table.
 */

let api: Awaited<ReturnType<typeof startLocalApi>>;
let directory: LocalDirectory;
beforeAll(async () => {
  directory = await startDirectory();
  process.env.DIRECTORY_BASE_URL = directory.baseUrl;
  process.env.DIRECTORY_CREDENTIAL = DIRECTORY_CREDENTIAL;
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  await directory.close();
});

const PROBLEM = 'urn:purchase-offers:problem:';
type Json = Record<string, unknown>;

function post(path: string, key: string, body: unknown) {
  return fetch(api.baseUrl + path, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const get = (path: string, key: string) => fetch(api.baseUrl + path, { headers: bearer(key) });

async function readyPartner() {
  const { partner, key } = await newPartner();
  const office = await seedOffice(partner.partnerId);
  return { partner, key, office };
}

function offerBody(officeId: string, overrides: Json = {}): Json {
  return {
    officeId,
    usageLocation: 'BR',
    items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
    ...overrides,
  };
}

async function storedOffer(summaryId: string): Promise<Record<string, unknown>> {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`offer ${summaryId} is not stored`);
  return Item;
}

/** Every offer of the partner (GSI1): to prove a rejected create wrote nothing. */
async function offersOf(key: string): Promise<unknown[]> {
  return (await bodyOf(await get('/v1/offers', key))).offers;
}

const contact = (fields: Json) => ({
  customization: { contact: { name: 'Ana', email: 'ana@example.com', ...fields } },
});

describe('partner text and email rules (POST /v1/offers)', () => {
  it.each([
    ['a Cyrillic domain (Unicode)', 'ana@пример.рф', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['a Cyrillic domain (punycode, as browsers submit it)', 'ana@xn--e1afmkfd.xn--p1ai', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['a German domain with an umlaut, in capitals', 'Marta@BÜCHEREI.de', 'Marta@xn--bcherei-n2a.de'],
    ['a 64-octet local part', `${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
  ])('takes %s and stores its canonical form', async (_label, email, stored) => {
    const { key, office } = await readyPartner();
    const response = await post('/v1/offers', key, offerBody(office.officeId, contact({ email })));
    expect(response.status).toBe(201);
    const { summaryId } = await bodyOf(response);
    const item = await storedOffer(summaryId);
    expect(item.customization).toEqual({ contact: { name: 'Ana', email: stored } });
  });

  it.each([
    ['a 70-character local part', `${'a'.repeat(70)}@example.com`, 'email_local_part_too_long'],
    ['a local part of 33 two-octet letters (66 octets)', `${'é'.repeat(33)}@example.com`, 'email_local_part_too_long'],
    [
      'an address over 254 octets',
      `ana@${Array.from({ length: 5 }, () => 'd'.repeat(60)).join('.')}.com`,
      'email_too_long',
    ],
    ['a domain with no top-level domain', 'ana@localhost', 'format:email'],
    ['a zero-width space in the domain', 'ana@exa\u200bmple.com', 'format:email'],
  ])('refuses %s, naming the rule', async (_label, email, rule) => {
    const { key, office } = await readyPartner();
    const response = await post('/v1/offers', key, offerBody(office.officeId, contact({ email })));
    expect(response.status).toBe(400);
    const problem = await bodyOf(response);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'body.customization.contact.email', rule })]);
    expect(await offersOf(key)).toHaveLength(0);
  });

  it.each([
    [
      'a contact name of one zero-width space',
      contact({ name: '\u200b' }),
      'body.customization.contact.name',
      'no_invisible_characters',
    ],
    [
      'a contact name of one Hangul filler',
      contact({ name: '\u3164' }),
      'body.customization.contact.name',
      'no_invisible_characters',
    ],
    [
      'a contact name of braille blanks',
      contact({ name: '\u2800\u2800' }),
      'body.customization.contact.name',
      'no_invisible_characters',
    ],
    ['a contact name of dots', contact({ name: '...' }), 'body.customization.contact.name', 'needs_letter_or_digit'],
    [
      'an intro with a lone surrogate',
      { customization: { intro: 'Hi \ud800 there' } },
      'body.customization.intro',
      'well_formed_unicode',
    ],
    [
      'an intro of a word joiner',
      { customization: { intro: '\u2060' } },
      'body.customization.intro',
      'no_invisible_characters',
    ],
  ])('refuses %s', async (_label, overrides, field, rule) => {
    const { key, office } = await readyPartner();
    const response = await post('/v1/offers', key, offerBody(office.officeId, overrides));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([expect.objectContaining({ field, rule })]);
    expect(await offersOf(key)).toHaveLength(0);
  });

  it('stores text NFC-normalised: a decomposed "Ação" is stored composed', async () => {
    const { key, office } = await readyPartner();
    const decomposed = 'Ac\u0327a\u0303o';
    const response = await post(
      '/v1/offers',
      key,
      offerBody(office.officeId, {
        customization: {
          intro: `Proposta ${decomposed}`,
          contact: { name: ` ${decomposed} `, email: 'ana@example.com' },
        },
      }),
    );
    expect(response.status).toBe(201);
    const item = await storedOffer((await bodyOf(response)).summaryId);
    expect(item.customization).toEqual({
      intro: 'Proposta A\u00e7\u00e3o',
      contact: { name: 'A\u00e7\u00e3o', email: 'ana@example.com' },
    });
  });
});

describe('null for optional create fields', () => {
  it('treats null optional fields as absent (defaults apply) and stores none of them', async () => {
    const { key, office } = await readyPartner();
    const response = await post(
      '/v1/offers',
      key,
      offerBody(office.officeId, {
        delegatedAdmin: null,
        locale: null,
        expiresAt: null,
        maxAcceptances: null,
        reference: null,
        customization: {
          logoUrl: null,
          intro: null,
          closing: null,
          contact: { name: 'Ana', email: 'ana@example.com', phone: null },
        },
      }),
    );
    expect(response.status).toBe(201);
    const offer = await bodyOf(response);
    expect(offer).toMatchObject({ delegatedAdmin: false, locale: 'en', status: 'active' });
    const item = await storedOffer(offer.summaryId);
    for (const field of ['expiresAt', 'maxAcceptances', 'reference']) expect(item).not.toHaveProperty(field);
    expect(item.customization).toEqual({ contact: { name: 'Ana', email: 'ana@example.com' } });
  });

  it('takes a null customization as no customization', async () => {
    const { key, office } = await readyPartner();
    const response = await post('/v1/offers', key, offerBody(office.officeId, { customization: null }));
    expect(response.status).toBe(201);
    expect((await storedOffer((await bodyOf(response)).summaryId)).customization).toEqual({});
  });

  it.each([
    ['officeId', (officeId: string) => offerBody(officeId, { officeId: null }), 'body.officeId'],
    ['usageLocation', (officeId: string) => offerBody(officeId, { usageLocation: null }), 'body.usageLocation'],
    ['items', (officeId: string) => offerBody(officeId, { items: null }), 'body.items'],
    [
      'contact.email',
      (officeId: string) => offerBody(officeId, contact({ email: null })),
      'body.customization.contact.email',
    ],
  ])('still refuses a required field (%s) sent as null: 400 invalid_type', async (_label, body, field) => {
    const { key, office } = await readyPartner();
    const response = await post('/v1/offers', key, body(office.officeId));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([expect.objectContaining({ field, rule: 'invalid_type' })]);
    expect(await offersOf(key)).toHaveLength(0);
  });
});

describe('numbers out of range', () => {
  it.each([
    ['1e308', '1e308'],
    ['1e400 (beyond a double)', '1e400'],
    ['-1e308', '-1e308'],
    ['301', '301'],
  ])('licenses %s: 422 licenses_out_of_range naming the SKU’s range', async (_label, licenses) => {
    const { key, office } = await readyPartner();
    const raw = JSON.stringify(offerBody(office.officeId)).replace('"licenses":10', `"licenses":${licenses}`);
    const response = await post('/v1/offers', key, raw);
    expect(response.status).toBe(422);
    const problem = await bodyOf(response);
    expect(problem.type).toBe(`${PROBLEM}licenses-out-of-range`);
    expect(problem.errors).toEqual([
      {
        field: 'body.items[0].licenses',
        rule: 'licenses_out_of_range',
        message: 'must be between 1 and 300 for Microsoft 365 Business Standard',
      },
    ]);
    expect(JSON.stringify(problem)).not.toContain('9007199254740991');
  });

  it('maxAcceptances 1e308: 400 naming its own maximum', async () => {
    const { key, office } = await readyPartner();
    const raw = JSON.stringify(offerBody(office.officeId, { maxAcceptances: 5 })).replace(
      '"maxAcceptances":5',
      '"maxAcceptances":1e308',
    );
    const response = await post('/v1/offers', key, raw);
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([
      { field: 'body.maxAcceptances', rule: 'too_big', message: 'must be at most 100000' },
    ]);
  });

  it('limit=99999999999: 400 naming the list’s maximum, not "must be a whole number"', async () => {
    const { key } = await newPartner();
    const response = await get('/v1/offers?limit=99999999999', key);
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([
      { field: 'query.limit', rule: 'too_big', message: 'must be at most 100' },
    ]);
  });
});

describe('problem documents are capped', () => {
  it('answers a 59 KB body of 6,000 unknown keys with the first 20 errors and the count of the rest', async () => {
    const { key, office } = await readyPartner();
    const body: Json = offerBody(office.officeId);
    for (let i = 0; i < 6000; i++) body[`k${String(i).padStart(4, '0')}`] = 1;
    const raw = JSON.stringify(body);
    expect(raw.length).toBeGreaterThan(55_000);

    const response = await post('/v1/offers', key, raw);

    expect(response.status).toBe(400);
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBeLessThan(4096);
    const problem = JSON.parse(text);
    expect(problem.errors).toHaveLength(20);
    expect(problem.errors[0]).toEqual({
      field: 'body.k0000',
      rule: 'unrecognized_key',
      message: 'is not a recognised field',
    });
    expect(problem.errorsOmitted).toBe(5980);
    expect(await offersOf(key)).toHaveLength(0);
  });

  it('cuts an unknown key as long as the body to a short field name', async () => {
    const { key, office } = await readyPartner();
    const long = 'x'.repeat(50_000);
    const response = await post('/v1/offers', key, offerBody(office.officeId, { [long]: 1 }));
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
    expect(JSON.parse(text).errors).toEqual([
      expect.objectContaining({ field: `body.${'x'.repeat(195)}…`, rule: 'unrecognized_key' }),
    ]);
  });
});

describe('repeated query parameters', () => {
  it('answers ?limit=5&limit=6 with rule "repeated" naming query.limit (API Gateway joins them as "5,6")', async () => {
    const { key } = await newPartner();
    const response = await get('/v1/offers?limit=5&limit=6', key);
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([
      { field: 'query.limit', rule: 'repeated', message: 'must be given once' },
    ]);
  });

  it('reports each repeated parameter once, beside the other errors of the query', async () => {
    const { key } = await newPartner();
    const response = await get('/v1/offers?status=active&status=active&limit=0&status=expired', key);
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual([
      { field: 'query.status', rule: 'repeated', message: 'must be given once' },
      expect.objectContaining({ field: 'query.limit', rule: 'too_small' }),
    ]);
  });
});

describe('unknown query parameters', () => {
  // A misspelt parameter (`cursr`, `activ`) would otherwise be dropped silently: the first page,
  // every office, the default locale.
  it.each([
    ['GET /v1/catalog', () => '/v1/catalog?usageLocation=BR&lang=pt-BR', 'query.lang'],
    ['GET /v1/offices', () => '/v1/offices?activ=true', 'query.activ'],
    ['GET /v1/offers/{summaryId}/acceptances', (id: string) => `/v1/offers/${id}/acceptances?cursr=x`, 'query.cursr'],
    [
      'GET …/deliveries',
      (_id: string, endpoint: string) => `/v1/webhook-endpoints/${endpoint}/deliveries?limt=5`,
      'query.limt',
    ],
  ])('%s answers one with a 400 naming it', async (_route, path, field) => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    const endpoint = await bodyOf(
      await fetch(`${api.baseUrl}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://93.184.215.14/hooks', events: ['offer.accepted'] }),
      }),
    );

    const response = await get(path(offer.summaryId, endpoint.endpointId), key);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await bodyOf(response)).errors).toEqual([
      { field, rule: 'unrecognized_key', message: 'is not a recognised field' },
    ]);
  });
});

describe('the customer form', () => {
  const acceptances = new DynamoCustomerResponseStore(table);
  const customer = () => customerAt(api.baseUrl);
  const accept = async (offer: Offer, fields: Record<string, string>) =>
    customer().post(offer, 'accept', acceptFields(await customer().openForm(offer), fields));
  const stored = async (offer: Offer) =>
    (await acceptances.listAcceptances(offer.summaryId, { limit: 10 })).acceptances;

  it.each([
    ['ana@пример.рф', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['ana@xn--e1afmkfd.xn--p1ai', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['marta@bücherei.de', 'marta@xn--bcherei-n2a.de'],
  ])('accepts %s and stores %s', async (email, canonical) => {
    const offer = await seedOffer();
    const response = await accept(offer, { email });
    expect(response.status).toBe(303);
    expect((await stored(offer)).map((a) => a.email)).toEqual([canonical]);
  });

  it('stores names NFC-normalised and trimmed', async () => {
    const offer = await seedOffer();
    const response = await accept(offer, {
      company: ' Construc\u0327a\u0303o Ltda ',
      firstName: ' Joa\u0303o ',
      lastName: 'Conceic\u0327a\u0303o',
    });
    expect(response.status).toBe(303);
    expect(await stored(offer)).toEqual([
      expect.objectContaining({
        companyName: 'Construção Ltda',
        firstName: 'João',
        lastName: 'Conceição',
        contactName: 'João Conceição',
      }),
    ]);
  });

  it.each([
    ['email', `${'a'.repeat(70)}@example.com`, 'Use at most 64 characters before the @'],
    ['email', 'ana@exa\u200bmple.com', 'Enter an email address such as name@example.com.'],
    ['company', '\u200b', 'Remove the hidden characters'],
    ['company', '\ufeff\u200b\u2060', 'Remove the hidden characters'],
    ['firstName', '\u3164', 'Remove the hidden characters'],
    ['lastName', '\u115f\u1160', 'Remove the hidden characters'],
    ['lastName', '---', 'Use at least one letter or digit.'],
    ['jobTitle', '\u200b', 'Remove the hidden characters'],
    ['purchaseOrder', '---', 'Use at least one letter or digit.'],
    ['phone', 'call me', 'Enter a phone number: digits, spaces, ( ) . - and an optional leading +.'],
  ])('refuses %s=%j with the message next to the field, recording nothing', async (field, value, message) => {
    const offer = await seedOffer();
    const response = await accept(offer, { [field]: value });
    expect(response.status).toBe(422);
    const page = await response.text();
    const ids: Record<string, string> = {
      firstName: 'first-name',
      lastName: 'last-name',
      jobTitle: 'job-title',
      purchaseOrder: 'purchase-order',
    };
    const id = ids[field] ?? field;
    expect(page).toContain(`<p class="error" id="${id}-error">${message}`);
    expect(await stored(offer)).toHaveLength(0);
  });
});

describe('GET /v1/offices lastSyncedAt', () => {
  const scheduledRun = async () => {
    const { handler } = (await import('../../functions/office-sync/handler.ts')) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    await handler({ trigger: 'schedule' }, { getRemainingTimeInMillis: () => 60_000 } as Context);
  };

  it('is null for a partner never synced, even after a successful scheduled run', async () => {
    await scheduledRun();
    const { key } = await newPartner();
    const body = await bodyOf(await get('/v1/offices', key));
    expect(body).toEqual({ offices: [], lastSyncedAt: null });
  });

  it('is the last scheduled run once the partner has offices stored', async () => {
    const { partner, key } = await newPartner();
    await seedOffice(partner.partnerId, { lastSyncedAt: '2026-01-01T00:00:00.000Z' });
    const before = new Date().toISOString();
    await scheduledRun();
    const body = await bodyOf(await get('/v1/offices', key));
    expect(body.lastSyncedAt >= before).toBe(true);
  });
});
