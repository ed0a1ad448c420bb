import { jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiOffer, countedCounters, DESKTOP_USER_AGENT, LOCAL_BASE_URL, launchChromium } from '../support/browser.ts';

// Page loads, a meta refresh of a few seconds and a redirect: more than jest's default 5 s.
jest.setTimeout(60_000);

/**
 * Accepting in a real Chromium, against a checkout that redirects onward to another origin (see
 * checkout-servers.ts and globalSetup.ts): Chromium applies the page's CSP form-action to every
 * redirect that follows a form post, so the way to the checkout must not start with the post.
 */
const ENTRY_ORIGIN = process.env.CHECKOUT_ENTRY_ORIGIN ?? '';
const LANDING_ORIGIN = process.env.CHECKOUT_LANDING_ORIGIN ?? '';

const counters = countedCounters;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

/** A person's browser profile that only reaches the local servers (nothing from the internet). */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT });
  contexts.push(context);
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  return context.newPage();
}

/** Fills in the accept form as a customer would. */
async function fillIn(page: Page, licenses = '25'): Promise<void> {
  await page.getByLabel('Microsoft 365 Business Standard licenses').fill(licenses);
  await page.getByLabel('Company name').fill('Tailwind Traders');
  await page.getByLabel('First name').fill('Rita');
  await page.getByLabel('Last name').fill('Alves');
  await page.getByLabel('Email').fill('rita@tailwind.example');
  await page.getByLabel('Accept with delegated administration').check();
}

const ACCEPT = 'Accept and go to checkout';

describe('accepting in Chromium', () => {
  it('goes from the form through the confirmation page to a checkout that redirects to another origin', async () => {
    const offer = await apiOffer();
    const page = await newPage();
    const visited: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) visited.push(new URL(frame.url()).origin + new URL(frame.url()).pathname);
    });
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    await fillIn(page);

    await Promise.all([page.waitForURL(/\/accepted\//), page.getByRole('button', { name: ACCEPT }).click()]);
    // The confirmation page, then on by itself (meta refresh) through the redirect.
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'You accepted the offer from Contoso Cloud Advisors',
    );
    await page.waitForURL((url) => url.origin === LANDING_ORIGIN, { timeout: 20_000 });

    const landed = new URL(page.url());
    expect(landed.origin).not.toBe(ENTRY_ORIGIN);
    expect(landed.pathname).toBe('/checkout');
    expect(landed.searchParams.get('offer')).toBe(offer.summaryId);
    expect(landed.searchParams.get('items')).toBe('M365_BUSINESS_STANDARD:25,TEAMS_ESSENTIALS:2');
    expect(landed.searchParams.get('delegatedAdmin')).toBe('true');
    await expect(page.getByRole('heading', { name: 'Demo checkout' }).isVisible()).resolves.toBe(true);
    // Form, confirmation, checkout: the redirect from the checkout's first origin is no page of its own.
    expect(visited).toHaveLength(3);
    expect(visited[0]).toBe(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    expect(visited[1]?.startsWith(`${LOCAL_BASE_URL}/o/${offer.summaryId}/accepted/v1.`)).toBe(true);
    expect(visited[2]).toBe(`${LANDING_ORIGIN}/checkout`);
    expect(await counters(offer.summaryId)).toMatchObject({ views: 1, acceptances: 1 });
  });

  it('lands a double click on the last acceptance on the confirmation page, recording one acceptance', async () => {
    const offer = await apiOffer({ maxAcceptances: 1 });
    const page = await newPage();
    // Two clicks, the second before the first one's answer arrived: the first post reaches the
    // server and records the last acceptance, its answer is lost (the browser moved on to the
    // second post), and the second post is what the browser shows.
    const statuses: number[] = [];
    await page.route(`${LOCAL_BASE_URL}/o/${offer.summaryId}/accept`, async (route) => {
      if (statuses.length > 0) return route.continue();
      const response = await route.fetch({
        maxRedirects: 0,
        // What Chromium adds on the wire for a form post (the fetch from here does not).
        headers: {
          ...(await route.request().allHeaders()),
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
          'sec-fetch-site': 'same-origin',
        },
      });
      statuses.push(response.status());
      await route.abort('aborted');
    });
    page.on('response', (response) => {
      if (response.request().method() === 'POST') statuses.push(response.status());
    });
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    await fillIn(page);
    const accept = page.getByRole('button', { name: ACCEPT });

    await accept.click();
    await Promise.all([page.waitForURL(/\/accepted\//), accept.click()]);

    // Both posts were answered with the confirmation, though the first one exhausted the offer.
    expect(statuses).toEqual([303, 303]);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'You accepted the offer from Contoso Cloud Advisors',
    );
    await expect(page.getByText('Microsoft 365 Business Standard: 25 licenses').isVisible()).resolves.toBe(true);
    expect(await counters(offer.summaryId)).toMatchObject({ acceptances: 1 });
  });

  it('shows the confirmation again when revisited later, and continues to the checkout from it', async () => {
    const offer = await apiOffer();
    const first = await newPage();
    await first.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    await fillIn(first, '7');
    await Promise.all([first.waitForURL(/\/accepted\//), first.getByRole('button', { name: ACCEPT }).click()]);
    const confirmation = first.url();
    await first.context().close();

    // Later, from the browser history, in a fresh window.
    const later = await newPage();
    await later.goto(confirmation);

    await expect(later.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'You accepted the offer from Contoso Cloud Advisors',
    );
    await expect(later.getByText('Microsoft 365 Business Standard: 7 licenses').isVisible()).resolves.toBe(true);
    await expect(later.getByText('With delegated administration').isVisible()).resolves.toBe(true);
    await expect(later.locator('footer').textContent()).resolves.toContain(offer.summaryId);
    await Promise.all([
      later.waitForURL((url) => url.origin === LANDING_ORIGIN),
      later.getByRole('link', { name: 'Continue to checkout' }).click(),
    ]);
    expect(new URL(later.url()).searchParams.get('items')).toBe('M365_BUSINESS_STANDARD:7,TEAMS_ESSENTIALS:2');
    // The confirmation is no view of the offer, and no second acceptance.
    expect(await counters(offer.summaryId)).toMatchObject({ views: 1, acceptances: 1 });
  });

  it('keeps the language the customer switched to on the confirmation page', async () => {
    const offer = await apiOffer({ locale: 'en' });
    const page = await newPage();
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    await Promise.all([page.waitForURL(/\?lang=pt-BR$/), page.getByRole('link', { name: 'Ver em português' }).click()]);
    await page.locator('#company').fill('Tailwind Traders');
    await page.locator('#first-name').fill('Rita');
    await page.locator('#last-name').fill('Alves');
    await page.locator('#email').fill('rita@tailwind.example');
    await page.locator('#delegated-admin').check();

    await Promise.all([
      page.waitForURL(/\/accepted\//),
      page.locator('form[action$="/accept"] button[type="submit"]').click(),
    ]);

    expect(new URL(page.url()).searchParams.get('lang')).toBe('pt-BR');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('pt-BR');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Você aceitou a oferta de Contoso Cloud Advisors',
    );
  });

  it('opens pasted variants of the form’s and the offer’s addresses as the offer page', async () => {
    const offer = await apiOffer();
    const page = await newPage();

    for (const pasted of [`/o/${offer.summaryId}/accept/`, `/o/${offer.summaryId}/decline)`, `/O/${offer.summaryId}`]) {
      const response = await page.goto(`${LOCAL_BASE_URL}${pasted}`);
      expect({ pasted, status: response?.status(), path: new URL(page.url()).pathname }).toEqual({
        pasted,
        status: 200,
        path: `/o/${offer.summaryId}`,
      });
    }
    await expect(page.getByRole('button', { name: ACCEPT }).isVisible()).resolves.toBe(true);
  });

  it('opens the form’s address (history, a copied link) as the offer page', async () => {
    const offer = await apiOffer();
    const page = await newPage();

    const response = await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}/accept`);

    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/o/${offer.summaryId}`);
    await expect(page.getByRole('button', { name: ACCEPT }).isVisible()).resolves.toBe(true);
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}/decline`);
    expect(new URL(page.url()).pathname).toBe(`/o/${offer.summaryId}`);
  });
});
