import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import { SIGN_IN_FAILURES_PER_MINUTE } from '../../functions/console/sign-in-throttle.ts';
import { offerKeys, offerToItem } from '../../shared/db/offers.ts';
import { setClock } from '../support/clock.ts';
import {
  CONSOLE_COOKIE,
  consoleGet,
  consolePost,
  postSignIn,
  sessionItem,
  setCookieOf,
  signInToConsole,
} from '../support/console.ts';
import { admin, newPartner, startLocalApi, table } from '../support/local-api.ts';
import { offerFixture } from '../support/offer.ts';
import { browserRequest } from '../support/offer-page-forms.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
afterEach(() => {
  jest.useRealTimers();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The start of a whole minute (ms since the epoch) a little ahead of the real clock, plus a second. */
const aFreshMinute = () => Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE + 1_000;

/** Whether the browser holding `cookie` is signed in: GET /console sends a signed-in partner on to the offers. */
async function signedInWith(cookie: string): Promise<boolean> {
  const response = await consoleGet(api.baseUrl, '/console', cookie);
  if (response.status === 303) return response.headers.get('location') === '/console/offers?lang=en';
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('name="apiKey"');
  return false;
}

/** An active offer of `partnerId`, put straight into the table. */
async function seedOffer(partnerId: string) {
  const offer = offerFixture({ partnerId });
  await table.client.send(new PutCommand({ TableName: table.name, Item: offerToItem(offer) }));
  return offer;
}

async function offerItem(summaryId: string) {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.name, Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() } }),
  );
  return Item;
}

describe('signing in', () => {
  it('sets a __Host- session cookie: HttpOnly, Secure, SameSite=Strict, Path=/, no Domain, ending with the browser', async () => {
    const { key } = await newPartner();

    const response = await postSignIn(api.baseUrl, { apiKey: key, lang: 'en' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/offers?lang=en');
    const cookie = setCookieOf(response);
    expect(cookie).toMatchObject({
      name: CONSOLE_COOKIE,
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/',
    });
    expect(cookie?.domain).toBeUndefined();
    expect(cookie?.maxAge).toBeUndefined();
    expect(cookie?.expires).toBeUndefined();
    // 32 random bytes, base64url: 256 bits.
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores the session under the SHA-256 of its id, never the id itself, with partner, key, label and TTL', async () => {
    const { partner, key } = await newPartner();
    const issued = await admin.issueKey(partner.partnerId, 'Ana Souza');

    const browser = await signInToConsole(api.baseUrl, issued.key);

    const item = await sessionItem(browser.sessionId);
    expect(item).toMatchObject({
      PK: `CONSOLE#SESSION#${createHash('sha256').update(browser.sessionId).digest('hex')}`,
      partnerId: partner.partnerId,
      keyHash: issued.record.keyHash,
      label: 'Ana Souza',
      entity: 'consoleSession',
    });
    expect(JSON.stringify(item)).not.toContain(browser.sessionId);
    expect(JSON.stringify(item)).not.toContain(issued.key);
    const created = Date.parse(String(item?.createdAt));
    expect(item?.lastSeenAt).toBe(item?.createdAt);
    // Deleted by DynamoDB once idle for 8 h (the first limit a fresh session meets).
    expect(item?.expiresAtEpoch).toBe(Math.ceil((created + 8 * HOUR) / 1000));
    expect(key).not.toBe(issued.key);
  });

  it('signing in again from a browser with a session ends that session and starts a fresh one', async () => {
    const { key } = await newPartner();
    const first = await signInToConsole(api.baseUrl, key);

    const response = await postSignIn(api.baseUrl, { apiKey: key, lang: 'en' }, { cookie: first.cookie });

    expect(response.status).toBe(303);
    const fresh = setCookieOf(response)?.value;
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(first.sessionId);
    expect(await sessionItem(first.sessionId)).toHaveProperty('endedAt');
    expect(await signedInWith(first.cookie)).toBe(false);
    expect(await signedInWith(`${CONSOLE_COOKIE}=${fresh}`)).toBe(true);
  });

  it('shows the key label in the console frame once signed in', async () => {
    const { partner } = await newPartner();
    const issued = await admin.issueKey(partner.partnerId, 'Ana Souza');
    const browser = await signInToConsole(api.baseUrl, issued.key);

    // A signed-in page without a form of its own still has the frame (the stale-form page shows it).
    const response = await consolePost(api.baseUrl, '/console/sign-out', browser, { csrf: 'wrong' });

    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain('Ana Souza');
    expect(body).toContain(`name="csrf" value="${browser.csrfToken}"`);
  });

  it('answers every rejected key with the same field error, and a missing key with its own', async () => {
    const { partner, keyId } = await newPartner();
    const revoked = await admin.issueKey(partner.partnerId, 'to revoke');
    await admin.revokeKey(partner.partnerId, revoked.record.keyId);
    const address = { 'cloudfront-viewer-address': `198.51.100.${Math.floor(Math.random() * 250)}:4000` };
    const bodies: string[] = [];

    for (const apiKey of ['not-a-key', `pok_${'A'.repeat(43)}`, revoked.key]) {
      const response = await postSignIn(api.baseUrl, { apiKey, lang: 'en' }, address);
      expect([apiKey, response.status, setCookieOf(response)]).toEqual([apiKey, 401, undefined]);
      bodies.push(await response.text());
    }
    const empty = await postSignIn(api.baseUrl, { apiKey: '  ', lang: 'pt-BR' }, address);

    for (const body of bodies) {
      expect(body).toContain('This API key is not valid.');
      expect(body).toContain('aria-invalid="true"');
      expect(body).toContain('<a href="#apiKey">');
      expect(body).not.toMatch(/revoked|unknown|malformed/i);
    }
    expect(new Set(bodies.map((body) => body.replace(/x-request-id.*/g, ''))).size).toBe(1);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Digite a sua chave de API');
    expect(keyId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('lets a partner that may not create offers sign in', async () => {
    const { key } = await newPartner({ customerCount: 150 });

    const response = await postSignIn(api.baseUrl, { apiKey: key });

    expect(response.status).toBe(303);
    expect(setCookieOf(response)?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends a signed-in partner from the sign-in page on to the offers, in their language', async () => {
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    const response = await consoleGet(api.baseUrl, '/console?lang=pt-BR', browser.cookie);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/offers?lang=pt-BR');
  });

  it('refuses a sign-in posted from another site, setting no cookie', async () => {
    const { key } = await newPartner();

    const response = await postSignIn(api.baseUrl, { apiKey: key }, { origin: 'https://evil.example' });

    expect(response.status).toBe(403);
    expect(setCookieOf(response)).toBeUndefined();
  });
});

describe('the return path', () => {
  it('sends a signed-out GET to sign-in with the page it asked for, and back there after signing in', async () => {
    const { key } = await newPartner();
    const wanted = '/console/offers?status=active&lang=pt-BR';

    const redirected = await consoleGet(api.baseUrl, wanted);
    const location = redirected.headers.get('location') ?? '';
    const next = new URL(location, api.baseUrl).searchParams.get('next') ?? '';
    const signIn = await consoleGet(api.baseUrl, location);
    const signedIn = await postSignIn(api.baseUrl, { apiKey: key, next, lang: 'pt-BR' });

    expect(redirected.status).toBe(303);
    expect(new URL(location, api.baseUrl).pathname).toBe('/console');
    expect(next).toBe(wanted);
    const page = await signIn.text();
    expect(page).toContain(`name="next" value="${wanted.replace('&', '&amp;')}"`);
    // The other language keeps the way back.
    expect(page).toContain(
      `<a href="/console?lang=en&amp;next=${encodeURIComponent(wanted).replaceAll('&', '&amp;')}" hreflang="en" lang="en">English</a>`,
    );
    expect(signedIn.headers.get('location')).toBe('/console/offers?status=active&lang=pt-BR');
  });

  it.each([
    'https://evil.example/console/offers',
    '//evil.example/console/offers',
    '/\\evil.example/console/offers',
    '/console/../v1/offers',
    'javascript:alert(1)',
  ])('ignores a return path that leaves the console (%s)', async (next) => {
    const { key } = await newPartner();

    const response = await postSignIn(api.baseUrl, { apiKey: key, next, lang: 'en' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/offers?lang=en');
  });
});

describe('a link to the console followed from another site', () => {
  // Sent with node:http: fetch sets the Sec-Fetch headers itself.
  const crossSite = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

  it('without the Strict cookie, loads the same address again from this site (where the browser sends it)', async () => {
    const response = await browserRequest(`${api.baseUrl}/console/offers?status=active&lang=pt-BR`, {
      headers: crossSite,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).toContain('<meta http-equiv="refresh" content="0; url=/console/offers?status=active&amp;lang=pt-BR">');
    expect(body).toContain('<a href="/console/offers?status=active&amp;lang=pt-BR">Continuar para o console</a>');
  });

  it('does the same for the sign-in page, so a signed-in partner is not asked to sign in again', async () => {
    const response = await browserRequest(`${api.baseUrl}/console`, { headers: crossSite });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<meta http-equiv="refresh" content="0; url=/console">');
  });

  it('with the cookie (a browser that sends it), or from this site, answers as usual', async () => {
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    const withCookie = await browserRequest(`${api.baseUrl}/console`, {
      headers: { ...crossSite, cookie: browser.cookie },
    });
    const sameSite = await browserRequest(`${api.baseUrl}/console/offers`, {
      headers: { ...crossSite, 'sec-fetch-site': 'same-origin' },
    });

    expect(withCookie.status).toBe(303);
    expect(withCookie.headers.get('location')).toBe('/console/offers?lang=en');
    expect(sameSite.status).toBe(303);
    expect(sameSite.headers.get('location')).toBe('/console?lang=en&next=%2Fconsole%2Foffers');
  });
});

describe('session expiry', () => {
  it('ends a session idle for 8 hours; one used within them lives on', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const idle = await signInToConsole(api.baseUrl, key);
    const used = await signInToConsole(api.baseUrl, key);

    setClock(start + 8 * HOUR - MINUTE);
    const usedJustInTime = await signedInWith(used.cookie);
    setClock(start + 8 * HOUR + 1_000);
    const idleAfterLimit = await signedInWith(idle.cookie);

    expect(usedJustInTime).toBe(true);
    expect(idleAfterLimit).toBe(false);
  });

  it('counts the idle time from the last recorded activity', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    const alive: boolean[] = [];
    for (const at of [6 * HOUR, 13 * HOUR]) {
      setClock(start + at);
      alive.push(await signedInWith(browser.cookie));
    }
    setClock(start + 21 * HOUR + 1_000);
    alive.push(await signedInWith(browser.cookie));

    expect(alive).toEqual([true, true, false]);
  });

  it('ends a session 24 hours after sign-in however active it is', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    const alive: boolean[] = [];
    for (const at of [7 * HOUR, 14 * HOUR, 21 * HOUR, 24 * HOUR - MINUTE, 24 * HOUR]) {
      setClock(start + at);
      alive.push(await signedInWith(browser.cookie));
    }

    expect(alive).toEqual([true, true, true, true, false]);
  });

  it('records activity at most every 5 minutes, moving the TTL with it', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    setClock(start + 4 * MINUTE);
    await signedInWith(browser.cookie);
    const afterFour = await sessionItem(browser.sessionId);
    setClock(start + 5 * MINUTE);
    await signedInWith(browser.cookie);
    const afterFive = await sessionItem(browser.sessionId);

    expect(afterFour?.lastSeenAt).toBe(new Date(start).toISOString());
    expect(afterFive?.lastSeenAt).toBe(new Date(start + 5 * MINUTE).toISOString());
    expect(afterFive?.expiresAtEpoch).toBe(Math.ceil((start + 5 * MINUTE + 8 * HOUR) / 1000));
  });

  it('a signed-out GET of a console page goes to sign-in and drops the stale cookie', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);
    setClock(start + 24 * HOUR + 1_000);

    const response = await consoleGet(api.baseUrl, '/console/offers', browser.cookie);

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console?lang=en&next=%2Fconsole%2Foffers');
    expect(setCookieOf(response)).toMatchObject({ name: CONSOLE_COOKIE, value: '', maxAge: 0 });
  });
});

describe('signing out', () => {
  it('ends the session: the old cookie signs nobody in any more', async () => {
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);
    expect(await signedInWith(browser.cookie)).toBe(true);

    const response = await consolePost(api.baseUrl, '/console/sign-out', browser, {
      csrf: browser.csrfToken,
      lang: 'pt-BR',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console?lang=pt-BR&signedOut=1');
    expect(setCookieOf(response)).toMatchObject({ name: CONSOLE_COOKIE, value: '', maxAge: 0 });
    expect(await signedInWith(browser.cookie)).toBe(false);
    expect((await consoleGet(api.baseUrl, '/console/offers', browser.cookie)).status).toBe(303);
    expect(await sessionItem(browser.sessionId)).toHaveProperty('endedAt');
    const { summaryId } = await seedOffer((await sessionItem(browser.sessionId))?.partnerId as string);
    const late = await consolePost(api.baseUrl, `/console/offers/${summaryId}/deactivate`, browser, {
      csrf: browser.csrfToken,
    });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Your session has ended');
    expect((await offerItem(summaryId))?.deactivatedAt).toBeUndefined();
  });
});

describe('a revoked key', () => {
  it('ends its sessions within a minute', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { partner, key, keyId } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);
    expect(await signedInWith(browser.cookie)).toBe(true);

    await admin.revokeKey(partner.partnerId, keyId);
    setClock(start + MINUTE + 1_000);

    expect(await signedInWith(browser.cookie)).toBe(false);
    const post = await consolePost(api.baseUrl, '/console/sign-out', browser, { csrf: browser.csrfToken });
    expect(post.headers.get('location')).toBe('/console?lang=en');
  });
});

describe('CSRF: every console POST needs same-site Origin and the session token', () => {
  async function deactivateAttempt(fields: (csrf: string) => Record<string, string>, headers = {}) {
    const { partner, key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);
    const offer = await seedOffer(partner.partnerId);
    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/deactivate`,
      browser,
      fields(browser.csrfToken),
      headers,
    );
    return { response, offer, browser };
  }

  it('refuses a post without the token, changing nothing', async () => {
    const { response, offer, browser } = await deactivateAttempt(() => ({ message: 'closing' }));

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form has expired');
    expect((await offerItem(offer.summaryId))?.deactivatedAt).toBeUndefined();
    expect(await signedInWith(browser.cookie)).toBe(true);
  });

  it('refuses a post with another token, changing nothing', async () => {
    const { response, offer } = await deactivateAttempt((csrf) => ({ csrf: `${csrf.slice(0, -1)}x` }));

    expect(response.status).toBe(403);
    expect((await offerItem(offer.summaryId))?.deactivatedAt).toBeUndefined();
  });

  it('refuses a cross-site post even with the right token and cookie, changing nothing', async () => {
    const { response, offer } = await deactivateAttempt((csrf) => ({ csrf }), { origin: 'https://evil.example' });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('sent from another website');
    expect((await offerItem(offer.summaryId))?.deactivatedAt).toBeUndefined();
  });

  it('refuses a sign-out without the token: the session lives on', async () => {
    const { key } = await newPartner();
    const browser = await signInToConsole(api.baseUrl, key);

    const response = await consolePost(api.baseUrl, '/console/sign-out', browser, {});

    expect(response.status).toBe(403);
    expect(await signedInWith(browser.cookie)).toBe(true);
    expect(await sessionItem(browser.sessionId)).not.toHaveProperty('endedAt');
  });

  it('refuses a signed-out post with 403, not a redirect', async () => {
    const { partner } = await newPartner();
    const offer = await seedOffer(partner.partnerId);

    const response = await consolePost(
      api.baseUrl,
      `/console/offers/${offer.summaryId}/deactivate`,
      { cookie: '' },
      { lang: 'pt-BR' },
    );

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('A sua sessão terminou');
    expect((await offerItem(offer.summaryId))?.deactivatedAt).toBeUndefined();
  });
});

describe('sign-in throttling', () => {
  it(`answers 429 with Retry-After after ${SIGN_IN_FAILURES_PER_MINUTE} failed attempts a minute from one client`, async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const client = {
      'cloudfront-viewer-address': `203.0.113.${Math.floor(Math.random() * 250)}:${randomUUID().length}`,
    };
    const other = { 'cloudfront-viewer-address': '192.0.2.77:5000' };

    const failures: number[] = [];
    for (let attempt = 0; attempt < SIGN_IN_FAILURES_PER_MINUTE; attempt += 1) {
      failures.push((await postSignIn(api.baseUrl, { apiKey: `pok_${'B'.repeat(43)}` }, client)).status);
    }
    const throttled = await postSignIn(api.baseUrl, { apiKey: key }, client);
    const elsewhere = await postSignIn(api.baseUrl, { apiKey: key }, other);
    setClock(start + MINUTE);
    const nextMinute = await postSignIn(api.baseUrl, { apiKey: key }, client);

    expect(failures).toEqual(Array(SIGN_IN_FAILURES_PER_MINUTE).fill(401));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('59');
    expect(setCookieOf(throttled)).toBeUndefined();
    expect(await throttled.text()).toContain('Too many sign-in attempts');
    expect(elsewhere.status).toBe(303);
    expect(nextMinute.status).toBe(303);
  });

  it('does not count successful sign-ins', async () => {
    const start = aFreshMinute();
    setClock(start);
    const { key } = await newPartner();
    const client = { 'cloudfront-viewer-address': '192.0.2.99:5000' };

    const statuses: number[] = [];
    for (let attempt = 0; attempt <= SIGN_IN_FAILURES_PER_MINUTE; attempt += 1) {
      statuses.push((await postSignIn(api.baseUrl, { apiKey: key }, client)).status);
    }

    expect(statuses).toEqual(Array(SIGN_IN_FAILURES_PER_MINUTE + 1).fill(303));
  });
});
