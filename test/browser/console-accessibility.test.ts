import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { PartnerAdmin } from '../../infra/ops/partner-admin.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import { activeOfficeId, LOCAL_BASE_URL, launchChromium } from '../support/browser.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import {
  allowLocalhost,
  apiOffer,
  CREATE_BUTTON,
  closeContexts,
  fillSelectOptions,
  newContext,
  screenshot,
  seriousViolations,
  signIn,
  submit,
  visitAttacker,
} from './console-support.ts';

jest.setTimeout(120_000);

/**
 * Every console page, checked by axe-core in Chromium as served (strict CSP and all), with no
 * serious or critical violation; each page's full-page screenshot at desktop width is saved to
 * test/artifacts/console-*.png along the way (the README shows the offers list).
 */
/** The table `npm start` serves (globalSetup), where a test seeds partners of its own. */
const localTable = sdkTable(process.env.LOCAL_TABLE_NAME ?? '', process.env.LOCAL_DDB_ENDPOINT);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(closeContexts);

async function signedInPage(): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  await signIn(page);
  return page;
}

/** Checks the page the browser is on and saves its screenshot as console-{name}.png. */
async function checkAndCapture(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
}

/** An offer with an acceptance (through the customer's own form): the offer page then lists one. */
async function acceptedOffer(): Promise<string> {
  const offer = await apiOffer({ reference: `a11y-${Date.now()}` });
  const customer = customerAt(LOCAL_BASE_URL);
  const submission = await customer.openForm(offer);
  const accepted = await customer.post(offer, 'accept', acceptFields(submission));
  expect(accepted.status).toBe(303);
  return offer.summaryId;
}

describe('console accessibility (axe-core) and screenshots', () => {
  it('finds no serious or critical violation on the sign-in page, with and without an error', async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${LOCAL_BASE_URL}/console`);
    await checkAndCapture(page, 'sign-in');

    await page.getByLabel('API key').fill('pok_not-a-key');
    await submit(page, 'Sign in');
    await expect(page.locator('#apiKey').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkAndCapture(page, 'sign-in-error');
  });

  it('finds none on the offers list, an offer page with an acceptance and its message preview', async () => {
    await apiOffer({ reference: `a11y-other-${Date.now()}`, delegatedAdmin: false });
    const summaryId = await acceptedOffer();
    const page = await signedInPage();

    await page.goto(`${LOCAL_BASE_URL}/console/offers`);
    await expect(page.getByRole('link', { name: summaryId }).count()).resolves.toBeGreaterThan(0);
    await checkAndCapture(page, 'offers');

    await page.goto(`${LOCAL_BASE_URL}/console/offers/${summaryId}`);
    await expect(page.locator('[data-counter="acceptances"]').textContent()).resolves.toBe('1');
    await checkAndCapture(page, 'offer');

    // The message with its colours, on its own page (linked from the offer page). That page is
    // served sandboxed without scripts, where axe cannot run: its markup is checked in a page of
    // its own instead, inline styles and all, as a mail app would show it.
    const href = await page.getByRole('link', { name: 'Open the HTML preview' }).first().getAttribute('href');
    expect(href).toBe(`/console/offers/${summaryId}/message.html?locale=en`);
    const preview = await page.request.get(`${LOCAL_BASE_URL}${href}`);
    expect(preview.headers()['content-security-policy']).toContain('sandbox');
    // A blank page of no CSP (the console's would refuse the message's inline styles).
    const html = await preview.text();
    await page.goto('about:blank');
    await page.setContent(html);
    await checkAndCapture(page, 'message-preview');
  });

  it('finds none on page 1 of the wizard, empty, with subscriptions listed and with errors, nor on page 2', async () => {
    const page = await signedInPage();
    await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
    await checkAndCapture(page, 'create');

    await fillSelectOptions(page, '0');
    await checkAndCapture(page, 'create-subscriptions');

    await page.locator('form:has(#officeId)').evaluate((form) => form.setAttribute('novalidate', ''));
    await submit(page, CREATE_BUTTON);
    await expect(page.locator('#licenses-M365_BUSINESS_STANDARD').getAttribute('aria-invalid')).resolves.toBe('true');
    await checkAndCapture(page, 'create-errors');

    const offer = await apiOffer();
    await page.goto(`${LOCAL_BASE_URL}/console/offers/${offer.summaryId}/send`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Send your offer');
    await checkAndCapture(page, 'send');
  });

  it('finds none on the revise page, a deactivated offer and the page for an unknown offer', async () => {
    const offer = await apiOffer();
    const page = await signedInPage();

    await page.goto(`${LOCAL_BASE_URL}/console/offers/${offer.summaryId}/revise`);
    await expect(page.locator('#licenses-M365_BUSINESS_STANDARD').inputValue()).resolves.toBe('10');
    await checkAndCapture(page, 'revise');

    await page.goto(`${LOCAL_BASE_URL}/console/offers/${offer.summaryId}`);
    await page.getByLabel('Message to customers (optional)').fill('Replaced by a new offer.');
    await submit(page, 'Deactivate this offer');
    await expect(page.locator('[data-status]').first().textContent()).resolves.toBe('Deactivated');
    await checkAndCapture(page, 'deactivated');

    const missing = await page.goto(`${LOCAL_BASE_URL}/console/offers/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ`);
    expect(missing?.status()).toBe(404);
    await checkAndCapture(page, 'not-found');
  });

  it('finds none on the page of a partner that cannot create offers (100 customers or more)', async () => {
    const admin = new PartnerAdmin(localTable);
    const partnerId = `many-customers-${Date.now()}`;
    await admin.createPartner({
      partnerId,
      name: 'Fabrikam Volume Reseller',
      advisorCode: '4400100',
      customerCount: 150,
      delegatedAdminCertified: false,
      contact: { name: 'Ana Souza', email: 'ana@fabrikam.example' },
    });
    const { key } = await admin.issueKey(partnerId, 'Ana Souza');
    const page = await (await newContext(browser)).newPage();
    await signIn(page, key);

    const response = await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);

    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your organisation cannot create purchase offers',
    );
    await expect(page.locator('#officeId').count()).resolves.toBe(0);
    await checkAndCapture(page, 'cannot-create');
  });

  it('finds none on the offers list with a filter error', async () => {
    const page = await signedInPage();

    const response = await page.goto(`${LOCAL_BASE_URL}/console/offers?status=lost&limit=500`);

    expect(response?.status()).toBe(400);
    await expect(page.locator('#status').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#limit').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('alert').getByRole('link').count()).resolves.toBe(2);
    await checkAndCapture(page, 'offers-filter-errors');
  });

  it('finds none on the page a post gets once the session has ended', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
    await page.getByLabel('Office', { exact: true }).selectOption(await activeOfficeId());
    // The session ends (here: the browser forgets its cookie) while the form is open.
    await context.clearCookies();

    await submit(page, 'Show subscriptions sold there');

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Your session has ended');
    await expect(page.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).resolves.toBe(
      '/console?lang=en',
    );
    await checkAndCapture(page, 'session-ended');
  });

  it('finds none on the page that refuses a post from another site', async () => {
    const context = await newContext(browser);
    await allowLocalhost(context);
    const page = await context.newPage();
    await signIn(page);

    const forged = await visitAttacker(page, '/console/sign-out', { lang: 'en' }, 'localhost');

    expect(forged.status).toBe(403);
    expect(new URL(page.url()).pathname).toBe('/console/sign-out');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This request was refused');
    await checkAndCapture(page, 'cross-site');
  });

  it('finds none on the page of too many failed sign-ins (429)', async () => {
    // Failed sign-ins are counted per client address: a viewer address of its own (the header
    // CloudFront sets, which the local runtime passes on) keeps the other tests' sign-ins unthrottled.
    const page = await (
      await newContext(browser, {
        extraHTTPHeaders: { 'cloudfront-viewer-address': `198.51.100.${Date.now() % 250}:443` },
      })
    ).newPage();
    await page.goto(`${LOCAL_BASE_URL}/console`);
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 429; attempt += 1) {
      await page.getByLabel('API key').fill('pok_not-a-key');
      const [response] = await Promise.all([
        page.waitForResponse((answer) => answer.url() === `${LOCAL_BASE_URL}/console/sign-in`),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await page.waitForLoadState();
      status = response.status();
    }

    expect(status).toBe(429);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.not.toBe('Sign in');
    await checkAndCapture(page, 'sign-in-throttled');
  });

  it('finds none on the 404 page of a console address that does not exist', async () => {
    const page = await signedInPage();

    const response = await page.goto(`${LOCAL_BASE_URL}/console/nope`);

    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
    await expect(page.getByRole('link', { name: 'Go to your offers' }).getAttribute('href')).resolves.toBe(
      '/console/offers?lang=en',
    );
    await checkAndCapture(page, 'unknown-path');
  });
});
