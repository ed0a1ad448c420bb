import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { LEGACY_ICON_PATH, SITE_ICON_CACHE_CONTROL, SITE_ICON_PATH } from '../../shared/render/site-icon.ts';
import { apiOffer, DESKTOP_USER_AGENT, LOCAL_BASE_URL, launchChromium } from '../support/browser.ts';
import { closeContexts, newContext, signIn, WAIT } from './console-support.ts';

jest.setTimeout(120_000);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(closeContexts);

/** One response the page's network saw, as Chromium's DevTools protocol reports it. */
interface SeenResponse {
  readonly path: string;
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Served from the browser's memory or disk cache, not the network. */
  readonly fromCache: boolean;
}

/** What a page asked for and got, from the moment this is called. */
interface NetworkLog {
  /** Paths of every request the page made, the browser's own favicon requests included. */
  readonly requested: string[];
  readonly responses: SeenResponse[];
  /** Requests that got no response at all (a CSP block, an abort), with the reason. */
  readonly failed: string[];
}

/**
 * Records the page's network through the DevTools protocol rather than Playwright's request
 * events: the browser's own `/favicon.ico` request, made for a page that declares no icon, is
 * reported there and not to Playwright.
 */
async function recordNetwork(page: Page): Promise<NetworkLog> {
  const log: NetworkLog = { requested: [], responses: [], failed: [] };
  const paths = new Map<string, string>();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (event) => {
    const path = new URL(event.request.url).pathname;
    paths.set(event.requestId, path);
    log.requested.push(path);
    // A redirect is reported as the next request of the same id, with the answer that led to it.
    if (event.redirectResponse) log.responses.push(seen(path, event.redirectResponse));
  });
  cdp.on('Network.responseReceived', (event) => {
    log.responses.push(seen(new URL(event.response.url).pathname, event.response));
  });
  cdp.on('Network.loadingFailed', (event) => {
    log.failed.push(`${paths.get(event.requestId)}: ${event.blockedReason ?? event.errorText}`);
  });
  return log;
}

function seen(
  path: string,
  response: {
    status: number;
    headers: Record<string, string>;
    fromDiskCache?: boolean;
    fromMemoryCache?: boolean;
  },
): SeenResponse {
  return {
    path,
    status: response.status,
    headers: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value])),
    fromCache: Boolean(response.fromDiskCache || response.fromMemoryCache),
  };
}

/**
 * The icon's response, once the browser has asked for it (it does after the page loads, in the
 * background). Polls the log; fails naming what the page did ask for if it never does.
 */
async function iconResponse(log: NetworkLog, after = 0): Promise<SeenResponse> {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const found = log.responses.slice(after).find((response) => response.path === SITE_ICON_PATH);
    if (found) return found;
    if (Date.now() > deadline || log.failed.length > 0) {
      throw new Error(`no icon response; requested ${log.requested.join(', ')}; failed ${log.failed.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The page's requests answered with an error status (404 above all). */
const errors = (log: NetworkLog) => log.responses.filter((response) => response.status >= 400);

function expectCacheableIcon(icon: SeenResponse): void {
  expect(icon.status).toBe(200);
  expect(icon.headers['content-type']).toBe('image/svg+xml');
  expect(icon.headers['cache-control']).toBe(SITE_ICON_CACHE_CONTROL);
}

describe('the service icon in Chromium', () => {
  it('is what a customer offer page shows: no /favicon.ico, no 404, and a second view takes it from the cache', async () => {
    // Arrange
    const offer = await apiOffer();
    // Not newContext: its request routing turns the browser's HTTP cache off, and the cache is the point.
    const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT });
    const page = await context.newPage();
    const log = await recordNetwork(page);

    // Act
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    const icon = await iconResponse(log);
    const firstView = log.responses.length;
    await page.goto(`${LOCAL_BASE_URL}/o/${offer.summaryId}`);
    const again = await iconResponse(log, firstView);

    await context.close();

    // Assert
    expectCacheableIcon(icon);
    expect(again.fromCache).toBe(true);
    expect(log.requested).not.toContain(LEGACY_ICON_PATH);
    expect(errors(log)).toEqual([]);
    expect(log.failed).toEqual([]);
  });

  it('is what the console shows, from sign-in to the offers list: no /favicon.ico, no 404', async () => {
    // Arrange
    const page = await (await newContext(browser)).newPage();
    const log = await recordNetwork(page);

    // Act
    await signIn(page);
    const icon = await iconResponse(log);

    // Assert
    expect(new URL(page.url()).pathname).toBe('/console/offers');
    expectCacheableIcon(icon);
    expect(log.requested).not.toContain(LEGACY_ICON_PATH);
    expect(errors(log)).toEqual([]);
    expect(log.failed).toEqual([]);
  });

  it('is what a 404 page of a mistyped link shows, instead of a second 404 for /favicon.ico', async () => {
    // Arrange
    const page = await (await newContext(browser)).newPage();
    const log = await recordNetwork(page);

    // Act
    const response = await page.goto(`${LOCAL_BASE_URL}/console/no-such-page`);
    const icon = await iconResponse(log);

    // Assert
    expect(response?.status()).toBe(404);
    expectCacheableIcon(icon);
    expect(log.requested).not.toContain(LEGACY_ICON_PATH);
    expect(errors(log).map((answer) => answer.path)).toEqual(['/console/no-such-page']);
  });
});
