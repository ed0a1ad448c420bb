import { mkdirSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PartnerAdmin } from '../../infra/ops/partner-admin.ts';
import { createDocumentClient } from '../../shared/db/client.ts';
import { officeToItem } from '../../shared/db/offices.ts';

const BASE = process.env.LOCAL_BASE_URL ?? '';
const KEY = process.env.LOCAL_API_KEY ?? '';
const ARTIFACTS = 'test/artifacts';
// A real browser's user agent: headless Chromium announces itself as HeadlessChrome, which the page
// rightly treats as automated and would not count as a view.
const USER_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';

const localTable = {
  name: process.env.LOCAL_TABLE_NAME ?? '',
  client: createDocumentClient(process.env.LOCAL_DDB_ENDPOINT),
};

async function api(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const response = await fetch(BASE + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? KEY}`, 'content-type': 'application/json' },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: assertions check the shape
  const body: any = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function demoOfficeId(key = KEY): Promise<string> {
  const { offices } = await api('/v1/offices', { key });
  const office = (offices as { officeId: string; active: boolean }[]).find((o) => o.active);
  if (!office) throw new Error('the demo partner has no active office');
  return office.officeId;
}

async function createOffer(extra: Record<string, unknown> = {}, key = KEY) {
  return api('/v1/offers', {
    method: 'POST',
    key,
    body: {
      officeId: await demoOfficeId(key),
      usageLocation: 'BR',
      items: [
        { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
        { sku: 'TEAMS_ESSENTIALS', licenses: 2 },
      ],
      delegatedAdmin: true,
      locale: 'en',
      customization: { intro: 'We sized this for your team of ten.', closing: 'Talk soon!' },
      ...extra,
    },
  });
}

let browser: Browser;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(() => browser?.close());

beforeEach(async () => {
  const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: 390, height: 844 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});
afterEach(() => page.context().close());

function checkoutParams(): URLSearchParams {
  const url = new URL(page.url());
  expect(url.pathname).toBe('/checkout');
  return url.searchParams;
}

describe('the customer offer page in Chromium', () => {
  it('opens the link, changes counts and accepts with delegated admin, landing on checkout', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await expect(page.title()).resolves.toContain('Contoso Cloud Advisors');
    await page.screenshot({ path: `${ARTIFACTS}/offer-page.png`, fullPage: true });

    await page.getByLabel('Microsoft 365 Business Standard: licenses').fill('25');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('Your name').fill('Rita Alves');
    await page.getByLabel('Email').fill('rita@tailwind.example');
    await page.getByLabel('Accept with delegated administration').check();
    await Promise.all([
      page.waitForURL(/\/checkout/),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);

    const params = checkoutParams();
    expect(params.get('advisor')).toBe('4412345');
    expect(params.get('offer')).toBe(offer.summaryId);
    expect(params.get('items')).toBe('M365_BUSINESS_STANDARD:25,TEAMS_ESSENTIALS:2');
    expect(params.get('delegatedAdmin')).toBe('true');
    const tracked = await api(`/v1/offers/${offer.summaryId}`);
    expect(tracked.counters).toMatchObject({ views: 1, acceptances: 1 });
  });

  it('accepts without delegated administration, using the keyboard only', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await page.getByLabel('Company name').focus();
    await page.keyboard.type('Tailwind Traders');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Rita Alves');
    await page.keyboard.press('Tab');
    await page.keyboard.type('rita@tailwind.example');
    await page.getByLabel('Accept without delegated administration').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Accept and go to checkout' }).focus();
    await Promise.all([page.waitForURL(/\/checkout/), page.keyboard.press('Enter')]);
    expect(checkoutParams().get('delegatedAdmin')).toBe('false');
    expect(checkoutParams().get('items')).toBe('M365_BUSINESS_STANDARD:10,TEAMS_ESSENTIALS:2');
  });

  it('shows a server-side error next to the field when the browser lets an out-of-range count through', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    // Remove the browser's own check, as a script-less old browser would not have it.
    await page
      .locator('form')
      .first()
      .evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByLabel('Microsoft 365 Business Standard: licenses').fill('500');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('Your name').fill('Rita Alves');
    await page.getByLabel('Email').fill('rita@tailwind.example');
    await page.getByLabel('Accept with delegated administration').check();
    await page.getByRole('button', { name: 'Accept and go to checkout' }).click();
    await expect(page.getByText('Enter a whole number from 1 to 300.').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Microsoft 365 Business Standard: licenses').inputValue()).resolves.toBe('500');
    expect((await api(`/v1/offers/${offer.summaryId}`)).counters.acceptances).toBe(0);
  });

  it('declines with a reason and shows a thank-you page', async () => {
    const offer = await createOffer();
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await page.getByText('Not interested? Decline this offer').click();
    await page.getByLabel('Reason (optional)').fill('Budget frozen until March');
    await page.getByRole('button', { name: 'Decline offer' }).click();
    await expect(page.getByRole('heading', { name: 'Thank you for your answer' }).isVisible()).resolves.toBe(true);
    expect((await api(`/v1/offers/${offer.summaryId}`)).counters.declines).toBe(1);
  });

  it('shows a deactivated offer with the partner’s message and no form', async () => {
    const offer = await createOffer();
    await api(`/v1/offers/${offer.summaryId}/deactivate`, {
      method: 'POST',
      body: { message: 'Prices change on Monday; ask us for a new offer.' },
    });
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await expect(page.getByRole('heading', { name: 'This offer is no longer available' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.getByText('Prices change on Monday; ask us for a new offer.').isVisible()).resolves.toBe(true);
    await expect(page.locator('form').count()).resolves.toBe(0);
  });

  it('shows an expired offer with no form', async () => {
    const offer = await createOffer({ expiresAt: new Date(Date.now() + 1500).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await expect(page.getByRole('heading', { name: 'This offer has expired' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('form').count()).resolves.toBe(0);
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
    await page.goto(offer.url.replace(/^https?:\/\/[^/]+/, BASE));
    await expect(page.getByText(payload('intro')).isVisible()).resolves.toBe(true);
    await expect(page.getByText(payload('closing')).isVisible()).resolves.toBe(true);
    await expect(page.locator('script').count()).resolves.toBe(0);
    await api(`/v1/offers/${offer.summaryId}/deactivate`, {
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
});
