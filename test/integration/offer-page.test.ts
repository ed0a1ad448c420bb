import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { escapeHtml } from '../../shared/render/html.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { startLocalApi, table } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { acceptFields, BROWSER, browserRequest, customerAt } from '../support/offer-page-forms.ts';

const acceptances = new DynamoCustomerResponseStore(table);

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
const customer = () => customerAt(api.baseUrl);

/** The offer with its counters (on their own item), read strongly. */
async function storedOffer(summaryId: string): Promise<Offer> {
  return (await new DynamoOfferStore(table).get(summaryId)) as Offer;
}

async function acceptancesOf(offer: Offer) {
  return (await acceptances.listAcceptances(offer.summaryId, { limit: 1000 })).acceptances;
}

/**
 * The offer's acceptance counter and its number of acceptance records once they agree. A write
 * whose answer timed out may still be applied by DynamoDB after the page gave up on it, between
 * reading the counter and listing the records; each transaction moves both together, so once no
 * such write is in flight they are equal. Gives up after 50 reads and returns the last pair.
 */
async function settledAcceptances(offer: Offer): Promise<{ counter: number; records: number }> {
  let pair = { counter: -1, records: -2 };
  for (let read = 0; read < 50 && pair.counter !== pair.records; read++) {
    if (read > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const counter = (await storedOffer(offer.summaryId)).acceptances;
    pair = { counter, records: (await acceptancesOf(offer)).length };
  }
  return pair;
}

/** The checkout URL the confirmation page an acceptance was redirected to continues to. */
async function checkoutAfter(accepted: Response): Promise<URL> {
  const confirmation = await browserRequest(new URL(accepted.headers.get('location') ?? '', api.baseUrl).href);
  const page = await confirmation.text();
  const link = /<a class="button" href="([^"]+)"/.exec(page)?.[1] ?? '';
  return new URL(link.replaceAll('&amp;', '&'));
}

const view = (offer: Offer, headers?: Record<string, string>) => customer().view(offer, headers);
const openForm = (offer: Offer) => customer().openForm(offer);
const post = (offer: Offer, verb: 'accept' | 'decline', fields: Record<string, string>) =>
  customer().post(offer, verb, fields);

describe('viewing an offer link', () => {
  it('renders the offer with strict security headers and counts the view in the same request', async () => {
    const offer = await seedOffer();
    const response = await view(offer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // Forms post to this origin only; the checkout is reached from the confirmation page by a GET.
    expect(csp).toContain("form-action 'self';");
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    // Not no-referrer: under it browsers post forms with `Origin: null`.
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    const page = await response.text();
    expect(page).toContain('Fabrikam Partners');
    expect(page).toContain('name="licenses.M365_BUSINESS_STANDARD"');
    expect(page).toContain('max="300"');
    expect(await viewsOf(offer.summaryId)).toBe(1);
  });

  it.each([
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)'],
    ['WhatsApp/2.23.20.0'],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ])('does not count a view by %s', async (agent) => {
    const offer = await seedOffer();
    expect((await view(offer, { 'user-agent': agent })).status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('answers HEAD like GET (status, headers), with no body and no view, even from a person’s browser', async () => {
    const offer = await seedOffer();
    const head = await fetch(`${api.baseUrl}/o/${offer.summaryId}`, { method: 'HEAD', headers: BROWSER });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const get = await view(offer, { 'user-agent': 'Slackbot 1.0' });
    for (const name of ['content-type', 'content-security-policy', 'cache-control', 'vary']) {
      expect(head.headers.get(name)).toBe(get.headers.get(name));
    }
    const unknown = await fetch(`${api.baseUrl}/o/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ`, { method: 'HEAD', headers: BROWSER });
    expect(unknown.status).toBe(404);
    const gone = await seedOffer({ deactivatedAt: '2026-01-01T00:00:00.000Z' });
    expect((await fetch(`${api.baseUrl}/o/${gone.summaryId}`, { method: 'HEAD', headers: BROWSER })).status).toBe(410);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('counts only the person: not HEAD, link previewers, mail scanners, prefetches or a missing user agent', async () => {
    const offer = await seedOffer();
    const automated: Record<string, string>[] = [
      { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 Proofpoint URL Defense' },
      { 'user-agent': 'Mozilla/5.0 (compatible; Microsoft Office/16.0; Microsoft Outlook 16.0)' },
      { 'user-agent': 'curl/8.5.0' },
      { ...BROWSER, 'sec-purpose': 'prefetch;prerender' },
      { 'user-agent': '' },
      // Node's own fetch sends `user-agent: node`.
      {},
    ];
    for (const headers of automated) {
      expect((await view(offer, headers)).status).toBe(200);
      expect({ headers, views: await viewsOf(offer.summaryId) }).toEqual({ headers, views: 0 });
    }
    await fetch(`${api.baseUrl}/o/${offer.summaryId}`, { method: 'HEAD', headers: BROWSER });
    expect(await viewsOf(offer.summaryId)).toBe(0);
    await view(offer);
    expect(await viewsOf(offer.summaryId)).toBe(1);
  });

  it('accepts the code typed loosely (lower case, no hyphens, O for 0)', async () => {
    const offer = await seedOffer();
    const loose = offer.summaryId.replace(/-/g, '').toLowerCase().replace(/0/g, 'o');
    expect((await fetch(`${api.baseUrl}/o/${loose}`, { headers: BROWSER })).status).toBe(200);
  });

  it('answers an unknown or malformed code with a 404 page', async () => {
    for (const code of ['ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', 'not-a-code', '%3Cscript%3E']) {
      const response = await fetch(`${api.baseUrl}/o/${code}`, { headers: BROWSER });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('Offer not found');
    }
  });

  it('shows the page in the offer’s language, switchable by ?lang= and Accept-Language', async () => {
    const offer = await seedOffer({ locale: 'pt-BR' });
    expect(await (await view(offer)).text()).toContain('<html lang="pt-BR">');
    const english = await fetch(`${api.baseUrl}/o/${offer.summaryId}?lang=en`, { headers: BROWSER });
    expect(await english.text()).toContain('<html lang="en">');
    expect(await (await view(offer, { ...BROWSER, 'accept-language': 'en-GB,en;q=0.9' })).text()).toContain(
      '<html lang="en">',
    );
  });
});

describe('accepting an offer', () => {
  it('records the acceptance with the offer counter and leads on to the configured checkout', async () => {
    const offer = await seedOffer();
    const submission = await openForm(offer);

    const response = await post(offer, 'accept', acceptFields(submission));

    expect(response.status).toBe(303);
    const location = await checkoutAfter(response);
    expect(location.origin).toBe('https://checkout.example.com');
    expect(location.searchParams.get('advisor')).toBe('4400001');
    expect(location.searchParams.get('offer')).toBe(offer.summaryId);
    expect(location.searchParams.get('items')).toBe('M365_BUSINESS_STANDARD:12,TEAMS_ESSENTIALS:3');
    expect(location.searchParams.get('da')).toBe('true');
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(1);
    expect(await acceptancesOf(offer)).toEqual([
      expect.objectContaining({
        companyName: 'Tailwind Traders',
        email: 'rita@tailwind.example',
        delegatedAdmin: true,
      }),
    ]);
  });

  it('records a replayed submission once and redirects both times', async () => {
    const offer = await seedOffer();
    const submission = await openForm(offer);
    const [first, second] = await Promise.all([
      post(offer, 'accept', acceptFields(submission)),
      post(offer, 'accept', acceptFields(submission)),
    ]);
    const third = await post(offer, 'accept', acceptFields(submission));
    expect([first.status, second.status, third.status]).toEqual([303, 303, 303]);
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(1);
    expect(await acceptancesOf(offer)).toHaveLength(1);
  });

  it.each([
    ['licenses.M365_BUSINESS_STANDARD', '301', 'Enter a whole number from 1 to 300.'],
    ['licenses.M365_BUSINESS_STANDARD', '0', 'Enter a whole number from 1 to 300.'],
    ['licenses.TEAMS_ESSENTIALS', '2.5', 'Enter a whole number from 1 to 300.'],
    ['email', 'not-an-email', 'Enter an email address'],
    ['company', '', 'Fill in this field.'],
    ['delegatedAdmin', 'maybe', 'Choose one of the options.'],
  ])('answers %s=%p with the page and the error next to the field, recording nothing', async (field, value, error) => {
    const offer = await seedOffer();
    const response = await post(offer, 'accept', acceptFields(await openForm(offer), { [field]: value }));
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain(error);
    expect(page).toContain('aria-invalid="true"');
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(0);
    expect(await acceptancesOf(offer)).toHaveLength(0);
  });

  it('rejects an SKU that is not in the offer and a delegated-admin choice that was not offered', async () => {
    const offer = await seedOffer({ delegatedAdmin: false });
    const submission = await openForm(offer);
    const extraSku = await post(offer, 'accept', {
      ...acceptFields(submission, { 'licenses.M365_E5': '5' }),
      delegatedAdmin: '',
    });
    expect(extraSku.status).toBe(422);
    const extraSkuPage = await extraSku.text();
    expect(extraSkuPage).toContain('<p>This form is out of date. Please check the offer and submit it again.</p>');
    expect(extraSkuPage).not.toContain('M365_E5');
    const { delegatedAdmin: _da, ...withoutDa } = acceptFields(submission);
    const withDa = await post(offer, 'accept', { ...withoutDa, delegatedAdmin: 'yes' });
    expect(withDa.status).toBe(422);
    // A page of ours cannot post either: the form is given back as out of date.
    expect(await withDa.text()).toContain(
      '<p>This form is out of date. Please check the offer and submit it again.</p>',
    );
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(0);
    const accepted = await post(offer, 'accept', withoutDa);
    expect(accepted.status).toBe(303);
    expect((await checkoutAfter(accepted)).searchParams.get('da')).toBe('false');
  });

  it('takes 200 concurrent acceptances: each recorded exactly once, busy answers resubmit cleanly', async () => {
    const offer = await seedOffer();
    const submissions = await Promise.all(Array.from({ length: 200 }, () => openForm(offer)));
    const first = await Promise.all(submissions.map((s) => post(offer, 'accept', acceptFields(s))));
    // Under contention an answer may not get its write through within its time budget: then it is the
    // 503 page with Retry-After. How many do depends on the machine's load. Lost conflicts stored
    // nothing; a write whose answer timed out may have been applied all the same, so the store holds
    // between the 303s and all of them, and the counter always agrees with the records (one transaction).
    const busy = submissions.filter((_, i) => first[i]?.status !== 303);
    for (const response of first.filter((r) => r.status !== 303)) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const { counter: stored, records } = await settledAcceptances(offer);
    expect(stored).toBeGreaterThanOrEqual(200 - busy.length);
    expect(stored).toBeLessThanOrEqual(200);
    expect(records).toBe(stored);
    // The customer submits the same form again: a few at a time, so the retries themselves do not conflict.
    for (const submission of busy) {
      expect((await post(offer, 'accept', acceptFields(submission))).status).toBe(303);
    }
    // A replay of every form changes nothing.
    const replays = await Promise.all(submissions.slice(0, 20).map((s) => post(offer, 'accept', acceptFields(s))));
    expect(replays.map((r) => r.status)).toEqual(Array(20).fill(303));
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(200);
    expect(await acceptancesOf(offer)).toHaveLength(200);
  }, 120_000);

  it('with maxAcceptances 10, exactly 10 of 40 concurrent acceptances succeed', async () => {
    const offer = await seedOffer({ maxAcceptances: 10 });
    const submissions = await Promise.all(Array.from({ length: 40 }, () => openForm(offer)));
    const first = await Promise.all(submissions.map((s) => post(offer, 'accept', acceptFields(s))));
    // A busy answer (503, load-dependent) recorded nothing: its customer submits the same form again.
    const statuses: number[] = [];
    for (const [i, response] of first.entries()) {
      const again =
        response.status === 503 ? await post(offer, 'accept', acceptFields(submissions[i] ?? '')) : response;
      statuses.push(again.status);
    }
    expect(statuses.filter((status) => status === 303)).toHaveLength(10);
    expect(statuses.filter((status) => status === 410)).toHaveLength(30);
    expect((await storedOffer(offer.summaryId)).acceptances).toBe(10);
    expect(await acceptancesOf(offer)).toHaveLength(10);
    expect(await (await view(offer)).text()).toContain('This offer has been fully taken');
  }, 60_000);
});

describe('form hygiene', () => {
  function postRaw(offer: Offer, verb: 'accept' | 'decline', body: string | FormData, contentType?: string) {
    return fetch(`${api.baseUrl}/o/${offer.summaryId}/${verb}`, {
      method: 'POST',
      headers: { ...BROWSER, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
      redirect: 'manual',
    });
  }
  const urlencoded = 'application/x-www-form-urlencoded';

  it('refuses invalid UTF-8 with the page and a form-level error, never U+FFFD in a record', async () => {
    const offer = await seedOffer();
    const body = `${new URLSearchParams(acceptFields(await openForm(offer), { company: 'x' }))}`.replace(
      'company=x',
      'company=Caf%E9',
    );
    const response = await postRaw(offer, 'accept', body, urlencoded);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('<title>Error: ');
    expect(page).toContain('it contained characters that are not valid text');
    expect(await acceptancesOf(offer)).toHaveLength(0);
  });

  it('refuses repeated keys (delegatedAdmin=yes&delegatedAdmin=no) as a stale form', async () => {
    const offer = await seedOffer();
    const body = `${new URLSearchParams(acceptFields(await openForm(offer)))}&delegatedAdmin=no`;
    const response = await postRaw(offer, 'accept', body, urlencoded);
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('This form is out of date.');
    expect(await acceptancesOf(offer)).toHaveLength(0);
  });

  it('answers multipart and JSON bodies with 415 and a clear form-level message', async () => {
    const offer = await seedOffer();
    const multipart = new FormData();
    for (const [name, value] of Object.entries(acceptFields(await openForm(offer)))) multipart.append(name, value);
    const fromMultipart = await postRaw(offer, 'accept', multipart);
    const fromJson = await postRaw(
      offer,
      'decline',
      JSON.stringify({ submission: await openForm(offer) }),
      'application/json',
    );
    for (const response of [fromMultipart, fromJson]) {
      expect(response.status).toBe(415);
      const page = await response.text();
      expect(page).toContain('We could not read the form in the format it was sent.');
      expect(page).not.toContain('out of date');
    }
    expect(await acceptancesOf(offer)).toHaveLength(0);
    expect((await storedOffer(offer.summaryId)).declines).toBe(0);
  });

  it.each([
    ['company', 'Tailwind\u202E sredarT'],
    ['firstName', 'Rita\u0000Ana'],
    ['lastName', 'Alves \u2067Silva\u2069'],
  ])('refuses control or bidi characters in %s (%j) with the error next to the field', async (field, value) => {
    const offer = await seedOffer();
    const response = await post(offer, 'accept', acceptFields(await openForm(offer), { [field]: value }));
    expect(response.status).toBe(422);
    const page = await response.text();
    const id = { firstName: 'first-name', lastName: 'last-name' }[field] ?? field;
    expect(page).toContain(
      `<p class="error" id="${id}-error">Remove the hidden characters: invisible, control or text-direction characters`,
    );
    expect(page).toContain(`<a href="#${id}">`);
    expect(await acceptancesOf(offer)).toHaveLength(0);
  });

  it('shows an inactive offer’s status page for an oversized body, not the form', async () => {
    const offer = await seedOffer({ expiresAt: '2020-01-01T00:00:00.000Z' });
    const response = await post(offer, 'accept', { reason: 'x'.repeat(20_000) });
    expect(response.status).toBe(410);
    const page = await response.text();
    expect(page).toContain('This offer has expired');
    expect(page).not.toContain('<form');
  });

  it('records a base64-encoded form body sent to the handler (API Gateway encodes some form posts)', async () => {
    const { handler } = await import('../../functions/offer-page/handler.ts');
    const offer = await seedOffer();
    const body = new URLSearchParams(acceptFields(await openForm(offer), { company: 'Açaí & Cia' })).toString();
    const result = await handler(
      {
        ...apiEvent({
          routeKey: 'POST /o/{code}/accept',
          pathParameters: { code: offer.summaryId },
          headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from(body).toString('base64'),
        }),
        isBase64Encoded: true,
      },
      lambdaContext,
    );
    expect(result.statusCode).toBe(303);
    expect(await acceptancesOf(offer)).toEqual([expect.objectContaining({ companyName: 'Açaí & Cia' })]);
  });
});

describe('the language switch on answer pages', () => {
  it('points at the offer page from a 422 error page and a thank-you page, not at the form action', async () => {
    const offer = await seedOffer({ locale: 'pt-BR' });
    const invalid = await post(offer, 'accept', { ...acceptFields(await openForm(offer), { email: 'x' }), lang: 'en' });
    expect(invalid.status).toBe(422);
    const errorPage = await invalid.text();
    const href = /<a class="lang" href="([^"]+)"/.exec(errorPage)?.[1] ?? '';
    expect(href).toBe(`/o/${offer.summaryId}?lang=pt-BR`);
    const switched = await fetch(new URL(escapeHtml(href), api.baseUrl), { headers: BROWSER });
    expect(switched.status).toBe(200);
    expect(await switched.text()).toContain('<html lang="pt-BR">');
    const thanks = await (await post(offer, 'decline', { submission: await openForm(offer), lang: 'en' })).text();
    expect(thanks).toContain(`href="/o/${offer.summaryId}?lang=pt-BR"`);
  });
});

describe('offers that are no longer active', () => {
  it.each([
    [
      'deactivated',
      { deactivatedAt: '2026-01-01T00:00:00.000Z', deactivationMessage: 'Prices changed <b>today</b>' },
      'This offer is no longer available',
    ],
    ['expired', { expiresAt: '2020-01-01T00:00:00.000Z' }, 'This offer has expired'],
  ])('shows a %s offer without a form and refuses acceptances', async (_status, overrides, title) => {
    const offer = await seedOffer(overrides);
    const response = await view(offer);
    expect(response.status).toBe(410);
    const page = await response.text();
    expect(page).toContain(title);
    expect(page).not.toContain('<form');
    if ('deactivationMessage' in overrides) expect(page).toContain('Prices changed &lt;b&gt;today&lt;/b&gt;');
    const submission = 'mhx0000000AAAAAAAAAAAAAAAAAAAAAA';
    expect((await post(offer, 'accept', acceptFields(submission))).status).toBe(410);
    expect(await acceptancesOf(offer)).toHaveLength(0);
  });
});

describe('declining an offer', () => {
  it('records a decline with its reason once and thanks the customer', async () => {
    const offer = await seedOffer();
    const submission = await openForm(offer);
    const response = await post(offer, 'decline', { submission, reason: 'Budget is frozen' });
    const replay = await post(offer, 'decline', { submission, reason: 'Budget is frozen' });
    expect(response.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(await response.text()).toContain('Thank you for your answer');
    expect((await storedOffer(offer.summaryId)).declines).toBe(1);
  });

  it('rejects an over-long reason with the error next to the field', async () => {
    const offer = await seedOffer();
    const response = await post(offer, 'decline', { submission: await openForm(offer), reason: 'x'.repeat(501) });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Use at most 500 characters.');
    expect((await storedOffer(offer.summaryId)).declines).toBe(0);
  });
});
