import { jest } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  activeOfficeId,
  countedCounters,
  DESKTOP_USER_AGENT,
  LOCAL_BASE_URL,
  launchChromium,
  partnerApi,
} from '../support/browser.ts';

/** A fresh offer of the seeded demo partner (its logo is the one the local runtime serves). */
async function createOffer(): Promise<{ summaryId: string }> {
  return partnerApi('/v1/offers', {
    method: 'POST',
    body: {
      officeId: await activeOfficeId(),
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
      delegatedAdmin: false,
      locale: 'en',
    },
  });
}

const views = async (summaryId: string): Promise<number> => (await countedCounters(summaryId)).views;

// A real browser against npm start on a shared 2-core machine: seconds per test, not milliseconds.
jest.setTimeout(30_000);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

let context: BrowserContext;
afterEach(() => context?.close());

/** A browser profile that only reaches the local servers (hermetic: nothing from the internet). */
async function openContext(userAgent?: string): Promise<BrowserContext> {
  context = await browser.newContext(userAgent ? { userAgent } : {});
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  return context;
}

describe('views in a real browser', () => {
  it('counts exactly one view per page open by a person’s desktop Chromium', async () => {
    const offer = await createOffer();
    const page = await (await openContext(DESKTOP_USER_AGENT)).newPage();

    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    const afterFirstOpen = await views(offer.summaryId);
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);

    expect(afterFirstOpen).toBe(1);
    expect(await views(offer.summaryId)).toBe(2);
  });

  it('does not count headless Chromium announcing itself', async () => {
    const offer = await createOffer();
    const page = await (await openContext()).newPage();

    const response = await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);

    expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome');
    expect(response?.status()).toBe(200);
    expect(await views(offer.summaryId)).toBe(0);
  });
});

describe('pasted links in a real browser', () => {
  it.each([')', '.', ',', '/', ').', '%29', "'", '%3E', '%E2%80%9D'])(
    'lands on the offer page from /o/<code>%s, at the canonical address, counting one view',
    async (trailer) => {
      const offer = await createOffer();
      const page = await (await openContext(DESKTOP_USER_AGENT)).newPage();

      const response = await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}${trailer}`);

      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe(`/o/${offer.summaryId}`);
      await expect(page.getByRole('button', { name: 'Accept and go to checkout' }).isVisible()).resolves.toBe(true);
      expect(await views(offer.summaryId)).toBe(1);
    },
  );

  it('lands on the offer page from a loosely typed code', async () => {
    const offer = await createOffer();
    const page = await (await openContext(DESKTOP_USER_AGENT)).newPage();

    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId.replace(/-/g, '').toLowerCase()}`);

    expect(new URL(page.url()).pathname).toBe(`/o/${offer.summaryId}`);
  });
});

interface LoadedImage {
  decode(): Promise<void>;
  readonly naturalWidth: number;
}

describe('the demo partner on a newcomer’s first page', () => {
  it('shows the logo the local runtime serves, allowed by the page CSP', async () => {
    const offer = await createOffer();
    const page = await (await openContext(DESKTOP_USER_AGENT)).newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });

    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    const logo = page.getByRole('img', { name: 'Contoso Cloud Advisors' });
    // No DOM types in this project: the element is an HTMLImageElement.
    await logo.evaluate((img) => (img as unknown as LoadedImage).decode());

    expect(await logo.getAttribute('src')).toBe(`${LOCAL_BASE_URL}/local/demo-logo.svg`);
    expect(await logo.evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).toBeGreaterThan(0);
    expect(blocked).toEqual([]);
  });
});
