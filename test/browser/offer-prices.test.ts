import { mkdirSync } from 'node:fs';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PARTNER_ID } from '../../infra/local/seed.ts';
import { commitmentClock } from '../../shared/catalog/commitment.ts';
import { offerItems, offerKeys } from '../../shared/db/offers.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import type { OfferLine } from '../../shared/domain/offer.ts';
import { formatCalendarDate, formatDateTime } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { DESKTOP_USER_AGENT, LOCAL_BASE_URL, launchChromium, partnerApi } from '../support/browser.ts';
import { offerFixture } from '../support/offer.ts';
import { pricedLine } from '../support/priced-offer.ts';

// Several page loads per test on a busy machine: more than jest's default 5 s.
jest.setTimeout(60_000);

const localTable = sdkTable(process.env.LOCAL_TABLE_NAME ?? '', process.env.LOCAL_DDB_ENDPOINT);

/** ICU writes a no-break space after US$ and a narrow one before AM/PM: compare text as a reader sees it. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ');

/**
 * An offer of the demo partner written straight into the table with `lines` (priced from the
 * catalog's price lists), as the create transaction writes an offer and its views counter.
 */
async function seededOffer(usageLocation: string, lines: OfferLine[]): Promise<{ summaryId: string }> {
  const offer = offerFixture({
    partnerId: DEMO_PARTNER_ID,
    usageLocation,
    items: lines,
    delegatedAdmin: false,
    customization: {},
  });
  for (const Item of offerItems(offer)) {
    await localTable.client.send(new PutCommand({ TableName: localTable.name, Item }));
  }
  return { summaryId: offer.summaryId };
}

/** Business Basic on a year billed monthly and Microsoft 365 E3 on a year paid up front, US list prices. */
const usLines = (): OfferLine[] => [
  pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'monthly'),
  pricedLine('US', 'M365_E3', 3, 'P1Y', 'annual'),
];

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

beforeEach(async () => {
  const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT });
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  page = await context.newPage();
  consoleErrors.length = 0;
  // A script error or a CSP refusal shows here.
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
});
afterEach(() => page.context().close());

async function open(summaryId: string, locale: Locale): Promise<void> {
  await page.goto(`${LOCAL_BASE_URL}/o/${summaryId}?lang=${locale}`);
}

const text = async (selector: string) => plain(await page.locator(selector).first().textContent());

/** The 1-year term's last day for a purchase at any instant between `from` and now (a test may cross midnight UTC). */
function yearTermEnds(from: Date, locale: Locale): string[] {
  return [from, new Date()].map((at) => formatCalendarDate(locale, commitmentClock('P1Y', at).termEnd));
}

describe('prices and the commitment on the offer page in Chromium', () => {
  it('shows a US offer’s unit prices, line totals, totals and the commitment clock in English', async () => {
    const { summaryId } = await seededOffer('US', usLines());
    const before = new Date();

    await open(summaryId, 'en');
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/offer-page-prices.png', fullPage: true });

    await expect(text('#licenses-M365_BUSINESS_BASIC-price')).resolves.toBe(
      '$7.35 per license per monthTotal for 10 licenses: $73.50 per month',
    );
    await expect(text('#licenses-M365_E3-price')).resolves.toBe(
      '$468.00 per license per year ($39.00 per license per month)Total for 3 licenses: $1,404.00 per year',
    );
    await expect(text('.term')).resolves.toBe('1-year commitment, billed monthly');
    await expect(text('.total-month')).resolves.toBe('$190.50');
    await expect(text('.total-year')).resolves.toBe('$2,286.00');
    await expect(text('.cost')).resolves.toContain('This is an estimate; the checkout shows the final price.');
    const clock = await text('.commitment li');
    expect(clock).toMatch(
      /^1-year commitment: you can reduce or cancel licenses within 7 days \(168 hours\) after purchase, until .+ Eastern Standard Time; after that/,
    );
    expect(yearTermEnds(before, 'en').some((end) => clock.endsWith(`the 1-year term ends on ${end}.`))).toBe(true);
  });

  it('shows the same in Portuguese with US$ and Brazilian separators', async () => {
    const { summaryId } = await seededOffer('US', usLines());
    const before = new Date();

    await open(summaryId, 'pt-BR');

    await expect(text('#licenses-M365_BUSINESS_BASIC-price')).resolves.toBe(
      'US$ 7,35 por licença por mêsTotal para 10 licenças: US$ 73,50 por mês',
    );
    await expect(text('.total-month')).resolves.toBe('US$ 190,50');
    await expect(text('.total-year')).resolves.toBe('US$ 2.286,00');
    const clock = await text('.commitment li');
    expect(clock).toMatch(
      /^Compromisso de 1 ano: você pode reduzir ou cancelar licenças em até 7 dias \(168 horas\) após a compra/,
    );
    expect(yearTermEnds(before, 'pt-BR').some((end) => clock.endsWith(`em ${end}.`))).toBe(true);
  });

  it('says "price shown at checkout" for a Brazilian offer (no sourced prices) and shows no totals', async () => {
    const { summaryId } = await seededOffer('BR', [
      pricedLine('BR', 'M365_BUSINESS_STANDARD', 10, 'P1Y', 'annual'),
      pricedLine('BR', 'TEAMS_ESSENTIALS', 2, 'P1Y', 'annual'),
    ]);

    await open(summaryId, 'en');
    await expect(page.locator('.price').allTextContents()).resolves.toEqual([
      'Price shown at checkout',
      'Price shown at checkout',
    ]);
    await expect(page.locator('.cost').count()).resolves.toBe(0);

    await open(summaryId, 'pt-BR');
    await expect(page.locator('.price').allTextContents()).resolves.toEqual([
      'Preço mostrado no pagamento',
      'Preço mostrado no pagamento',
    ]);
  });

  it('formats reais as each language writes them, on the offer page and the confirmation page', async () => {
    // TEST FIXTURE, not a list price: the BR list has no sourced figure, so this seeded line carries
    // a made-up one only to show how R$ amounts are written. It never enters shared/catalog.
    const TEST_FIXTURE_BRL_PRICE = {
      currency: 'BRL',
      monthlyUnitMinor: 123_450,
      perBillingPeriodMinor: 123_450,
      billingPeriodMonths: 1,
    } as const;
    const { summaryId } = await seededOffer('BR', [
      {
        sku: 'M365_BUSINESS_STANDARD',
        licenses: 1,
        term: 'P1Y',
        billingFrequency: 'monthly',
        unitPrice: TEST_FIXTURE_BRL_PRICE,
      },
    ]);
    const checkoutOrigin = process.env.CHECKOUT_ENTRY_ORIGIN ?? '';
    await page.route(
      (url) => url.origin === checkoutOrigin,
      (route) => route.abort(),
    );
    // Intl writes a no-break space between R$ and the amount in Portuguese, none in English.
    const nbsp = '\u00a0';
    const raw = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';

    await open(summaryId, 'en');
    await expect(raw('#licenses-M365_BUSINESS_STANDARD-price')).resolves.toBe(
      'R$1,234.50 per license per monthTotal for 1 license: R$1,234.50 per month',
    );
    await expect(raw('.total-month')).resolves.toBe('R$1,234.50');
    await expect(raw('.total-year')).resolves.toBe('R$14,814.00');

    await open(summaryId, 'pt-BR');
    await expect(raw('#licenses-M365_BUSINESS_STANDARD-price')).resolves.toBe(
      `R$${nbsp}1.234,50 por licença por mêsTotal para 1 licença: R$${nbsp}1.234,50 por mês`,
    );
    await expect(raw('.total-month')).resolves.toBe(`R$${nbsp}1.234,50`);
    await expect(raw('.total-year')).resolves.toBe(`R$${nbsp}14.814,00`);

    await page.getByLabel('Nome da empresa').fill('Tailwind Traders');
    await page.getByLabel('Nome', { exact: true }).fill('Rita');
    await page.getByLabel('Sobrenome').fill('Alves');
    await page.getByLabel('E-mail', { exact: true }).fill('rita@tailwind.example');
    await Promise.all([
      page.waitForURL(/\/accepted\//),
      page.getByRole('button', { name: 'Aceitar e ir para o pagamento' }).click(),
    ]);
    await expect(raw('#accepted-0-price')).resolves.toBe(
      `R$${nbsp}1.234,50 por licença por mêsTotal para 1 licença: R$${nbsp}1.234,50 por mês`,
    );
    await expect(raw('.total-month')).resolves.toBe(`R$${nbsp}1.234,50`);
    await expect(raw('.total-year')).resolves.toBe(`R$${nbsp}14.814,00`);

    const accepted = new URL(page.url());
    await page.goto(`${LOCAL_BASE_URL}${accepted.pathname}?lang=en`);
    await expect(raw('#accepted-0-price')).resolves.toBe(
      'R$1,234.50 per license per monthTotal for 1 license: R$1,234.50 per month',
    );
    await expect(raw('.total-month')).resolves.toBe('R$1,234.50');
    await expect(raw('.total-year')).resolves.toBe('R$14,814.00');
  });

  it('totals the posted counts when the form comes back with an error, without script', async () => {
    const { summaryId } = await seededOffer('US', usLines());
    await page.context().close();
    const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT, javaScriptEnabled: false });
    page = await context.newPage();
    await open(summaryId, 'en');

    await page.getByLabel('Microsoft 365 Business Basic licenses').fill('7');
    // The details are left empty; the browser's own checks are off, as in a script-less old browser.
    await page
      .locator('form')
      .first()
      .evaluate((form) => form.setAttribute('novalidate', ''));
    await Promise.all([
      page.waitForURL(/\/accept$/),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);

    await expect(page.getByLabel('Microsoft 365 Business Basic licenses').inputValue()).resolves.toBe('7');
    await expect(text('#licenses-M365_BUSINESS_BASIC-price')).resolves.toContain(
      'Total for 7 licenses: $51.45 per month',
    );
    await expect(text('.total-month')).resolves.toBe('$168.45');
    await expect(text('.total-year')).resolves.toBe('$2,021.40');
  });

  it('updates line totals, totals and the commitment as counts and terms change, before sending', async () => {
    const { summaryId } = await seededOffer('US', [
      pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'monthly', [
        ['P1Y', 'monthly'],
        ['P1M', 'monthly'],
      ]),
      pricedLine('US', 'M365_E3', 3, 'P1Y', 'annual'),
      pricedLine('US', 'TEAMS_ESSENTIALS', 2, 'P1Y', 'annual'),
    ]);
    await open(summaryId, 'pt-BR');
    await expect(text('.total-month')).resolves.toBe('US$ 190,50');

    await page.getByLabel('Licenças do Microsoft 365 Business Basic').fill('1');

    await expect(text('#licenses-M365_BUSINESS_BASIC-price')).resolves.toBe(
      'US$ 7,35 por licença por mêsTotal para 1 licença: US$ 7,35 por mês',
    );
    await expect(text('.total-month')).resolves.toBe('US$ 124,35');
    await expect(text('.total-year')).resolves.toBe('US$ 1.492,20');

    await page.getByLabel('Licenças do Microsoft 365 E3').fill('0');
    await expect(page.locator('.totals').isVisible()).resolves.toBe(false);
    await expect(page.locator('.totals-invalid').isVisible()).resolves.toBe(true);
    await page.getByLabel('Licenças do Microsoft 365 E3').fill('4');
    await page.getByRole('radio', { name: /Compromisso mensal, cobrado mensalmente/ }).check();

    await expect(text('#licenses-M365_BUSINESS_BASIC-price')).resolves.toBe(
      'US$ 8,40 por licença por mêsTotal para 1 licença: US$ 8,40 por mês',
    );
    await expect(text('#licenses-M365_E3-price')).resolves.toBe(
      'US$ 468,00 por licença por ano (US$ 39,00 por licença por mês)Total para 4 licenças: US$ 1.872,00 por ano',
    );
    await expect(text('.total-month')).resolves.toBe('US$ 164,40');
    await expect(text('.total-year')).resolves.toBe('US$ 1.972,80');
    await expect(page.locator('.totals-partial').isVisible()).resolves.toBe(true);
    await expect(page.locator('.totals-monthly-term').isVisible()).resolves.toBe(true);
    await expect(page.locator('.commitment li[data-term="P1M"]').isVisible()).resolves.toBe(true);
    await expect(page.locator('.commitment li[data-term="P1Y"]').isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('shows the accepted counts’ prices and totals on the confirmation page after a count is changed', async () => {
    const { summaryId } = await seededOffer('US', usLines());
    // The confirmation page continues to the checkout by itself after a few seconds: not during this test.
    const checkoutOrigin = process.env.CHECKOUT_ENTRY_ORIGIN ?? '';
    await page.route(
      (url) => url.origin === checkoutOrigin,
      (route) => route.abort(),
    );
    await open(summaryId, 'en');

    await page.getByLabel('Microsoft 365 Business Basic licenses').fill('25');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Alves');
    await page.getByLabel('Email', { exact: true }).fill('rita@tailwind.example');
    const beforeAccepting = new Date();
    await Promise.all([
      page.waitForURL(/\/accepted\//),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);
    const afterAccepting = new Date();

    // The clock counts from the recorded acceptance, some instant between the two (minutes shown).
    const accepted = [beforeAccepting, afterAccepting];
    const acceptedOn = accepted.map((at) => plain(formatDateTime('en', at.toISOString(), 'US')));
    const windowEnds = accepted.map((at) =>
      plain(formatDateTime('en', commitmentClock('P1Y', at).reduceOrCancelUntil.toISOString(), 'US')),
    );
    const lead = await text('.commitment p');
    expect(acceptedOn.map((when) => `As accepted on ${when}, if the purchase is made then:`)).toContain(lead);
    const clock = await text('.commitment li');
    const expectedClocks = windowEnds.flatMap((until) =>
      yearTermEnds(beforeAccepting, 'en').map(
        (end) =>
          `1-year commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until ${until}; after that, the licenses are committed until the 1-year term ends on ${end}.`,
      ),
    );
    expect(expectedClocks).toContain(clock);
    await expect(page.locator('.commitment li').count()).resolves.toBe(1);

    await expect(
      page
        .locator('.accepted li')
        .allTextContents()
        .then((all) => all.map(plain)),
    ).resolves.toEqual([
      'Microsoft 365 Business Basic: 25 licenses\n1-year commitment, billed monthly\n$7.35 per license per monthTotal for 25 licenses: $183.75 per month',
      'Microsoft 365 E3: 3 licenses\n1-year commitment, paid up front\n$468.00 per license per year ($39.00 per license per month)Total for 3 licenses: $1,404.00 per year',
    ]);
    // 25 × $7.35 + 3 × $39.00 a month.
    await expect(text('.total-month')).resolves.toBe('$300.75');
    await expect(text('.total-year')).resolves.toBe('$3,609.00');
  });

  it('lets the customer pick a term: the chosen one is accepted with its price and totals', async () => {
    const { summaryId } = await seededOffer('US', [
      pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual', [
        ['P1Y', 'annual'],
        ['P1Y', 'monthly'],
        ['P1M', 'monthly'],
      ]),
    ]);
    const checkoutOrigin = process.env.CHECKOUT_ENTRY_ORIGIN ?? '';
    await page.route(
      (url) => url.origin === checkoutOrigin,
      (route) => route.abort(),
    );
    await open(summaryId, 'en');
    await expect(
      page.getByRole('group', { name: 'Term and billing for Microsoft 365 Business Basic' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByRole('radio', { name: /1-year commitment, paid up front/ }).isChecked()).resolves.toBe(true);

    await page.getByRole('radio', { name: /Monthly commitment, billed monthly/ }).check();
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Alves');
    await page.getByLabel('Email', { exact: true }).fill('rita@tailwind.example');
    await Promise.all([
      page.waitForURL(/\/accepted\//),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);

    await expect(text('.accepted .term')).resolves.toBe('Monthly commitment, billed monthly');
    await expect(text('.accepted .price')).resolves.toBe(
      '$8.40 per license per monthTotal for 10 licenses: $84.00 per month',
    );
    await expect(text('.total-month')).resolves.toBe('$84.00');
    await expect(text('.total-year')).resolves.toBe('$1,008.00');
  });

  it('shows a replaced offer’s link as "this offer was replaced", leading to the new offer', async () => {
    const replacement = await seededOffer('US', usLines());
    const old = await seededOffer('US', usLines());
    await localTable.client.send(
      new UpdateCommand({
        TableName: localTable.name,
        Key: { PK: offerKeys.pk(old.summaryId), SK: offerKeys.sk() },
        UpdateExpression: 'SET revisedBy = :new, deactivatedAt = :at',
        ExpressionAttributeValues: { ':new': replacement.summaryId, ':at': new Date().toISOString() },
      }),
    );

    const response = await page.goto(`${LOCAL_BASE_URL}/o/${old.summaryId}?lang=en`);

    expect(response?.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This offer was replaced');
    await expect(page.locator('form').count()).resolves.toBe(0);
    await Promise.all([
      page.waitForURL(/\/o\/[^/?]+$/),
      page.getByRole('link', { name: 'View the new offer' }).click(),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/o/${replacement.summaryId}`);
    await expect(page.locator('form').count()).resolves.toBeGreaterThan(0);
  });

  it('answers a form sent after the offer was replaced with the replaced page, recording nothing', async () => {
    const replacement = await seededOffer('US', usLines());
    const old = await seededOffer('US', usLines());
    await open(old.summaryId, 'en');
    await page.getByLabel('Company name').fill('Tailwind Traders');
    await page.getByLabel('First name').fill('Rita');
    await page.getByLabel('Last name').fill('Alves');
    await page.getByLabel('Email', { exact: true }).fill('rita@tailwind.example');
    // The partner revises the offer while the customer has its page open.
    await localTable.client.send(
      new UpdateCommand({
        TableName: localTable.name,
        Key: { PK: offerKeys.pk(old.summaryId), SK: offerKeys.sk() },
        UpdateExpression: 'SET revisedBy = :new, deactivatedAt = :at',
        ExpressionAttributeValues: { ':new': replacement.summaryId, ':at': new Date().toISOString() },
      }),
    );

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/accept')),
      page.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);

    expect(response.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This offer was replaced');
    await expect(page.getByRole('link', { name: 'View the new offer' }).getAttribute('href')).resolves.toBe(
      `/o/${replacement.summaryId}`,
    );
    expect((await partnerApi(`/v1/offers/${old.summaryId}`)).counters.acceptances).toBe(0);
  });
});
