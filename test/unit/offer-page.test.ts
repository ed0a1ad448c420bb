import { jest } from '@jest/globals';
import { buildCheckoutUrl, parseCheckoutTemplate } from '../../functions/offer-page/checkout.ts';
import { parseAcceptForm, parseDeclineForm } from '../../functions/offer-page/form.ts';
import { FORM_TEXT } from '../../functions/offer-page/form-text.ts';
import { declinedPage, offerPage, statusPage } from '../../functions/offer-page/pages.ts';
import { DynamoDbError } from '../../shared/db/dynamodb-lite.ts';
import { offerToItem } from '../../shared/db/offers.ts';
import { type GetInput, type Item, TransactionCanceledError } from '../../shared/db/port.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { readFormBody } from '../../shared/http/form-body.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { pageCsp } from '../../shared/offer-page/layout.ts';
import { PAGE_TEXT } from '../../shared/offer-page/page-text.ts';
import {
  issueToken,
  newFormTokenKeysValue,
  parseFormTokenKeys,
  submissionIdOf,
} from '../../shared/offer-page/submission-token.ts';
import { escapeHtml, html } from '../../shared/render/html.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { FakeTable, putAt } from '../support/fake-table.ts';
import { basicOffer } from '../support/offer.ts';

function offer(overrides: Partial<Offer> = {}): Offer {
  return basicOffer(overrides);
}

describe('checkout URL', () => {
  const template = parseCheckoutTemplate(
    'https://checkout.example.com/buy?advisor={advisorCode}&offer={summaryId}&items={items}&da={delegatedAdmin}',
  );

  it('fills the placeholders, URL-encoded, and keeps the configured host', () => {
    const url = new URL(
      buildCheckoutUrl(template, {
        advisorCode: '44&x=1',
        summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
        items: [
          { sku: 'M365_E3', licenses: 10 },
          { sku: 'VISIO_PLAN_2', licenses: 2 },
        ],
        delegatedAdmin: true,
      }),
    );
    expect(url.host).toBe('checkout.example.com');
    expect(url.searchParams.get('advisor')).toBe('44&x=1');
    expect(url.searchParams.get('items')).toBe('M365_E3:10,VISIO_PLAN_2:2');
    expect(url.searchParams.get('da')).toBe('true');
    expect(template.origin).toBe('https://checkout.example.com');
  });

  it.each([
    ['http://checkout.example.com/buy', /https/],
    ['https://{advisorCode}.example.com/buy', /host/],
    ['https://checkout.example.com/buy?x={evil}', /unknown placeholder/],
    ['/relative/path', /absolute/],
  ])('refuses the template %s', (value, message) => {
    expect(() => parseCheckoutTemplate(value)).toThrow(message);
  });

  it('allows plain http only on this machine, for the local demo checkout', () => {
    expect(parseCheckoutTemplate('http://127.0.0.1:4000/checkout?o={summaryId}').origin).toBe('http://127.0.0.1:4000');
  });
});

describe('customer page rendering', () => {
  it('escapes every interpolated string unless it is already html', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}${html`<i>ok</i>`}</p>`.value).toBe('<p>&lt;b&gt;<i>ok</i></p>');
  });

  it('escapes partner strings and renders the delegated-admin choice only when offered', () => {
    const xss = '<script>alert(1)</script>';
    const page = offerPage({
      offer: offer({
        partner: { name: xss, advisorCode: '1', contact: { name: xss, email: 'a@b.co' } },
        customization: { intro: xss, closing: xss, logoUrl: 'https://x.example/"onerror="alert(1)' },
      }),
      locale: 'en',
      submissionToken: 'sub',
    });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('"onerror="');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('name="delegatedAdmin"');
    const withDa = offerPage({ offer: offer({ delegatedAdmin: true }), locale: 'pt-BR', submissionToken: 'sub' });
    expect(withDa).toContain('name="delegatedAdmin" value="yes"');
    expect(withDa).toContain('Aceitar sem administração delegada');
  });

  it('shows no form on an inactive offer, with the deactivation message escaped', () => {
    const page = statusPage(offer({ deactivationMessage: '<img src=x onerror=alert(1)>' }), 'deactivated', 'en');
    expect(page).not.toContain('<form');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('allows the page’s own style by hash, no script, and form posts to itself only', () => {
    const csp = pageCsp();
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src|unsafe/);
    expect(csp).toContain("form-action 'self';");
  });
});

/** Every id the page defines, and every id it points at (aria-describedby, in-page links, label for). */
function idsOf(page: string) {
  const defined = [...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  const described = [...page.matchAll(/aria-describedby="([^"]+)"/g)].flatMap((m) => (m[1] ?? '').split(' '));
  const linked = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
  const labelled = [...page.matchAll(/(?:for|aria-labelledby)="([^"]+)"/g)].map((m) => m[1]);
  return { defined, referenced: [...described, ...linked, ...labelled] };
}

describe('the offer page with errors', () => {
  const errors = {
    'licenses.M365_BUSINESS_BASIC': 'Enter a whole number from 1 to 300.',
    company: 'Fill in this field.',
    lastName:
      'Remove the hidden characters: invisible, control or text-direction characters (retyping the text is easiest).',
    email: 'Enter an email address such as name@example.com.',
    delegatedAdmin: 'Choose one of the options.',
    reason: 'Use at most 500 characters.',
  };
  const withErrors = (locale: 'en' | 'pt-BR', formError?: string) =>
    offerPage({
      offer: offer({ delegatedAdmin: true }),
      locale,
      submissionToken: 'sub',
      form: { values: { company: '<b>x</b>' }, errors },
      ...(formError ? { formError } : {}),
    });

  it('prefixes the title with Error/Erro, only when the form has errors', () => {
    expect(withErrors('en')).toContain('<title>Error: Your subscription offer from Fabrikam</title>');
    expect(withErrors('pt-BR')).toContain('<title>Erro: Sua oferta de assinaturas de Fabrikam</title>');
    expect(offerPage({ offer: offer(), locale: 'en', submissionToken: 's' })).toContain(
      '<title>Your subscription offer from Fabrikam</title>',
    );
    const stale = offerPage({ offer: offer(), locale: 'en', submissionToken: 's', formError: 'Out of date.' });
    expect(stale).toContain('<title>Error: ');
  });

  it('summarises the errors above the heading, linking each to its field, focused on load', () => {
    const page = withErrors('en', 'This form is out of date.');
    const summary = /<div class="alert" role="alert" tabindex="-1" autofocus[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1];
    expect(summary).toBeDefined();
    expect(page.indexOf('class="alert"')).toBeLessThan(page.indexOf('<h1>'));
    expect(summary).toContain('There is a problem');
    expect(summary).toContain('<p>This form is out of date.</p>');
    const links = [...(summary ?? '').matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      ['licenses-M365_BUSINESS_BASIC', 'Microsoft 365 Business Basic licenses: Enter a whole number from 1 to 300.'],
      ['company', 'Company name: Fill in this field.'],
      ['last-name', `Last name: ${errors.lastName}`],
      ['email', 'Email: Enter an email address such as name@example.com.'],
      ['delegated-admin', 'Delegated administration: Choose one of the options.'],
      ['reason', 'Reason (optional): Use at most 500 characters.'],
    ]);
    // The reason is in the closed-by-default decline section: it opens when it has the error.
    expect(page).toMatch(/<details open>/);
  });

  it('keeps every aria-describedby, label and summary link pointing at an element that exists, ids unique', () => {
    for (const page of [
      withErrors('en'),
      withErrors('pt-BR', 'stale'),
      offerPage({ offer: offer({ delegatedAdmin: true }), locale: 'en', submissionToken: 's' }),
    ]) {
      const { defined, referenced } = idsOf(page);
      expect(new Set(defined).size).toBe(defined.length);
      for (const id of referenced) expect(defined).toContain(id);
    }
    const page = withErrors('en');
    expect(page).toMatch(/id="company"[^>]*aria-invalid="true" aria-describedby="company-error"/);
    expect(page).toMatch(/<fieldset aria-describedby="delegated-admin-error">/);
    expect(page).toContain('value="&lt;b&gt;x&lt;/b&gt;"');
  });

  it('opens the decline section when the decline form was the one posted', () => {
    const page = offerPage({ offer: offer(), locale: 'en', submissionToken: 's', formError: 'busy', declining: true });
    expect(page).toContain('<details open>');
    expect(offerPage({ offer: offer(), locale: 'en', submissionToken: 's' })).toContain('<details>');
  });
});

describe('language on the customer pages', () => {
  it('links the language switch to the offer page itself, whatever URL answered', () => {
    const id = 'ABCD-EFGH-JKMN-PQRS-TVWX';
    for (const page of [
      offerPage({ offer: offer(), locale: 'en', submissionToken: 's', formError: 'x' }),
      declinedPage(offer(), 'en'),
      statusPage(offer({ deactivatedAt: '2026-01-01T00:00:00Z' }), 'deactivated', 'en'),
    ]) {
      expect(page).toContain(`href="/o/${id}?lang=pt-BR" hreflang="pt-BR" lang="pt-BR"`);
      expect(page).not.toContain('href="?lang=');
    }
    expect(offerPage({ offer: offer(), locale: 'pt-BR', submissionToken: 's' })).toContain(`href="/o/${id}?lang=en"`);
  });

  it('marks the partner’s own text with the offer’s language when the page is in another', () => {
    const partnerWrote = offer({
      locale: 'pt-BR',
      customization: { intro: 'Olá, equipe!', closing: 'Abraços' },
      deactivatedAt: '2026-01-01T00:00:00Z',
      deactivationMessage: 'Preços mudaram',
    });
    const english = offerPage({ offer: partnerWrote, locale: 'en', submissionToken: 's' });
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('<p class="intro" lang="pt-BR">Olá, equipe!</p>');
    expect(english).toContain('<p class="closing" lang="pt-BR">Abraços</p>');
    expect(statusPage(partnerWrote, 'deactivated', 'en')).toContain(
      '<blockquote class="deactivation-message" lang="pt-BR">',
    );
    const portuguese = offerPage({ offer: partnerWrote, locale: 'pt-BR', submissionToken: 's' });
    expect(portuguese).toContain('<p class="intro">Olá, equipe!</p>');
    expect(portuguese).toContain('<p class="closing">Abraços</p>');
  });

  it('makes the partner’s phone a tel: link with only + and digits', () => {
    const page = offerPage({
      offer: offer({ customization: { contact: { name: 'A', email: 'a@b.co', phone: '+55 (11) 4000-0000' } } }),
      locale: 'en',
      submissionToken: 's',
    });
    expect(page).toContain('<a href="tel:+551140000000">+55 (11) 4000-0000</a>');
  });
});

const FORM_TYPE = 'application/x-www-form-urlencoded';

describe('reading a posted form', () => {
  it('decodes percent-encoded UTF-8 and + as space, from plain or base64 bodies', () => {
    const body = 'company=S%C3%A3o+Paulo+Ltda&name=Z%C3%A9&empty=&bare';
    const expected = { company: 'São Paulo Ltda', name: 'Zé', empty: '', bare: '' };
    expect(readFormBody(body, false, FORM_TYPE)).toEqual({ ok: true, fields: expected });
    expect(readFormBody(Buffer.from(body).toString('base64'), true, `${FORM_TYPE}; charset=UTF-8`)).toEqual({
      ok: true,
      fields: expected,
    });
    // A non-browser client may send raw UTF-8; valid UTF-8 is fine.
    expect(readFormBody(Buffer.from('company=Zé').toString('base64'), true, FORM_TYPE)).toEqual({
      ok: true,
      fields: { company: 'Zé' },
    });
    expect(readFormBody(undefined, false, undefined)).toEqual({ ok: true, fields: {} });
  });

  it.each([
    ['a percent-encoded invalid byte', 'company=%FF', false],
    ['an overlong encoding', 'company=%C0%AF', false],
    ['a truncated sequence', 'name=%E2%82', false],
    ['an encoded surrogate', 'name=%ED%A0%80', false],
    ['raw invalid bytes (base64)', Buffer.from([0x63, 0x3d, 0xff, 0xfe]).toString('base64'), true],
    ['a lone surrogate in a text body', 'company=\ud800', false],
  ])('refuses %s as invalid UTF-8 instead of storing U+FFFD', (_label, body, base64) => {
    expect(readFormBody(body, base64, FORM_TYPE)).toMatchObject({ ok: false, problem: 'encoding' });
  });

  it('refuses repeated keys as a stale or forged form, keeping the first values for the page', () => {
    expect(readFormBody('delegatedAdmin=yes&delegatedAdmin=no&company=A', false, FORM_TYPE)).toEqual({
      ok: false,
      problem: 'duplicate',
      fields: { delegatedAdmin: 'yes', company: 'A' },
    });
  });

  it.each([
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--'],
    ['application/json', '{"company":"A"}'],
    ['text/plain', 'company=A'],
    [`${FORM_TYPE}; charset=iso-8859-1`, 'company=A'],
    [undefined, 'company=A'],
  ])('refuses the content type %p', (contentType, body) => {
    expect(readFormBody(body, false, contentType)).toMatchObject({ ok: false, problem: 'mediaType' });
  });

  it('refuses a body over 16 KiB, before or after base64 decoding', () => {
    const big = `reason=${'x'.repeat(16 * 1024)}`;
    expect(readFormBody(big, false, FORM_TYPE)).toMatchObject({ ok: false, problem: 'tooLarge' });
    expect(readFormBody(Buffer.from(big).toString('base64'), true, FORM_TYPE)).toMatchObject({
      ok: false,
      problem: 'tooLarge',
    });
  });

  it('keeps a field named __proto__ as a plain (unknown) field', () => {
    const read = readFormBody('__proto__=x&constructor=y', false, FORM_TYPE);
    expect(read.ok).toBe(true);
    expect(Object.getPrototypeOf(read.fields)).toBe(Object.prototype);
    expect(Object.keys(read.fields)).toEqual(['__proto__', 'constructor']);
  });
});

describe('form fields', () => {
  const text = PAGE_TEXT.en;
  const submission = `mhx000000${'A'.repeat(22)}`;
  const accept = (extra: Record<string, string>) =>
    parseAcceptForm(
      {
        submission,
        company: 'Tailwind',
        firstName: 'Rita',
        lastName: 'Alves',
        email: 'rita@tailwind.example',
        'licenses.M365_BUSINESS_BASIC': '4',
        ...extra,
      },
      offer(),
      text,
      FORM_TEXT.en,
    );

  it.each([
    ['company', 'Tailwind\u0000Traders'],
    ['company', 'Tail\u202Esredart'],
    ['lastName', 'Rita\u2066Alves\u2069'],
    ['firstName', 'Rita\u0085'],
    ['firstName', 'Rita\nAlves'],
    ['company', '\u001b[31mRed'],
  ])('refuses control and bidi characters in %s (%j) with an error on the field', (field, value) => {
    const form = accept({ [field]: value });
    expect(form.ok).toBe(false);
    if (!form.ok) {
      expect(form.errors).toEqual({ [field]: text.errors.hiddenCharacters });
      expect(form.formError).toBeUndefined();
    }
  });

  it('says an empty or blank email is missing, not malformed', () => {
    for (const email of ['', '   ']) {
      expect(accept({ email })).toMatchObject({ ok: false, errors: { email: text.errors.required } });
    }
    expect(accept({ email: 'rita@' })).toMatchObject({ ok: false, errors: { email: text.errors.email } });
  });

  it('accepts ordinary accented and non-Latin names', () => {
    expect(accept({ company: 'Açaí & Cia — Ltda.', firstName: 'Zoë', lastName: 'O’Brien 王' }).ok).toBe(true);
  });

  it('lets a decline reason keep line breaks and tabs but not bidi overrides or other controls', () => {
    const decline = (reason: string) => parseDeclineForm({ submission, reason }, offer(), text);
    expect(decline('Budget frozen.\r\n\tMaybe in March.')).toMatchObject({ ok: true });
    expect(decline('Budget \u202Efrozen')).toMatchObject({
      ok: false,
      errors: { reason: text.errors.hiddenCharacters },
    });
    expect(decline('Budget\u0007')).toMatchObject({ ok: false, errors: { reason: text.errors.hiddenCharacters } });
  });
});

describe('the offer page handler', () => {
  const db = new FakeTable();
  const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
  let handler: (event: ApiEvent, context: typeof lambdaContext) => Promise<ApiResult>;
  const stored = offer({ summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX', items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }] });
  const code = { code: stored.summaryId };
  const keysValue = newFormTokenKeysValue();
  const submission = issueToken(parseFormTokenKeys(keysValue, 'test'), stored.summaryId, new Date());
  const acceptBody = new URLSearchParams({
    submission,
    company: 'Tailwind',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    'licenses.M365_BUSINESS_BASIC': '7',
  }).toString();
  const post = (verb: 'accept' | 'decline', body: string, headers: Record<string, string> = {}, base64 = false) => ({
    ...apiEvent({
      routeKey: `POST /o/{code}/${verb}`,
      pathParameters: code,
      // A form post from the page itself, as a browser sends it.
      headers: {
        'user-agent': BROWSER,
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
    }),
    isBase64Encoded: base64,
  });
  const writes = () => db.writes();
  /** The table holds this offer and nothing else (no answer recorded yet). */
  const offerOnly =
    (item: Offer) =>
    (input: GetInput): Item | undefined =>
      input.Key.SK === 'OFFER' ? { ...offerToItem(item) } : undefined;

  beforeAll(async () => {
    // The checkout template these tests assert redirects against.
    process.env.CHECKOUT_URL_TEMPLATE = 'https://checkout.example.com/buy?offer={summaryId}&items={items}';
    process.env.FORM_TOKEN_KEYS = keysValue;
    // Each test sets what the table answers: no offer is kept from an earlier test's view.
    process.env.OFFER_VIEW_CACHE_SECONDS = '0';
    // The handler makes its table at module load: it gets the fake port instead of DynamoDbLite.
    const lite = await import('../../shared/db/dynamodb-lite.ts');
    jest.unstable_mockModule('../../shared/db/dynamodb-lite.ts', () => ({
      ...lite,
      // View records go through the same fake (a LiteTable gives them their own limits).
      liteTableFromEnv: () => Object.assign(db, { withLimits: () => db }),
    }));
    ({ handler } = await import('../../functions/offer-page/handler.ts'));
  });
  beforeEach(() => {
    db.reset();
    db.answers.get = offerOnly(stored);
  });

  it('answers HEAD with GET’s status and headers, an empty body, and no view counted', async () => {
    const head = await handler(
      apiEvent({ routeKey: 'HEAD /o/{code}', pathParameters: code, headers: { 'user-agent': BROWSER } }),
      lambdaContext,
    );
    expect(writes()).toHaveLength(0);
    const get = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code, headers: { 'user-agent': 'Slackbot 1.0' } }),
      lambdaContext,
    );
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(get.body).toContain('<form');
    const { 'x-request-id': _h, ...headHeaders } = head.headers ?? {};
    const { 'x-request-id': _g, ...getHeaders } = get.headers ?? {};
    expect(headHeaders).toEqual(getHeaders);
    expect(head.headers?.['cache-control']).toContain('no-store');
    expect(writes()).toHaveLength(0);
  });

  it('answers HEAD for an unknown code with 404, like GET', async () => {
    db.answers.get = () => undefined;
    const head = await handler(
      apiEvent({ routeKey: 'HEAD /o/{code}', pathParameters: { code: 'ZZZZ' }, headers: { 'user-agent': BROWSER } }),
      lambdaContext,
    );
    expect(head).toMatchObject({ statusCode: 404, body: '' });
  });

  it('accepts a base64-encoded form body (as API Gateway sends some form posts)', async () => {
    const result = await handler(post('accept', Buffer.from(acceptBody).toString('base64'), {}, true), lambdaContext);
    expect(result.statusCode).toBe(303);
    expect(result.headers?.location).toBe(`/o/ABCD-EFGH-JKMN-PQRS-TVWX/accepted/${submission}`);
    expect(db.calls.get).toEqual([
      { Key: { PK: `OFFER#${stored.summaryId}`, SK: 'OFFER' }, ConsistentRead: true },
      {
        Key: { PK: `OFFER#${stored.summaryId}`, SK: `SUBMISSION#${submissionIdOf(submission)}` },
        ConsistentRead: true,
      },
    ]);
    expect(db.calls.transactWrite).toHaveLength(1);
    const [write] = db.calls.transactWrite;
    expect(putAt(write, 2)).toMatchObject({
      Item: { entity: 'acceptance', companyName: 'Tailwind', items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 7 }] },
    });
  });

  it.each([
    [
      'invalid UTF-8 (base64)',
      post('accept', Buffer.from([0x63, 0x3d, 0xc3, 0x28]).toString('base64'), {}, true),
      400,
      'encoding',
    ],
    ['invalid UTF-8 (percent-encoded)', post('accept', `${acceptBody}&x=%FF`), 400, 'encoding'],
    [
      'multipart',
      post('accept', '--b\r\n\r\n--b--', { 'content-type': 'multipart/form-data; boundary=b' }),
      415,
      'mediaType',
    ],
    ['JSON', post('decline', '{"submission":"x"}', { 'content-type': 'application/json' }), 415, 'mediaType'],
    ['repeated keys', post('accept', `${acceptBody}&company=Other`), 422, 'duplicate'],
    ['an oversized body', post('decline', `reason=${'x'.repeat(20_000)}`), 413, 'tooLarge'],
  ] as const)(
    'answers %s with the page and a form-level error, recording nothing',
    async (_label, event, status, problem) => {
      const result = await handler(event, lambdaContext);
      expect(result.statusCode).toBe(status);
      expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
      expect(result.headers?.['content-security-policy']).toContain("default-src 'none'");
      expect(result.body).toContain('<title>Error: ');
      expect(result.body).toContain(escapeHtml(PAGE_TEXT.en.errors[problem]));
      expect(result.body).toContain('<form');
      expect(writes()).toHaveLength(0);
    },
  );

  it('shows an inactive offer’s status page, not the form, whatever the body (even oversized)', async () => {
    db.answers.get = offerOnly({ ...stored, deactivatedAt: '2026-01-01T00:00:00Z' });
    for (const body of [`reason=${'x'.repeat(20_000)}`, '{}']) {
      const result = await handler(post('decline', body), lambdaContext);
      expect(result.statusCode).toBe(410);
      expect(result.body).toContain('This offer is no longer available');
      expect(result.body).not.toContain('<form');
    }
    expect(writes()).toHaveLength(0);
  });

  it.each([
    ['times out', new DynamoDbError('TimeoutError', 'No answer within 2000 ms')],
    ['keeps throttling', new DynamoDbError('ThrottlingException', 'Rate exceeded', { statusCode: 400 })],
    ['fails on its side', new DynamoDbError('InternalServerError', 'Internal error', { statusCode: 500 })],
  ])('answers a view with a 503 "try again" page when DynamoDB %s, not a 500', async (_label, error) => {
    db.answers.get = () => {
      throw error;
    };
    const result = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code, headers: { 'user-agent': BROWSER } }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain(PAGE_TEXT.en.busyTitle);
  });

  it('still answers a request DynamoDB refuses for good (a bug of ours) with the 500 page', async () => {
    db.answers.get = () => {
      throw new DynamoDbError('ValidationException', 'One or more parameter values were invalid', { statusCode: 400 });
    };
    const result = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code, headers: { 'user-agent': BROWSER } }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(500);
    expect(result.body).toContain(PAGE_TEXT.en.errorTitle);
  });

  it('answers an acceptance that stays in conflict with a 503: the same form, filled in, Retry-After, no-store', async () => {
    db.answers.transactWrite = () => {
      throw new TransactionCanceledError([{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }]);
    };
    const random = Math.random;
    Math.random = () => 0; // no backoff between the store's retries
    try {
      const result = await handler(post('accept', acceptBody), lambdaContext);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toMatch(/^\d+$/);
      expect(result.headers?.['cache-control']).toContain('no-store');
      expect(result.headers?.['content-security-policy']).toBe(pageCsp());
      expect(result.body).toContain(PAGE_TEXT.en.errors.busy);
      // Nothing was recorded: the same submission id lets a resubmission record exactly once.
      expect(result.body).toContain(`name="submission" value="${submission}"`);
      expect(result.body).toContain('value="Tailwind"');
      expect(result.body).toContain('value="7"');
      expect(db.calls.transactWrite.length).toBeGreaterThan(1);
    } finally {
      Math.random = random;
    }
  });

  it('answers a busy decline with a 503 page that keeps the decline section open with the reason', async () => {
    const { OfferBusyError } = await import('../../shared/domain/acceptance.ts');
    const { DynamoCustomerResponseStore } = await import('../../shared/db/customer-responses.ts');
    const decline = DynamoCustomerResponseStore.prototype.decline;
    DynamoCustomerResponseStore.prototype.decline = async () => {
      throw new OfferBusyError(10, { retryAfterSeconds: 3 });
    };
    try {
      const result = await handler(post('decline', `submission=${submission}&reason=Too+pricey`), lambdaContext);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['retry-after']).toBe('3');
      expect(result.body).toContain('<details open>');
      expect(result.body).toContain('>Too pricey</textarea>');
      expect(result.body).toContain(PAGE_TEXT.en.errors.busy);
    } finally {
      DynamoCustomerResponseStore.prototype.decline = decline;
    }
  });

  it('never answers caller input with a 500', async () => {
    const odd: ApiEvent[] = [
      apiEvent({ routeKey: 'GET /o/{code}', pathParameters: { code: '%00<script>' }, headers: {} }),
      apiEvent({
        routeKey: 'GET /o/{code}',
        pathParameters: code,
        query: { lang: '<x>' },
        headers: { 'accept-language': ';;q=9,*' },
      }),
      { ...apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code }), headers: undefined } as unknown as ApiEvent,
      post('accept', 'submission=%'),
      post('accept', '&&&==&=%zz&%%%'),
      post('accept', `lang=xx&${acceptBody.replace('7', '1e3')}`),
      post('decline', 'reason=%E2%80%AE'),
      post('accept', Buffer.from('not base64 at all!').toString('utf8'), {}, true),
    ];
    for (const event of odd) {
      const result = await handler(event, lambdaContext);
      expect(result.statusCode).toBeLessThan(500);
      expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    }
    expect(db.calls.transactWrite).toHaveLength(0);
  });
});
