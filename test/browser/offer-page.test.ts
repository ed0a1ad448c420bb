import { mkdirSync } from 'node:fs';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { PartnerAdmin } from '../../infra/ops/partner-admin.ts';
import { offerItems, offerKeys, offerToItem } from '../../shared/db/offers.ts';
import { officeToItem } from '../../shared/db/offices.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { generateSummaryId } from '../../shared/domain/summary-id.ts';
import {
  apiOffer,
  countedCounters,
  LOCAL_API_KEY,
  LOCAL_BASE_URL,
  launchChromium,
  partnerApi,
} from '../support/browser.ts';

// Several page loads per test on a busy machine: more than jest's default 5 s.
jest.setTimeout(60_000);

const ARTIFACTS = 'test/artifacts';
const DAY_MS = 86_400_000;
// A real browser's user agent: headless Chromium announces itself as HeadlessChrome, which the page
// rightly treats as automated and would not count as a view.
const USER_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';

const localTable = sdkTable(process.env.LOCAL_TABLE_NAME ?? '', process.env.LOCAL_DDB_ENDPOINT);

/** The demo offer with a customised message, so the page's texts show. */
const createOffer = (extra: Record<string, unknown> = {}, key = LOCAL_API_KEY) =>
  apiOffer({ customization: { intro: 'We sized this for your team of ten.', closing: 'Talk soon!' }, ...extra }, key);

let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(() => browser?.close());

beforeEach(async () => {
  const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 390, height: 844 } });
  // Hermetic: partner logos live on other hosts (https://….example); only the local servers answer.
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});
afterEach(() => page.context().close());

/** The link as a customer would open it, on the local gateway. */
function localUrl(offer: { url: string }): string {
  return offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL);
}

async function views(summaryId: string): Promise<number> {
  return (await countedCounters(summaryId)).views;
}

/** Submits the accept form with the browser's own checks off, as a script-less old browser would. */
async function submitWithoutBrowserChecks(): Promise<void> {
  await page
    .locator('form')
    .first()
    .evaluate((form) => form.setAttribute('novalidate', ''));
  await Promise.all([
    page.waitForURL(/\/accept$/),
    page.getByRole('button', { name: /Accept and go to checkout|Aceitar e ir para o pagamento/ }).click(),
  ]);
}

/** From the confirmation page, by its link (it also continues by itself after a few seconds). */
async function continueToCheckout(): Promise<void> {
  await Promise.all([
    page.waitForURL(/\/checkout/),
    page.getByRole('link', { name: /Continue to checkout|Continuar para o pagamento/ }).click(),
  ]);
}

function checkoutParams(): URLSearchParams {
  const url = new URL(page.url());
  expect(url.pathname).toBe('/checkout');
  return url.searchParams;
}

describe('the customer offer page in Chromium', () => {
  it('opens the link, changes counts and accepts with delegated admin, landing on checkout', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    await expect(page.title()).resolves.toContain('Contoso Cloud Advisors');
    await page.screenshot({ path: `${ARTIFACTS}/offer-page.png`, fullPage: true });

    await page.getByLabel('Microsoft 365 Business Standard licenses').fill('25');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Alves');
    await page.getByLabel('Email').fill('rita@tailwind.example');
    await page.getByLabel('Accept with delegated administration').check();
    await Promise.all([
      page.waitForURL(/\/accepted\//),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);
    await continueToCheckout();

    const params = checkoutParams();
    expect(params.get('advisor')).toBe('4412345');
    expect(params.get('offer')).toBe(offer.summaryId);
    expect(params.get('items')).toBe('M365_BUSINESS_STANDARD:25,TEAMS_ESSENTIALS:2');
    expect(params.get('delegatedAdmin')).toBe('true');
    expect(await countedCounters(offer.summaryId)).toMatchObject({ views: 1, acceptances: 1 });
  });

  it('accepts without delegated administration, using the keyboard only', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    await page.getByLabel('Company name').focus();
    await page.keyboard.type('Tailwind Traders');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Rita');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Alves');
    await page.keyboard.press('Tab');
    await page.keyboard.type('rita@tailwind.example');
    await page.getByLabel('Accept without delegated administration').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Accept and go to checkout' }).focus();
    await Promise.all([page.waitForURL(/\/accepted\//), page.keyboard.press('Enter')]);
    await continueToCheckout();
    expect(checkoutParams().get('delegatedAdmin')).toBe('false');
    expect(checkoutParams().get('items')).toBe('M365_BUSINESS_STANDARD:10,TEAMS_ESSENTIALS:2');
  });

  it('shows a server-side error next to the field when the browser lets an out-of-range count through', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    // Remove the browser's own check, as a script-less old browser would not have it.
    await page
      .locator('form')
      .first()
      .evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByLabel('Microsoft 365 Business Standard licenses').fill('500');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Alves');
    await page.getByLabel('Email').fill('rita@tailwind.example');
    await page.getByLabel('Accept with delegated administration').check();
    await page.getByRole('button', { name: 'Accept and go to checkout' }).click();
    await expect(page.locator('#licenses-M365_BUSINESS_STANDARD-error').textContent()).resolves.toBe(
      'Enter a whole number from 1 to 300.',
    );
    await expect(page.getByLabel('Microsoft 365 Business Standard licenses').inputValue()).resolves.toBe('500');
    expect((await partnerApi(`/v1/offers/${offer.summaryId}`)).counters.acceptances).toBe(0);
  });

  it('declines with a reason and shows a thank-you page', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    await page.getByText('Not interested? Decline this offer').click();
    await page.getByLabel('Reason (optional)').fill('Budget frozen until March');
    await page.getByRole('button', { name: 'Decline offer' }).click();
    await expect(page.getByRole('heading', { name: 'Thank you for your answer' }).isVisible()).resolves.toBe(true);
    expect((await partnerApi(`/v1/offers/${offer.summaryId}`)).counters.declines).toBe(1);
  });

  it('shows a deactivated offer with the partner’s message and no form', async () => {
    const offer = await createOffer();
    await partnerApi(`/v1/offers/${offer.summaryId}/deactivate`, {
      method: 'POST',
      body: { message: 'Prices change on Monday; ask us for a new offer.' },
    });
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    await expect(page.getByRole('heading', { name: 'This offer is no longer available' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.getByText('Prices change on Monday; ask us for a new offer.').isVisible()).resolves.toBe(true);
    await expect(page.locator('form').count()).resolves.toBe(0);
  });

  it('shows an expired offer with no form', async () => {
    // Arrange: an offer whose expiresAt has passed (the server's clock is real, so no waiting for it).
    const offer = await createOffer({ expiresAt: new Date(Date.now() + DAY_MS).toISOString() });
    await localTable.client.send(
      new UpdateCommand({
        TableName: localTable.name,
        Key: { PK: offerKeys.pk(offer.summaryId), SK: offerKeys.sk() },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': '2026-01-15T18:30:00.000Z' },
      }),
    );

    // Act
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));

    // Assert
    await expect(page.getByRole('heading', { name: 'This offer has expired' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('.expires').textContent()).resolves.toBe(
      'It was valid until January 15, 2026 at 3:30 PM Brasilia Standard Time.',
    );
    await expect(page.locator('form').count()).resolves.toBe(0);
  });

  it('puts an error summary first on a 422 page: Error: title, focused, each link moving to its field', async () => {
    const offer = await createOffer();
    await page.goto(localUrl(offer));
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await submitWithoutBrowserChecks();
    await expect(page.title()).resolves.toBe('Error: Your subscription offer from Contoso Cloud Advisors');
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('heading', { name: 'There is a problem' }).isVisible()).resolves.toBe(true);
    await expect(
      page.evaluate(() =>
        (
          globalThis as unknown as { document: { activeElement?: { getAttribute(name: string): string | null } } }
        ).document.activeElement?.getAttribute('role'),
      ),
    ).resolves.toBe('alert');
    const links = summary.getByRole('link');
    await expect(links.allTextContents()).resolves.toEqual([
      'First name: Fill in this field.',
      'Last name: Fill in this field.',
      'Email: Fill in this field.',
      'Delegated administration: Choose one of the options.',
    ]);
    await summary.getByRole('link', { name: 'Email: Fill in this field.' }).click();
    await page.keyboard.type('rita@tailwind.example');
    await expect(page.getByLabel('Email').inputValue()).resolves.toBe('rita@tailwind.example');
    await expect(page.getByLabel('Company name').inputValue()).resolves.toBe('Tailwind Traders');
    await expect(page.getByRole('textbox', { name: 'Last name' }).getAttribute('aria-describedby')).resolves.toBe(
      'last-name-error',
    );
    expect((await partnerApi(`/v1/offers/${offer.summaryId}`)).counters.acceptances).toBe(0);
  });

  it('switches language from a 422 error page to the offer page in the other language', async () => {
    const offer = await createOffer({
      locale: 'pt-BR',
      customization: { intro: 'Dimensionamos para sua equipe de dez.', closing: 'Até breve!' },
    });
    // This browser asks for English (Accept-Language en-US): the visitor picks Portuguese first.
    await page.goto(`${localUrl(offer)}?lang=pt-BR`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('pt-BR');
    await page.getByLabel('Nome da empresa').fill('Tailwind Traders');
    await submitWithoutBrowserChecks();
    await expect(page.title()).resolves.toMatch(/^Erro: /);
    await Promise.all([page.waitForURL(/\?lang=en$/), page.getByRole('link', { name: 'View in English' }).click()]);
    const url = new URL(page.url());
    expect(url.pathname).toBe(`/o/${offer.summaryId}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Your subscription offer from Contoso Cloud Advisors',
    );
    // The partner wrote in the offer's language: marked as such on the English page only.
    await expect(page.locator('.intro').getAttribute('lang')).resolves.toBe('pt-BR');
    await expect(page.locator('.closing').getAttribute('lang')).resolves.toBe('pt-BR');
    await Promise.all([page.waitForURL(/\?lang=pt-BR$/), page.getByRole('link', { name: 'Ver em português' }).click()]);
    await expect(page.locator('.intro').getAttribute('lang')).resolves.toBeNull();
  });

  it('counts a person’s view but never a link previewer’s, a mail scanner’s or a HEAD request', async () => {
    const offer = await createOffer();
    for (const userAgent of [
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Mozilla/5.0 (compatible; Microsoft Outlook 16.0; ms-office)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36',
    ]) {
      const bot = await browser.newContext({ userAgent });
      await bot.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => route.abort(),
      );
      const botPage = await bot.newPage();
      const response = await botPage.goto(localUrl(offer));
      expect(response?.status()).toBe(200);
      await bot.close();
    }
    const head = await page.request.head(localUrl(offer));
    expect(head.status()).toBe(200);
    expect(await head.body()).toHaveLength(0);
    expect(await views(offer.summaryId)).toBe(0);
    await page.goto(localUrl(offer));
    await page.reload();
    expect(await views(offer.summaryId)).toBe(2);
  });

  it('shows XSS payloads in every partner text field as text and never runs them', async () => {
    const payload = (field: string) => `<script>__xss='${field}'</script><img src=x onerror="alert('${field}')">`;
    const admin = new PartnerAdmin(localTable);
    const partnerId = `xss-${Date.now()}`;
    await admin.createPartner({
      partnerId,
      name: payload('partner-name'),
      advisorCode: '4400099',
      customerCount: 5,
      delegatedAdminCertified: true,
      contact: { name: payload('partner-contact'), email: 'x@example.com' },
      logoUrl: 'https://example.com/logo.png"><script>alert(1)</script>',
    });
    const { key } = await admin.issueKey(partnerId, 'xss');
    await localTable.client.send(
      new PutCommand({
        TableName: localTable.name,
        Item: officeToItem({
          partnerId,
          officeId: 'xss-office',
          name: payload('office'),
          city: 'Recife',
          country: 'BR',
          active: true,
          sourceUpdatedAt: new Date().toISOString(),
          lastSyncedAt: new Date().toISOString(),
        }),
      }),
    );
    const offer = await createOffer(
      {
        customization: {
          intro: payload('intro'),
          closing: payload('closing'),
          logoUrl: 'https://example.com/a.png?"onerror="alert(2)',
          contact: { name: payload('contact-name'), email: 'c@example.com', phone: '+55 81 3000-0000' },
        },
      },
      key,
    );
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL));
    await expect(page.getByText(payload('intro')).isVisible()).resolves.toBe(true);
    await expect(page.getByText(payload('closing')).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      `Your subscription offer from ${payload('partner-name')}`,
    );
    await expect(page.locator('footer').textContent()).resolves.toContain(payload('partner-name'));
    await expect(page.locator('footer').textContent()).resolves.toContain(payload('contact-name'));
    await expect(page.locator('header img').getAttribute('alt')).resolves.toBe(payload('partner-name'));
    await expect(page.locator('script').count()).resolves.toBe(0);
    await partnerApi(`/v1/offers/${offer.summaryId}/deactivate`, {
      method: 'POST',
      key,
      body: { message: payload('deactivation') },
    });
    await page.reload();
    await expect(page.getByText(payload('deactivation')).isVisible()).resolves.toBe(true);
    await expect(page.locator('script').count()).resolves.toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('shows hostile text in every field of a stored offer, and in the customer’s own answers, as text', async () => {
    // Straight into the table: even values the partner API would refuse (email, phone, logo URL).
    const payload = (field: string) => `"><script>__xss='${field}'</script><img src=x onerror="alert('${field}')">`;
    const offer: Offer = {
      summaryId: generateSummaryId(),
      partnerId: 'xss-direct',
      officeId: 'o',
      officeName: payload('office'),
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 3 }],
      delegatedAdmin: true,
      locale: 'pt-BR',
      customization: {
        intro: payload('intro'),
        closing: payload('closing'),
        logoUrl: `javascript:alert('logo')//${payload('logo')}`,
        contact: {
          name: payload('contact-name'),
          email: `${payload('contact-email')}@example.com`,
          phone: `+55 ${payload('contact-phone')}`,
        },
      },
      partner: {
        name: payload('partner-name'),
        advisorCode: '4400098',
        contact: { name: payload('partner-contact'), email: 'p@example.com' },
      },
      createdAt: new Date().toISOString(),
      views: 0,
      acceptances: 0,
      declines: 0,
    };
    // The offer and its views counter, as the create transaction writes them.
    for (const Item of offerItems(offer)) {
      await localTable.client.send(new PutCommand({ TableName: localTable.name, Item }));
    }
    const url = `${LOCAL_BASE_URL}/o/${offer.summaryId}?lang=en`;
    await page.goto(url);
    for (const field of ['partner-name', 'intro', 'closing', 'contact-name', 'contact-email', 'contact-phone']) {
      await expect(page.locator('body').textContent()).resolves.toContain(payload(field));
    }
    await expect(page.locator('footer a[href^="mailto:"]').textContent()).resolves.toBe(
      `${payload('contact-email')}@example.com`,
    );
    await expect(page.locator('footer a[href^="tel:"]').getAttribute('href')).resolves.toBe('tel:+55');
    // The customer's own answers come back on the error page as values, not markup.
    await page.getByLabel('Company name').fill(payload('company'));
    await page.getByLabel('Last name').fill(payload('customer-name'));
    await submitWithoutBrowserChecks();
    await expect(page.getByLabel('Company name').inputValue()).resolves.toBe(payload('company'));
    await expect(page.getByLabel('Last name').inputValue()).resolves.toBe(payload('customer-name'));
    await expect(page.locator('script').count()).resolves.toBe(0);
    await localTable.client.send(
      new PutCommand({
        TableName: localTable.name,
        Item: offerToItem({
          ...offer,
          deactivatedAt: new Date().toISOString(),
          deactivationMessage: payload('deactivation'),
        }),
      }),
    );
    await page.goto(url);
    await expect(page.locator('.deactivation-message').textContent()).resolves.toBe(payload('deactivation'));
    await expect(page.locator('.deactivation-message').getAttribute('lang')).resolves.toBe('pt-BR');
    await expect(page.locator('script').count()).resolves.toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });
});
