import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { LOCAL_BASE_URL, launchChromium, partnerApi } from '../support/browser.ts';
import {
  CREATE_BUTTON,
  closeContexts,
  fillSelectOptions,
  localOfferUrl,
  newContext,
  signIn,
  submit,
  summaryIdOnSendPage,
  WAIT,
} from './console-support.ts';

// A whole partner day in one test: many page loads on a busy machine.
jest.setTimeout(180_000);

/**
 * A partner's day in the console, in Chromium against `npm start`: sign in with the demo key,
 * create an offer through both wizard pages (a license count out of range first, then fixed),
 * copy the link, a customer accepts it in a browser of their own, the partner sees it on the
 * offer page, deactivates the offer and signs out; the old cookie then signs nobody in.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(closeContexts);

/** The parts of the page's globals read here (the tests are typed without the DOM library). */
interface ValidityState {
  readonly rangeOverflow: boolean;
}
interface Clipboarded {
  readonly clipboard: { readText(): Promise<string> };
}

/** The number a counter shows on the console's offer page. */
async function counter(page: Page, name: 'views' | 'acceptances' | 'declines'): Promise<number> {
  return Number(await page.locator(`[data-counter="${name}"]`).textContent());
}

/** Asks `check` again (every half second, for at most WAIT.timeout) until it answers true; answers its last answer. */
async function untilTrue(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** An attribute of the element that has the focus (null: no such attribute, or the focus is on the page itself). */
function focusedAttribute(page: Page, name: string): Promise<string | null> {
  return page.evaluate((attribute) => {
    const { document } = globalThis as unknown as {
      document: { activeElement: { getAttribute(name: string): string | null } | null };
    };
    return document.activeElement?.getAttribute(attribute) ?? null;
  }, name);
}

/**
 * Reloads the offer page until the views counter shows a view: views are added to the counter
 * from the table stream (README, "Views at any rate"), a moment after the page view itself. Answers the count.
 */
async function viewsOnceCounted(page: Page): Promise<number> {
  await untilTrue(async () => {
    await page.reload();
    return (await counter(page, 'views')) >= 1;
  });
  return counter(page, 'views');
}

describe('the partner console in Chromium', () => {
  it('signs in, creates an offer through both pages, sees a customer accept it, deactivates it and signs out', async () => {
    const partnerContext = await newContext(browser);
    await partnerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: LOCAL_BASE_URL });
    const page = await partnerContext.newPage();

    // Sign in with the demo key npm start prints.
    await signIn(page);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Offers');

    // Page 1: a license count above the SKU's limit. Chromium's own check stops the post first...
    await fillSelectOptions(page, '301');
    const licenses = page.locator('#licenses-M365_BUSINESS_STANDARD');
    await page.getByRole('button', { name: CREATE_BUTTON }).click();
    await expect(
      licenses.evaluate((input) => (input as unknown as { validity: ValidityState }).validity.rangeOverflow),
    ).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe('/console/offers/new');
    // ...and a browser that does not check (or a person who bypasses it) gets the server's answer:
    // the error next to the field and in the summary, the form kept as typed.
    await page.locator('form:has(#officeId)').evaluate((form) => form.setAttribute('novalidate', ''));
    await submit(page, CREATE_BUTTON);
    const fieldError = page.locator('#licenses-M365_BUSINESS_STANDARD-error');
    await expect(fieldError.textContent()).resolves.toBe(
      'The license count for Microsoft 365 Business Standard must be from 1 to 300',
    );
    await expect(licenses.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('alert').getByRole('link').textContent()).resolves.toBe(
      'The license count for Microsoft 365 Business Standard must be from 1 to 300',
    );
    await expect(page.locator('#include-M365_BUSINESS_STANDARD').isChecked()).resolves.toBe(true);
    await expect(licenses.inputValue()).resolves.toBe('301');
    // By keyboard: the summary has the focus on arrival (autofocus on the alert, so it is read out
    // at once); Tab reaches its link, and Enter on the link puts the focus in the field to fix.
    await expect(untilTrue(async () => (await focusedAttribute(page, 'role')) === 'alert')).resolves.toBe(true);
    await expect(focusedAttribute(page, 'aria-labelledby')).resolves.toBe('error-summary-title');
    await page.keyboard.press('Tab');
    await expect(focusedAttribute(page, 'href')).resolves.toBe('#licenses-M365_BUSINESS_STANDARD');
    await page.keyboard.press('Enter');
    await expect(
      untilTrue(async () => (await focusedAttribute(page, 'id')) === 'licenses-M365_BUSINESS_STANDARD'),
    ).resolves.toBe(true);

    // The fix: within the limits, and the offer is created; page 2 (Send) follows.
    await licenses.fill('25');
    await submit(page, CREATE_BUTTON);
    const summaryId = summaryIdOnSendPage(page);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Send your offer');
    const created = await partnerApi(`/v1/offers/${summaryId}`);
    expect(created.items).toEqual([expect.objectContaining({ sku: 'M365_BUSINESS_STANDARD', licenses: 25 })]);

    // Copy the link with its button (a script the CSP allows by hash; the button shows only with it).
    const link = page.getByRole('textbox', { name: 'Link for your customers' });
    const offerUrl = await link.inputValue();
    expect(offerUrl).toBe(created.url);
    await page.getByRole('button', { name: 'Copy: Link for your customers' }).click();
    await expect(page.locator('#copy-status').textContent()).resolves.toBe('Copied');
    await expect(
      page.evaluate(() => (globalThis as unknown as { navigator: Clipboarded }).navigator.clipboard.readText()),
    ).resolves.toBe(offerUrl);

    // A customer opens the copied link in a browser of their own and accepts.
    const customer = await (await newContext(browser)).newPage();
    await customer.goto(localOfferUrl(offerUrl));
    await customer.getByLabel('Microsoft 365 Business Standard licenses').fill('20');
    await customer.getByLabel('Company name').fill('Tailwind Traders');
    await customer.getByLabel('First name').fill('Rita');
    await customer.getByLabel('Last name').fill('Alves');
    await customer.getByLabel('Email').fill('rita@tailwind.example');
    await Promise.all([
      customer.waitForURL(/\/accepted\//),
      customer.getByRole('button', { name: 'Accept and go to checkout' }).click(),
    ]);

    // The partner's offer page: the acceptance and the counters (views arrive through the stream).
    await page.goto(`${LOCAL_BASE_URL}/console/offers/${summaryId}`);
    await expect(viewsOnceCounted(page)).resolves.toBe(1);
    await expect(counter(page, 'acceptances')).resolves.toBe(1);
    await expect(counter(page, 'declines')).resolves.toBe(0);
    const acceptances = page.locator('section[aria-labelledby="acceptances-title"]');
    await expect(acceptances.textContent()).resolves.toContain('Tailwind Traders');
    await expect(acceptances.textContent()).resolves.toContain('rita@tailwind.example');

    // Deactivate, with a message to customers.
    await page.getByLabel('Message to customers (optional)').fill('This offer was replaced; ask us for a new one.');
    await submit(page, 'Deactivate this offer');
    await expect(page.locator('[data-status]').first().textContent()).resolves.toBe('Deactivated');
    expect((await partnerApi(`/v1/offers/${summaryId}`)).status).toBe('deactivated');
    // The customer's next visit says so, with the message (the offer page may serve its cached
    // copy of the offer for a few seconds: README, "Views").
    await expect(
      untilTrue(async () => {
        await customer.goto(localOfferUrl(offerUrl));
        return customer.getByText('This offer was replaced; ask us for a new one.').isVisible();
      }),
    ).resolves.toBe(true);

    // Sign out: the session ends on the server, so the cookie it had signs nobody in any more.
    const [session] = await partnerContext.cookies(LOCAL_BASE_URL);
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    await submit(page, 'Sign out');
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.getByRole('status').textContent()).resolves.not.toBe('');
    if (!session) throw new Error('no session cookie');

    const replay = await newContext(browser);
    await replay.addCookies([session]);
    const replayed = await replay.newPage();
    await replayed.goto(`${LOCAL_BASE_URL}/console/offers/${summaryId}`);
    expect(new URL(replayed.url()).pathname).toBe('/console');
    await expect(replayed.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in');
    const fetched = await fetch(`${LOCAL_BASE_URL}/console/offers`, {
      redirect: 'manual',
      headers: { cookie: `${session.name}=${session.value}` },
    });
    expect(fetched.status).toBe(303);
    expect(new URL(fetched.headers.get('location') ?? '', LOCAL_BASE_URL).pathname).toBe('/console');
  });
});
