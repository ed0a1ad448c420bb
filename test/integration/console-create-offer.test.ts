import type { LocalDirectory } from '../../infra/local/directory.ts';
import { localPartnerSyncInvoker } from '../../infra/local/lambda-invoke.ts';
import { findSubscription } from '../../shared/catalog/catalog.ts';
import { setLocalPartnerSyncInvoker } from '../../shared/lambda/office-sync-request.ts';
import { type ConsoleBrowser, consoleGet, consolePost, signInToConsole } from '../support/console.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi } from '../support/local-api.ts';
import { DIRECTORY_CREDENTIAL, office, startDirectory } from './office-fixtures.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
let directory: LocalDirectory;

beforeAll(async () => {
  directory = await startDirectory();
  // The office sync handler reads these when it is first loaded (by the console's sync now).
  process.env.DIRECTORY_BASE_URL = directory.baseUrl;
  process.env.DIRECTORY_CREDENTIAL = DIRECTORY_CREDENTIAL;
  process.env.DIRECTORY_TIMEOUT_MS = '500';
  // As npm start does: the console's Lambda Invoke of the office sync, in process.
  setLocalPartnerSyncInvoker(localPartnerSyncInvoker());
  api = await startLocalApi();
});
afterAll(async () => {
  setLocalPartnerSyncInvoker(undefined);
  await api.close();
  await directory.close();
});

const STANDARD = 'M365_BUSINESS_STANDARD';
const standardMax = findSubscription(STANDARD)?.maxLicenses ?? 0;
const DAY_MS = 86_400_000;
const BASIC = 'M365_BUSINESS_BASIC';
const basicMax = findSubscription(BASIC)?.maxLicenses ?? 0;
/** A US form (listed prices) with a 13-digit license count: far past any subscription's maximum. */
const US_HUGE_COUNT: Record<string, string> = {
  usageLocation: 'US',
  shownLocation: 'US',
  [`include.${STANDARD}`]: '',
  [`include.${BASIC}`]: 'yes',
  [`licenses.${BASIC}`]: '9999999999999',
  [`term.${BASIC}`]: 'P1Y/annual',
};

/** A partner with one active BR office, signed in to the console. */
async function signedInPartner(overrides: Parameters<typeof newPartner>[0] = {}) {
  const { partner, key } = await newPartner(overrides);
  const seeded = await seedOffice(partner.partnerId);
  const browser = await signInToConsole(api.baseUrl, key);
  return { partner, key, office: seeded, browser };
}

/** The create form as a browser posts it: one subscription ticked, the rest as a partner fills it in. */
function createFields(browser: ConsoleBrowser, officeId: string, changes: Record<string, string> = {}) {
  return {
    csrf: browser.csrfToken,
    lang: 'en',
    idempotencyKey: `console-${crypto.randomUUID()}`,
    officeId,
    usageLocation: 'BR',
    shownLocation: 'BR',
    [`include.${STANDARD}`]: 'yes',
    [`licenses.${STANDARD}`]: '10',
    [`term.${STANDARD}`]: 'P1Y/annual',
    locale: 'en',
    action: 'create',
    ...changes,
  };
}

const submit = (browser: ConsoleBrowser, fields: Record<string, string>) =>
  consolePost(api.baseUrl, '/console/offers/new', browser, fields);

/** The partner's offers as the partner API lists them. */
async function offersOf(key: string): Promise<{ summaryId: string; reference?: string }[]> {
  const response = await fetch(`${api.baseUrl}/v1/offers`, { headers: bearer(key) });
  expect(response.status).toBe(200);
  return (await bodyOf(response)).offers;
}

/** A date `days` from today, as a date field holds it. */
const dateIn = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

describe('console create wizard, page 1', () => {
  it('shows the form with the only office chosen and the subscriptions of its country listed', async () => {
    const { office: seeded, browser } = await signedInPartner();

    const response = await consoleGet(api.baseUrl, '/console/offers/new', browser.cookie);

    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`<option value="${seeded.officeId}" selected>`);
    expect(body).toContain('Subscriptions sold in Brazil');
    expect(body).toContain(`name="include.${STANDARD}"`);
    expect(body).toMatch(/<input type="hidden" name="idempotencyKey" value="console-[0-9a-f-]{36}">/);
    expect(body).toContain('A new office can take up to 24 hours to appear');
  });

  // [rule, form changes, the field's id, its message, status]; the summary links to the field.
  const rules: [string, (officeId: string) => Record<string, string>, string, RegExp, number][] = [
    [
      'a license count above the subscription’s limit',
      () => ({ [`licenses.${STANDARD}`]: String(standardMax + 1) }),
      `licenses-${STANDARD}`,
      new RegExp(`must be from 1 to ${standardMax.toLocaleString('en')}`),
      422,
    ],
    ['an unknown office', () => ({ officeId: 'not-my-office' }), 'officeId', /Choose one of your synced offices/, 422],
    ['an expiry in the past', () => ({ expiresOn: dateIn(-2) }), 'expiresOn', /The date must be in the future/, 422],
    [
      'an expiry more than 366 days ahead',
      () => ({ expiresOn: dateIn(400) }),
      'expiresOn',
      /may stay open for at most 366 days/,
      422,
    ],
    [
      'a logo that is not https',
      () => ({ logoUrl: 'http://fabrikam.example/logo.png' }),
      'logoUrl',
      /must start with https:\/\//,
      400,
    ],
    [
      'an over-long closing',
      () => ({ closing: 'x'.repeat(1001) }),
      'closing',
      /Closing must be at most 1,000 characters long/,
      400,
    ],
    [
      'maximum acceptances above the limit',
      () => ({ maxAcceptances: '100001' }),
      'maxAcceptances',
      /Maximum acceptances must be at most 100,000/,
      400,
    ],
    [
      'a license count too large to price, where the usage location has prices',
      () => US_HUGE_COUNT,
      `licenses-${BASIC}`,
      new RegExp(`must be from 1 to ${basicMax.toLocaleString('en')}`),
      422,
    ],
    [
      'no subscription at all',
      () => ({ [`include.${STANDARD}`]: '' }),
      'items',
      /Choose at least one subscription/,
      422,
    ],
  ];

  it.each(rules)(
    'refuses %s next to the field, with the error summary linking to it, and writes nothing',
    async (_rule, changes, id, message, status) => {
      const { key, office: seeded, browser } = await signedInPartner();

      const response = await submit(browser, createFields(browser, seeded.officeId, changes(seeded.officeId)));

      expect(response.status).toBe(status);
      const body = await response.text();
      expect(body).toMatch(new RegExp(`<p class="error" id="${id}-error">[^<]*${message.source}`));
      expect(body).toMatch(new RegExp(`<li><a href="#${id}">[^<]*${message.source}`));
      expect(await offersOf(key)).toEqual([]);
    },
  );

  it('refuses a subscription not sold in the usage location (a forged form), at the top of the list, and writes nothing', async () => {
    const { key, office: seeded, browser } = await signedInPartner();
    // The suites with Teams are not sold in the EEA: Germany's list does not have Business Standard.
    const fields = createFields(browser, seeded.officeId, { usageLocation: 'DE', shownLocation: 'DE' });

    const response = await submit(browser, fields);

    expect(response.status).toBe(422);
    const body = await response.text();
    expect(body).toContain(
      `<p class="error" id="include-${STANDARD}-error">Microsoft 365 Business Standard is not sold in this usage location</p>`,
    );
    expect(body).toContain(
      '<li><a href="#items">Microsoft 365 Business Standard is not sold in this usage location</a></li>',
    );
    expect(await offersOf(key)).toEqual([]);
  });

  // Names every plain object inherits: a catalog or time-zone lookup must not find them.
  it.each([
    ['a subscription', (name: string) => ({ [`include.${name}`]: 'yes', [`licenses.${name}`]: '1' })],
    [
      'a usage location with a date',
      (name: string) => ({ usageLocation: name, shownLocation: name, expiresOn: dateIn(30) }),
    ],
  ])(
    'refuses %s named like an Object property (a forged form) with an HTML error, and writes nothing',
    async (_case, forged) => {
      const { key, office: seeded, browser } = await signedInPartner();

      for (const name of ['__proto__', 'constructor', 'toString']) {
        const response = await submit(browser, createFields(browser, seeded.officeId, forged(name)));

        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await response.text()).toMatch(/<p class="error" id="[^"]+-error">/);
      }
      expect(await offersOf(key)).toEqual([]);
    },
  );

  it('refuses delegated administration from a partner not certified for it, and writes nothing', async () => {
    const { key, office: seeded, browser } = await signedInPartner({ delegatedAdminCertified: false });

    const response = await submit(browser, createFields(browser, seeded.officeId, { delegatedAdmin: 'yes' }));

    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain(
      '<p class="error" id="delegatedAdmin-error">Only partners certified for delegated administration may offer it</p>',
    );
    expect(body).not.toContain('name="delegatedAdmin"');
    expect(await offersOf(key)).toEqual([]);
  });

  it('refuses a reference the partner already used, and writes nothing more', async () => {
    const { key, office: seeded, browser } = await signedInPartner();
    const first = await submit(browser, createFields(browser, seeded.officeId, { reference: 'CRM-7' }));
    expect(first.status).toBe(303);

    const second = await submit(browser, createFields(browser, seeded.officeId, { reference: 'CRM-7' }));

    expect(second.status).toBe(409);
    expect(await second.text()).toContain(
      '<p class="error" id="reference-error">You already used this reference for another offer; choose another one</p>',
    );
    expect(await offersOf(key)).toHaveLength(1);
  });

  it('shows the errors in Portuguese when the console is in Portuguese', async () => {
    const { office: seeded, browser } = await signedInPartner();

    const response = await submit(
      browser,
      createFields(browser, seeded.officeId, { lang: 'pt-BR', [`licenses.${STANDARD}`]: String(standardMax + 1) }),
    );

    expect(response.status).toBe(422);
    const body = await response.text();
    expect(body).toContain('<h2 id="error-summary-title">Há um problema</h2>');
    expect(body).toContain(`A quantidade de licenças de Microsoft 365 Business Standard deve ser de 1 a`);
  });

  it('creates the offer and sends the partner to page 2 with the summary ID, the link and the ready message', async () => {
    const { key, office: seeded, browser } = await signedInPartner();

    const response = await submit(browser, createFields(browser, seeded.officeId, { reference: 'CRM-1' }));

    expect(response.status).toBe(303);
    const [created] = await offersOf(key);
    expect(created?.reference).toBe('CRM-1');
    expect(response.headers.get('location')).toBe(`/console/offers/${created?.summaryId}/send`);
    const send = await consoleGet(api.baseUrl, response.headers.get('location') ?? '', browser.cookie);
    expect(send.status).toBe(200);
    const body = await send.text();
    expect(body).toContain(`<strong>${created?.summaryId}</strong>`);
    expect(body).toContain(`value="${process.env.PUBLIC_BASE_URL}/o/${created?.summaryId}"`);
    expect(body).toContain('Fabrikam Partners: your purchase offer for Microsoft cloud subscriptions');
    expect(body).toContain('Fabrikam Partners: sua oferta de compra');
    expect(send.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[^']+'/);
  });

  it('creates one offer for a double submit with the same idempotency key, and sends both to the same page 2', async () => {
    const { key, office: seeded, browser } = await signedInPartner();
    const fields = createFields(browser, seeded.officeId);

    const [first, second] = await Promise.all([submit(browser, fields), submit(browser, fields)]);

    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await offersOf(key)).toHaveLength(1);
  });

  it('lists another usage location’s subscriptions on "choose" and creates nothing', async () => {
    const { key, office: seeded, browser } = await signedInPartner();

    const response = await submit(
      browser,
      createFields(browser, seeded.officeId, { usageLocation: 'US', action: 'choose' }),
    );

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Subscriptions sold in United States');
    expect(await offersOf(key)).toEqual([]);
  });

  it('lists a US form with a license count too large to price on "choose", without an estimate for it, and creates nothing', async () => {
    const { key, office: seeded, browser } = await signedInPartner();

    const response = await submit(
      browser,
      createFields(browser, seeded.officeId, { ...US_HUGE_COUNT, action: 'choose' }),
    );

    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain(`value="9999999999999"`);
    expect(body).toContain('<div id="estimate-totals" hidden>');
    expect(await offersOf(key)).toEqual([]);
  });

  it('shows a partner with 100 customers or more why it cannot create offers, instead of the form', async () => {
    const { key, office: seeded, browser } = await signedInPartner({ customerCount: 100 });

    const page = await consoleGet(api.baseUrl, '/console/offers/new', browser.cookie);
    const post = await submit(browser, createFields(browser, seeded.officeId));

    expect(page.status).toBe(403);
    const body = await page.text();
    expect(body).toContain('Purchase offers are for partners that manage fewer than 100 customers');
    expect(body).not.toContain('name="idempotencyKey"');
    expect(post.status).toBe(403);
    expect(await offersOf(key)).toEqual([]);
  });

  it('syncs the partner’s offices on "sync now", and refuses a second sync within the minute', async () => {
    const { partner, browser } = await signedInPartner();
    directory.put(office(partner.partnerId, 'new-office', { name: 'Fabrikam Campinas', city: 'Campinas' }));

    const first = await consolePost(api.baseUrl, '/console/offices/sync', browser, {
      csrf: browser.csrfToken,
      lang: 'en',
    });
    const second = await consolePost(api.baseUrl, '/console/offices/sync', browser, {
      csrf: browser.csrfToken,
      lang: 'en',
    });

    // Post/redirect/get: the outcome rides on the create page's address, so a reload re-posts nothing.
    expect(first.status).toBe(303);
    const location = first.headers.get('location') ?? '';
    expect(location).toBe('/console/offers/new?sync=done&written=1&deactivated=0');
    const shown = await consoleGet(api.baseUrl, location, browser.cookie);
    expect(shown.status).toBe(200);
    const synced = await shown.text();
    expect(synced).toContain('Offices synced: 1 new or changed');
    expect(synced).toContain('<option value="new-office">Fabrikam Campinas – Campinas</option>');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await second.text()).toMatch(/Offices can be synced at most once a minute\. Try again in \d+ seconds?\./);
  });

  it('says the directory did not answer when it stays down, and still shows the form', async () => {
    const { browser } = await signedInPartner();
    directory.failNext(Array.from({ length: 5 }, () => ({ kind: 'status', status: 503 }) as const));

    const response = await consolePost(api.baseUrl, '/console/offices/sync', browser, {
      csrf: browser.csrfToken,
      lang: 'pt-BR',
    });
    directory.clearFaults();

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    const body = await response.text();
    expect(body).toContain('O diretório da rede de parceiros não respondeu');
    expect(body).toContain('name="idempotencyKey"');
  });
});
