import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { reviseFormValues } from '../../functions/console/offer-views.ts';
import { acceptanceToItem, declineToItem } from '../../shared/db/customer-responses.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { type ConsoleBrowser, consoleGet, consolePost, signInToConsole } from '../support/console.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

const offers = new DynamoOfferStore(table);

/** A partner with one active BR office, signed in to the console. */
async function signedInPartner() {
  const { partner, key } = await newPartner();
  const office = await seedOffice(partner.partnerId);
  const browser = await signInToConsole(api.baseUrl, key);
  return { partner, key, office, browser };
}

/** An offer made through the partner API (the real create), as the store reads it back. */
async function createOffer(key: string, officeId: string, overrides: Record<string, unknown> = {}): Promise<Offer> {
  const response = await fetch(`${api.baseUrl}/v1/offers`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({
      officeId,
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
      locale: 'en',
      ...overrides,
    }),
  });
  expect(response.status).toBe(201);
  const { summaryId } = (await bodyOf(response)) as { summaryId: string };
  const offer = await offers.get(summaryId);
  if (!offer) throw new Error('the created offer is not in the table');
  return offer;
}

const page = (path: string, browser: ConsoleBrowser) => consoleGet(api.baseUrl, path, browser.cookie);

/** The revise form as a browser posts it: the prefilled values with `changes`, the session token and a key. */
function reviseFields(offer: Offer, browser: ConsoleBrowser, changes: Record<string, string>): Record<string, string> {
  return {
    ...reviseFormValues(offer),
    shownLocation: offer.usageLocation,
    idempotencyKey: `console-test-${offer.summaryId}`,
    action: 'create',
    csrf: browser.csrfToken,
    ...changes,
  };
}

describe('the console offers list', () => {
  it('lists the partner’s own offers, each linking to its offer page, and no other partner’s', async () => {
    const { key, office, browser } = await signedInPartner();
    const mine = await createOffer(key, office.officeId, { reference: 'CRM-1' });
    const other = await newPartner();
    const theirs = await createOffer(other.key, (await seedOffice(other.partner.partnerId)).officeId);

    // As the filter form sends it with "All statuses" and no page size.
    const response = await page('/console/offers?status=&limit=', browser);

    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`<a href="/console/offers/${mine.summaryId}">${mine.summaryId}</a>`);
    expect(body).toContain('<td>CRM-1</td>');
    expect(body).not.toContain(theirs.summaryId);
  });

  it('answers a bad filter with the partner API’s rule next to the field, and lists nothing', async () => {
    const { key, office, browser } = await signedInPartner();
    await createOffer(key, office.officeId);
    const apiAnswer = await bodyOf(await fetch(`${api.baseUrl}/v1/offers?limit=101`, { headers: bearer(key) }));

    const response = await page('/console/offers?limit=101&lang=pt-BR', browser);

    expect(response.status).toBe(400);
    const body = await response.text();
    expect(apiAnswer.errors).toEqual([expect.objectContaining({ field: 'query.limit', rule: 'too_big' })]);
    expect(body).toContain(
      '<p class="error" id="limit-error" data-rule="too_big">Informe um número inteiro de 1 a 100.</p>',
    );
    expect(body).not.toContain('<tbody>');
  });

  it('filters on the status as the API does and pages with its cursor', async () => {
    const { key, office, browser } = await signedInPartner();
    const first = await createOffer(key, office.officeId);
    const second = await createOffer(key, office.officeId);
    const third = await createOffer(key, office.officeId);
    await consolePost(api.baseUrl, `/console/offers/${second.summaryId}/deactivate`, browser, {
      csrf: browser.csrfToken,
    });

    const active = await (await page('/console/offers?status=active&limit=1', browser)).text();
    const next = /href="(\/console\/offers\?status=active&amp;limit=1&amp;cursor=[^"]+)" rel="next"/.exec(active)?.[1];
    const rest = await (await page((next ?? '').replaceAll('&amp;', '&'), browser)).text();

    expect(active).toContain(third.summaryId);
    expect(active).not.toContain(first.summaryId);
    expect(rest).toContain(first.summaryId);
    expect(`${active}${rest}`).not.toContain(second.summaryId);
  });
});

describe('the console offer page', () => {
  it('shows the counters and each acceptance and decline with its reason, escaped', async () => {
    const { partner, browser } = await signedInPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId, acceptances: 1, declines: 1 });
    const put = (Item: Record<string, unknown>) => table.client.send(new PutCommand({ TableName: table.name, Item }));
    await put({
      ...acceptanceToItem(
        {
          summaryId: offer.summaryId,
          submissionId: 'mhx0000000AAAAAAAAAAAAAAAAAAAAAA',
          companyName: 'Contoso <b>Ltd</b>',
          contactName: 'Ana Lima',
          email: 'ana@contoso.example',
          items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 8 }],
          delegatedAdmin: false,
          acceptedAt: '2026-11-19T15:00:00.000Z',
        },
        partner.partnerId,
      ),
    });
    await put({
      ...declineToItem(
        {
          summaryId: offer.summaryId,
          submissionId: 'mhx0000000BBBBBBBBBBBBBBBBBBBBBB',
          reason: 'We chose <another> vendor',
          declinedAt: '2026-11-19T16:00:00.000Z',
        },
        partner.partnerId,
      ),
    });

    const response = await page(`/console/offers/${offer.summaryId}`, browser);

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).toContain('<dd data-counter="acceptances">1</dd>');
    expect(body).toContain('<dd data-counter="declines">1</dd>');
    expect(body).toContain('Contoso &lt;b&gt;Ltd&lt;/b&gt;');
    expect(body).toContain('Microsoft 365 Business Standard: 8');
    expect(body).toContain('<td>We chose &lt;another&gt; vendor</td>');
  });

  it('answers another partner’s offer, an unknown one and a malformed ID with the same 404 page on every route', async () => {
    const { browser } = await signedInPartner();
    const other = await newPartner();
    const theirs = await createOffer(other.key, (await seedOffice(other.partner.partnerId)).officeId);
    const ids = [theirs.summaryId, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'not-an-id'];

    for (const id of ids) {
      for (const path of ['', '/qr.svg', '/message.html', '/revise']) {
        const response = await page(`/console/offers/${id}${path}`, browser);
        expect([id, path, response.status]).toEqual([id, path, 404]);
        expect(await response.text()).toContain('<h1>Offer not found</h1>');
      }
      for (const path of ['/deactivate', '/revise']) {
        const response = await consolePost(api.baseUrl, `/console/offers/${id}${path}`, browser, {
          csrf: browser.csrfToken,
        });
        expect([id, path, response.status]).toEqual([id, path, 404]);
      }
    }
    expect((await offers.get(theirs.summaryId))?.deactivatedAt).toBeUndefined();
  });

  it('serves the QR code of the offer link as SVG, never cached, under its own CSP', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);

    const response = await page(`/console/offers/${offer.summaryId}/qr.svg`, browser);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const svg = await response.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`/o/${offer.summaryId}</title>`);
  });

  it('serves the message’s HTML in the language asked for, sandboxed', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId, { locale: 'en' });

    const response = await page(`/console/offers/${offer.summaryId}/message.html?locale=pt-BR`, browser);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(
      /^sandbox; default-src 'none'; style-src 'unsafe-inline'/,
    );
    expect(response.headers.get('content-language')).toBe('pt-BR');
    const body = await response.text();
    expect(body).toMatch(/^<!doctype html>/i);
    expect(body).toContain('lang="pt-BR"');
  });

  it('deactivates the offer with the message to customers, then shows the notice', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);

    const response = await consolePost(api.baseUrl, `/console/offers/${offer.summaryId}/deactivate`, browser, {
      csrf: browser.csrfToken,
      message: 'Prices change on Monday; ask us for a new offer.',
    });

    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toBe(`/console/offers/${offer.summaryId}?notice=deactivated`);
    const shown = await (await page(location, browser)).text();
    expect(shown).toContain('<div class="notice" role="status">The offer was deactivated.');
    expect(shown).toContain('<strong data-status="deactivated">Deactivated</strong>');
    const viaApi = await bodyOf(await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}`, { headers: bearer(key) }));
    expect(viaApi).toMatchObject({
      status: 'deactivated',
      deactivationMessage: 'Prices change on Monday; ask us for a new offer.',
    });
  });

  it('shows a deactivation message that breaks the API’s rule next to its field and deactivates nothing', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);

    const response = await consolePost(api.baseUrl, `/console/offers/${offer.summaryId}/deactivate`, browser, {
      csrf: browser.csrfToken,
      message: 'x'.repeat(501),
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<p class="error" id="message-error" data-rule="too_big">');
    expect((await offers.get(offer.summaryId))?.deactivatedAt).toBeUndefined();
  });

  it('refuses a deactivation posted without the session’s CSRF token', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);

    const response = await consolePost(api.baseUrl, `/console/offers/${offer.summaryId}/deactivate`, browser, {
      message: 'No token',
    });

    expect(response.status).toBe(403);
    expect((await offers.get(offer.summaryId))?.deactivatedAt).toBeUndefined();
  });
});

describe('revising from the console', () => {
  it('prefills the form from the offer', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId, { items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 17 }] });

    const response = await page(`/console/offers/${offer.summaryId}/revise`, browser);

    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`action="/console/offers/${offer.summaryId}/revise"`);
    expect(body).toMatch(/name="licenses\.M365_BUSINESS_STANDARD"[^>]* value="17"/);
    expect(body).toMatch(
      /id="include-M365_BUSINESS_STANDARD" name="include\.M365_BUSINESS_STANDARD" value="yes" checked/,
    );
  });

  it('shows a license count out of range next to its field and changes nothing', async () => {
    const { partner, key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '301' }),
    );

    expect(response.status).toBe(422);
    const body = await response.text();
    expect(body).toMatch(/<p class="error" id="licenses-M365_BUSINESS_STANDARD-error">[^<]*300/);
    expect(body).toContain('href="#licenses-M365_BUSINESS_STANDARD"');
    expect(body).toMatch(/name="licenses\.M365_BUSINESS_STANDARD"[^>]* value="301"/);
    expect((await offers.get(offer.summaryId))?.revisedBy).toBeUndefined();
    const listed = await offers.listForPartner(partner.partnerId, { limit: 10, now: new Date() });
    expect(listed.offers.map((o) => o.summaryId)).toEqual([offer.summaryId]);
  });

  it('makes the revision through the API’s service and continues to its send page; the old offer is replaced', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId, { reference: 'CRM-9' });

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '15' }),
    );

    expect(response.status).toBe(303);
    const newId = /^\/console\/offers\/([^/]+)\/send$/.exec(response.headers.get('location') ?? '')?.[1] ?? '';
    const revision = await offers.get(newId);
    expect(revision).toMatchObject({ revisionOf: offer.summaryId, reference: 'CRM-9' });
    expect(revision?.items).toEqual([expect.objectContaining({ sku: 'M365_BUSINESS_STANDARD', licenses: 15 })]);
    const old = await offers.get(offer.summaryId);
    expect(old?.revisedBy).toBe(newId);
    expect(old?.deactivatedAt).toBeDefined();
  });

  it('shows a partner with 100 customers or more why it cannot revise, on the form and on submit, and changes nothing', async () => {
    const { partner, key } = await newPartner({ customerCount: 100 });
    const office = await seedOffice(partner.partnerId);
    const browser = await signInToConsole(api.baseUrl, key);
    const offer = await seedOffer({
      partnerId: partner.partnerId,
      officeId: office.officeId,
      officeName: office.name,
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
    });

    const form = await page(`/console/offers/${offer.summaryId}/revise?lang=pt-BR`, browser);
    const post = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '12' }),
    );

    expect(form.status).toBe(403);
    const formBody = await form.text();
    expect(formBody).toContain('As ofertas de compra são para parceiros que gerenciam menos de 100 clientes');
    expect(formBody).not.toContain('name="idempotencyKey"');
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('Purchase offers are for partners that manage fewer than 100 customers');
    expect((await offers.get(offer.summaryId))?.revisedBy).toBeUndefined();
  });

  it('turns "customer agreement required" off when the box is unticked', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId, { requireCustomerAgreement: true });
    expect(reviseFormValues(offer).requireCustomerAgreement).toBe('yes');

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      // An unticked checkbox is not posted at all.
      reviseFields(offer, browser, { requireCustomerAgreement: '' }),
    );

    expect(response.status).toBe(303);
    const newId = /^\/console\/offers\/([^/]+)\/send$/.exec(response.headers.get('location') ?? '')?.[1] ?? '';
    expect((await offers.get(newId))?.requireCustomerAgreement).toBe(false);
  });

  it('refuses a US license count too large to price next to its field, without a 500, and changes nothing', async () => {
    const { partner, key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);
    const huge = {
      usageLocation: 'US',
      shownLocation: 'US',
      'include.M365_BUSINESS_STANDARD': '',
      'include.M365_BUSINESS_BASIC': 'yes',
      'licenses.M365_BUSINESS_BASIC': '9999999999999',
      'term.M365_BUSINESS_BASIC': 'P1Y/annual',
    };

    const chose = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { ...huge, action: 'choose' }),
    );
    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, huge),
    );

    expect(chose.status).toBe(200);
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(
      /<p class="error" id="licenses-M365_BUSINESS_BASIC-error">[^<]*must be from 1/,
    );
    expect((await offers.get(offer.summaryId))?.revisedBy).toBeUndefined();
    const listed = await offers.listForPartner(partner.partnerId, { limit: 10, now: new Date() });
    expect(listed.offers.map((o) => o.summaryId)).toEqual([offer.summaryId]);
  });

  it('shows the expiry rule next to the expiry date when the offer’s own expiry has passed', async () => {
    const { partner, office, browser } = await signedInPartner();
    const offer = await seedOffer({
      partnerId: partner.partnerId,
      officeId: office.officeId,
      officeName: office.name,
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '12' }),
    );

    expect(response.status).toBe(422);
    const body = await response.text();
    expect(body).toContain('<p class="error" id="expiresOn-error">');
    expect(body).toContain('href="#expiresOn"');
    expect((await offers.get(offer.summaryId))?.revisedBy).toBeUndefined();
  });

  it('says so when the offer was revised elsewhere since the form was shown, and makes no second revision', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);
    const viaApi = await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/revise`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 9 }] }),
    });
    const { summaryId: revisedBy } = (await bodyOf(viaApi)) as { summaryId: string };

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/revise`,
      browser,
      reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '12' }),
    );

    expect(response.status).toBe(409);
    expect(await response.text()).toContain(`Offer ${offer.summaryId} was already revised.`);
    expect((await offers.get(offer.summaryId))?.revisedBy).toBe(revisedBy);
  });

  it('answers a double submit of the same form with the same revision', async () => {
    const { key, office, browser } = await signedInPartner();
    const offer = await createOffer(key, office.officeId);
    const fields = reviseFields(offer, browser, { 'licenses.M365_BUSINESS_STANDARD': '11' });

    const first = await consolePost(api.baseUrl, `/console/offers/${offer.summaryId}/revise`, browser, fields);
    const second = await consolePost(api.baseUrl, `/console/offers/${offer.summaryId}/revise`, browser, fields);

    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
  });
});
