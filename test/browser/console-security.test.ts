import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { activeOfficeId, LOCAL_BASE_URL, launchChromium, partnerApi } from '../support/browser.ts';
import {
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
} from './console-support.ts';

jest.setTimeout(120_000);

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(closeContexts);

/**
 * Another origin on this machine (another port of 127.0.0.1: cross-origin, and for cookies the same
 * site, so the SameSite=Strict cookie still goes along): one page whose form posts to the console
 * by itself as soon as it loads, as a malicious page would.
 */
async function startAttacker(action: string, fields: Record<string, string>): Promise<{ url: string; server: Server }> {
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** Opens the attacker's page in the signed-in browser and answers the status of the console's answer to its post. */
async function visitAttacker(page: Page, action: string, fields: Record<string, string>): Promise<number> {
  const attacker = await startAttacker(action, fields);
  try {
    const answer = page.waitForResponse((response) => response.url().startsWith(`${LOCAL_BASE_URL}${action}`));
    await page.goto(attacker.url);
    return (await answer).status();
  } finally {
    attacker.server.closeAllConnections();
    await new Promise((resolve) => attacker.server.close(resolve));
  }
}

describe('console security and reach in Chromium', () => {
  it('refuses a post from a page on another origin, even one that carries the session’s CSRF token', async () => {
    const page = await (await newContext(browser)).newPage();
    await signIn(page);
    // The worst case: the attacking page knows the form's token. Only the Origin check remains.
    await page.goto(`${LOCAL_BASE_URL}/console/offers/new`);
    const csrf = await page.locator('form:has(#officeId) input[name="csrf"]').inputValue();
    const reference = `cross-site-${Date.now()}`;

    const createStatus = await visitAttacker(page, '/console/offers/new', {
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
    });
    const signOutStatus = await visitAttacker(page, '/console/sign-out', { csrf, lang: 'en' });

    expect(createStatus).toBe(403);
    expect(signOutStatus).toBe(403);
    // Nothing was created: the reference the forged form named is still free for a real offer.
    await expect(apiOffer({ reference })).resolves.toMatchObject({ reference });
    // The session was not ended by the forged sign-out.
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
