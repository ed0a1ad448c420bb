import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { activeOfficeId, DESKTOP_USER_AGENT, LOCAL_API_KEY, LOCAL_BASE_URL } from '../support/browser.ts';

export { apiOffer } from '../support/browser.ts';

/**
 * What the console's browser tests share: a partner's browser profile, signing in through the
 * form, the create wizard's page 1 as a person fills it in, the axe-core check and screenshots.
 */

/** Where the screenshots go (committed: the README shows one). */
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** The desktop width screenshots are taken at. */
export const DESKTOP_VIEWPORT = { width: 1280, height: 900 };
/** A common phone (iPhone 12-15 class, CSS pixels). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };

/** Polling waits: the machine may be busy, so generous bounds, never a timing assertion. */
export const WAIT = { timeout: 30_000 };

/** The seeded demo partner's name, as pages show it. */
export const DEMO_PARTNER_NAME = 'Contoso Cloud Advisors';

/** Contexts opened by a test file; closed by `closeContexts` after each test. */
const opened: BrowserContext[] = [];

/**
 * A person's browser profile that only reaches the local servers (nothing from the internet), with
 * a desktop user agent (headless Chromium would announce itself as HeadlessChrome, a bot).
 */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ userAgent: DESKTOP_USER_AGENT, viewport: DESKTOP_VIEWPORT, ...options });
  opened.push(context);
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort(),
  );
  return context;
}

export async function closeContexts(): Promise<void> {
  await Promise.all(opened.splice(0).map((context) => context.close()));
}

/** Lets the context reach `localhost` too (a site other than 127.0.0.1, still this machine). */
export async function allowLocalhost(context: BrowserContext): Promise<void> {
  // Routes run newest first: this one lets localhost through before newContext's abort sees it.
  await context.route(
    (url) => url.hostname === 'localhost',
    (route) => route.continue(),
  );
}

/** What the console received from an attacker's auto-submitted form, as the browser sent it. */
export interface ForgedPost {
  /** The console's answer's status. */
  readonly status: number;
  /** The headers the browser sent with the post (cookies included). */
  readonly requestHeaders: Record<string, string>;
}

/**
 * Opens, in `page`, a malicious page served by a server of its own on this machine at
 * http://{host}:{port}/ whose form posts `fields` to the console's `action` by itself as soon as it
 * loads. `host` 127.0.0.1 is another origin of the same site (cookies of every SameSite go along);
 * `localhost` is another site (the context must allowLocalhost). The page ends on the console's
 * answer; the server is closed before this returns.
 */
export async function visitAttacker(
  page: Page,
  action: string,
  fields: Record<string, string>,
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
): Promise<ForgedPost> {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  const body = `<!DOCTYPE html><html lang="en"><title>Win a prize</title>
<form method="post" action="${LOCAL_BASE_URL}${action}">${inputs}</form>
<script>document.forms[0].submit()</script></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const target = `${LOCAL_BASE_URL}${action}`;
    const answer = page.waitForResponse((response) => response.url().startsWith(target));
    await page.goto(`http://${host}:${(server.address() as AddressInfo).port}/`);
    const response = await answer;
    await page.waitForLoadState();
    return { status: response.status(), requestHeaders: await response.request().allHeaders() };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Signs in through the sign-in form with `key` (the demo key by default) and lands on the offers list. */
export async function signIn(page: Page, key = LOCAL_API_KEY): Promise<void> {
  await page.goto(`${LOCAL_BASE_URL}/console`);
  await page.getByLabel('API key').fill(key);
  await Promise.all([page.waitForURL(/\/console\/offers/), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** A click that submits a form: resolves once the next page has loaded. */
export async function submit(page: Page, buttonName: string | RegExp): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: buttonName }).click()]);
}

/**
 * Page 1 as a partner fills it in: office, usage location Brazil, "Show subscriptions sold there"
 * (a form post: the page works without scripts), then Microsoft 365 Business Standard ticked with
 * `licenses` licenses. The create button is left to the caller.
 */
export async function fillSelectOptions(page: Page, licenses: string): Promise<void> {
  await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
  await page.getByLabel('Office', { exact: true }).selectOption(await activeOfficeId());
  await page.getByLabel('Customer’s usage location').selectOption('BR');
  await submit(page, 'Show subscriptions sold there');
  await page.locator('#include-M365_BUSINESS_STANDARD').check();
  await page.locator('#licenses-M365_BUSINESS_STANDARD').fill(licenses);
}

export const CREATE_BUTTON = 'Create offer and continue';

/** The summary ID of the send page the browser is on (/console/offers/{summaryId}/send). */
export function summaryIdOnSendPage(page: Page): string {
  const match = /\/console\/offers\/([^/?]+)\/send/.exec(page.url());
  if (!match?.[1]) throw new Error(`not on a send page: ${page.url()}`);
  return match[1];
}

/** The offer link on this machine (the API answers it on PUBLIC_BASE_URL, which is the same server). */
export function localOfferUrl(url: string): string {
  return url.replace(/^https?:\/\/[^/]+/, LOCAL_BASE_URL);
}

/** One axe-core finding, trimmed to what a failure message needs. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null | undefined;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * Runs axe-core (WCAG 2.0-2.2 A and AA rules plus best practices) on the page and answers its
 * serious and critical violations. axe's source is evaluated through the DevTools protocol
 * (`page.evaluate`), which the console's strict CSP does not apply to, so the page is checked
 * exactly as served: no CSP bypass, no injected <script> element.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: typeof axe }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/**
 * A full-page screenshot saved as test/artifacts/console-{name}.png, one image pixel per CSS pixel
 * (a phone's 2x or 3x would only make the committed files heavier).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `console-${name}.png`), fullPage: true, scale: 'css' });
}

/** How far the page's content reaches past the viewport's width, in CSS pixels (0: no horizontal scroll). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number }; body: { scrollWidth: number } };
      innerWidth: number;
    };
    return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - innerWidth;
  });
}
