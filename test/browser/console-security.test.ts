import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { activeOfficeId, LOCAL_BASE_URL, launchChromium, partnerApi } from '../support/browser.ts';
import {
  allowLocalhost,
  apiOffer,
  CREATE_BUTTON,
  closeContexts,
  fillSelectOptions,
  horizontalOverflow,
  newContext,
  PHONE_VIEWPORT,
  screenshot,
  signIn,
  submit,
  summaryIdOnSendPage,
  visitAttacker,
} from './console-support.ts';

jest.setTimeout(120_000);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(closeContexts);

/**
 * The create form's fields as a forged page posts them: a valid create of 5 licenses, carrying the
 * session's CSRF token and naming `reference`.
 */
async function forgedCreateForm(csrf: string, reference: string): Promise<Record<string, string>> {
  return {
    csrf,
    lang: 'en',
    idempotencyKey: `console-${crypto.randomUUID()}`,
    shownLocation: 'BR',
    officeId: await activeOfficeId(),
    usageLocation: 'BR',
    'include.M365_BUSINESS_STANDARD': 'yes',
    'licenses.M365_BUSINESS_STANDARD': '5',
    'term.M365_BUSINESS_STANDARD': 'P1Y/annual',
    locale: 'en',
    reference,
    action: 'create',
  };
}

describe('console security and reach in Chromium', () => {
  it('refuses a post from a page on another origin, even one that carries the session’s CSRF token', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page);
    // Another port of 127.0.0.1: the same site, so the SameSite=Strict cookie goes along. The worst
    // case: the attacking page knows the form's token. Only the Origin check remains.
    await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
    const csrf = await page.locator('form:has(#officeId) input[name="csrf"]').inputValue();
    const reference = `cross-site-${Date.now()}`;

    const created = await visitAttacker(page, '/console/offers/new', await forgedCreateForm(csrf, reference));
    const signOut = await visitAttacker(page, '/console/sign-out', { csrf, lang: 'en' });

    expect(created.status).toBe(403);
    expect(signOut.status).toBe(403);
    // Same site: the browser did send the session cookie (the next test's contrast).
    const [session] = await page.context().cookies(LOCAL_BASE_URL);
    expect(created.requestHeaders.cookie).toContain(`${session?.name}=${session?.value}`);
    // Nothing was created: the reference the forged form named is still free for a real offer.
    await expect(apiOffer({ reference })).resolves.toMatchObject({ reference });
    // The session was not ended by the forged sign-out.
    await page.goto(`${LOCAL_BASE_URL}/console/offers`);
    expect(new URL(page.url()).pathname).toBe('/console/offers');
  });

  it('refuses a post from another site, which gets no session cookie, and changes nothing', async () => {
    const context = await newContext(browser);
    await allowLocalhost(context);
    const page = await context.newPage();
    await signIn(page);
    const [session] = await context.cookies(LOCAL_BASE_URL);
    if (!session) throw new Error('no session cookie');
    await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
    const csrf = await page.locator('form:has(#officeId) input[name="csrf"]').inputValue();
    const reference = `other-site-${Date.now()}`;

    // http://localhost:{port}: for Chromium another site than 127.0.0.1 (not the same host, and
    // neither has a registrable domain), so the SameSite=Strict cookie stays home, where a page on
    // another port of 127.0.0.1 gets it sent along (the test above).
    const created = await visitAttacker(
      page,
      '/console/offers/new',
      await forgedCreateForm(csrf, reference),
      'localhost',
    );
    const signOut = await visitAttacker(page, '/console/sign-out', { csrf, lang: 'en' }, 'localhost');

    for (const forged of [created, signOut]) {
      expect(forged.requestHeaders.origin).toMatch(/^http:\/\/localhost:\d+$/);
      expect(forged.requestHeaders.cookie ?? '').not.toContain(`${session.name}=`);
      expect(forged.status).toBe(403);
    }
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.not.toBe('');
    // Nothing was created and the session lives on.
    await expect(apiOffer({ reference })).resolves.toMatchObject({ reference });
    await page.goto(`${LOCAL_BASE_URL}/console/offers`);
    expect(new URL(page.url()).pathname).toBe('/console/offers');
  });

  it('creates an offer in a browser with JavaScript turned off', async () => {
    const page = await (await newContext(browser, { javaScriptEnabled: false })).newPage();
    await signIn(page);
    await fillSelectOptions(page, '12');
    await page.getByLabel('Your reference (optional)').fill(`no-script-${Date.now()}`);

    await submit(page, CREATE_BUTTON);

    const summaryId = summaryIdOnSendPage(page);
    await expect(page.getByRole('textbox', { name: 'Link for your customers' }).inputValue()).resolves.toMatch(
      new RegExp(`/o/${summaryId}$`),
    );
    // Without scripts the copy buttons stay hidden: the link is there to select and copy by hand.
    await expect(page.getByRole('button', { name: 'Copy: Link for your customers' }).count()).resolves.toBe(0);
    const offer = await partnerApi(`/v1/offers/${summaryId}`);
    expect(offer.items).toEqual([expect.objectContaining({ sku: 'M365_BUSINESS_STANDARD', licenses: 12 })]);
  });

  it('fits a phone’s width: no page scrolls sideways', async () => {
    const page = await (
      await newContext(browser, { viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    ).newPage();
    const overflow: Record<string, number> = {};

    await page.goto(`${LOCAL_BASE_URL}/console`);
    overflow.signIn = await horizontalOverflow(page);
    await signIn(page);
    overflow.offers = await horizontalOverflow(page);
    await fillSelectOptions(page, '3');
    overflow.selectOptions = await horizontalOverflow(page);
    await screenshot(page, 'create-phone');
    await submit(page, CREATE_BUTTON);
    const summaryId = summaryIdOnSendPage(page);
    overflow.send = await horizontalOverflow(page);
    await page.goto(`${LOCAL_BASE_URL}/console/offers/${summaryId}`);
    overflow.offer = await horizontalOverflow(page);

    expect(overflow).toEqual({ signIn: 0, offers: 0, selectOptions: 0, send: 0, offer: 0 });
  });
});
