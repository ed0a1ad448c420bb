import {
  consoleHref,
  type OfferDetailInput,
  offerDetailMain,
  offersListMain,
  readListFilters,
  reviseBodyFromForm,
  reviseFormValues,
} from '../../functions/console/offer-views.ts';
import type { Acceptance, Decline } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { formatDateTime } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { encodeCursor } from '../../shared/schemas/offers.ts';
import { basicOffer } from '../support/offer.ts';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const URL_BASE = 'https://offers.example.com/o/';

function listPage(offers: Offer[], locale: Locale = 'en', extra: { nextCursor?: string; continued?: boolean } = {}) {
  return offersListMain({
    locale,
    filters: {},
    problems: [],
    page: { offers, continued: extra.continued ?? false, now: NOW, ...extra },
  }).value;
}

function detail(offer: Offer, overrides: Partial<OfferDetailInput> = {}): string {
  const locale = overrides.locale ?? 'en';
  const url = `${URL_BASE}${offer.summaryId}`;
  return offerDetailMain({
    locale,
    offer,
    url,
    now: NOW,
    csrfToken: 'csrf-token-1',
    messages: [buildOfferMessage(offer, 'en', url), buildOfferMessage(offer, 'pt-BR', url)],
    acceptances: { items: [] },
    declines: { items: [] },
    ...overrides,
  }).value;
}

function acceptance(overrides: Partial<Acceptance> = {}): Acceptance {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: 'mhx0000000AAAAAAAAAAAAAAAAAAAAAA',
    companyName: 'Contoso',
    contactName: 'Ana Lima',
    email: 'ana@contoso.example',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        name: 'Microsoft 365 Business Basic',
        licenses: 6,
        term: 'P1Y',
        billingFrequency: 'annual',
      },
    ],
    delegatedAdmin: true,
    acceptedAt: '2026-11-19T15:00:00.000Z',
    ...overrides,
  };
}

describe('the console offers list', () => {
  it('escapes a partner reference and links each row to its offer page', () => {
    const offer = basicOffer({ reference: '<script>alert(1)</script>' });

    const page = listPage([offer]);

    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain(`<a href="/console/offers/${offer.summaryId}">${offer.summaryId}</a>`);
  });

  it('shows the status derived at the list’s instant, in the partner’s language', () => {
    const expired = basicOffer({ expiresAt: '2026-11-20T11:59:59.000Z' });
    const active = basicOffer({ summaryId: 'BBBB-EFGH-JKMN-PQRS-TVWX', expiresAt: '2026-11-20T12:00:01.000Z' });
    const exhausted = basicOffer({ summaryId: 'CCCC-EFGH-JKMN-PQRS-TVWX', maxAcceptances: 2, acceptances: 2 });

    const en = listPage([expired, active, exhausted], 'en');
    const pt = listPage([expired, active, exhausted], 'pt-BR');

    expect(en).toContain('<td data-status="expired">Expired</td>');
    expect(en).toContain('<td data-status="active">Active</td>');
    expect(pt).toContain('<td data-status="expired">Expirada</td>');
    expect(pt).toContain('<td data-status="active">Ativa</td>');
    expect(en).toContain('<td data-status="exhausted">Acceptance limit reached</td>');
    expect(pt).toContain('<td data-status="exhausted">Limite de aceites atingido</td>');
  });

  it('shows views, acceptances and declines as each locale writes numbers', () => {
    const offer = basicOffer({ views: 12345, acceptances: 1200, declines: 7 });

    const en = listPage([offer], 'en');
    const pt = listPage([offer], 'pt-BR');

    expect(en).toMatch(/<td>12,345<\/td>\s*<td>1,200<\/td>\s*<td>7<\/td>/);
    expect(pt).toMatch(/<td>12\.345<\/td>\s*<td>1\.200<\/td>\s*<td>7<\/td>/);
  });

  it('is an accessible table: a caption and header cells with scope, inside a scrolling wrapper for phones', () => {
    const page = listPage([basicOffer()]);

    expect(page).toContain('<div class="table-wrap"><table>');
    expect(page).toContain('<caption>Your offers, newest first</caption>');
    expect(page).toContain('<th scope="col">Acceptances</th>');
    expect(page).toContain('<th scope="row">');
  });

  it('links to the next page with the cursor and keeps the filters and the language', () => {
    const cursor = encodeCursor({ createdAt: '2026-11-01T00:00:00.000Z', summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX' });

    const page = offersListMain({
      locale: 'pt-BR',
      filters: { status: 'active', limit: '10' },
      problems: [],
      page: { offers: [basicOffer()], nextCursor: cursor, continued: true, now: NOW },
    }).value;

    expect(page).toContain(
      `<a href="/console/offers?status=active&amp;limit=10&amp;cursor=${cursor}&amp;lang=pt-BR" rel="next">Próxima página</a>`,
    );
    expect(page).toContain('<a href="/console/offers?status=active&amp;limit=10&amp;lang=pt-BR">Primeira página</a>');
    expect(page).toContain('<option value="active" selected>Ativa</option>');
  });

  it('invites a partner without offers to create one, and says so differently on an empty filtered page', () => {
    const none = listPage([]);
    const filtered = offersListMain({
      locale: 'en',
      filters: { status: 'expired' },
      problems: [],
      page: { offers: [], nextCursor: 'x', continued: false, now: NOW },
    }).value;

    expect(none).toContain('You have no offers yet.');
    expect(none).toContain('href="/console/offers/new"');
    expect(filtered).not.toContain('You have no offers yet.');
    expect(filtered).toContain('No offers with this status on this page.');
  });
});

describe('the list filters', () => {
  const read = (
    query: Record<string, string>,
    rawQueryString = new URLSearchParams(query).toString(),
    locale: Locale = 'en',
  ) => readListFilters({ queryStringParameters: query, rawQueryString }, locale);

  it('takes the filters the API takes, leaving the console’s own language parameter out', () => {
    const result = read({ status: 'expired', limit: '10', lang: 'pt-BR' });

    expect(result.problems).toEqual([]);
    expect(result.parsed).toEqual({ status: 'expired', limit: 10 });
  });

  it('reads the filter form’s empty fields (all statuses, no page size) as no filter', () => {
    const result = read({ status: '', limit: '' });

    expect(result.problems).toEqual([]);
    expect(result.parsed).toEqual({});
  });

  it('names the API’s rule for each bad filter, next to its field, in the partner’s language', () => {
    const result = read({ status: 'archived', limit: '101' }, undefined, 'pt-BR');

    expect(result.parsed).toBeUndefined();
    expect(result.problems).toEqual([
      { id: 'limit', rule: 'too_big', message: 'Informe um número inteiro de 1 a 100.' },
      { id: 'status', rule: 'invalid_value', message: 'Escolha um dos status da lista.' },
    ]);
  });

  it('refuses a limit that is not a whole number, a cursor from nowhere and a repeated filter, as the API does', () => {
    expect(read({ limit: '5x' }).problems).toEqual([
      { id: 'limit', rule: 'pattern', message: 'Enter a whole number from 1 to 100.' },
    ]);
    expect(read({ cursor: 'bm9wZQ' }).problems.map((p) => p.rule)).toEqual(['invalid_cursor']);
    expect(read({ status: 'active,expired' }, 'status=active&status=expired').problems.map((p) => p.rule)).toEqual([
      'repeated',
    ]);
  });

  it('shows a bad filter as a field error: the summary links to the field, the field is marked invalid', () => {
    const { filters, problems } = read({ limit: '0' });

    const page = offersListMain({ locale: 'en', filters, problems }).value;

    expect(page).toContain('<a href="#limit">Enter a whole number from 1 to 100.</a>');
    expect(page).toContain('<p class="error" id="limit-error" data-rule="too_small">');
    expect(page).toMatch(
      /<input type="number" id="limit"[^>]*aria-describedby="limit-hint limit-error" aria-invalid="true">/,
    );
    expect(page).toContain('value="0"');
    expect(page).not.toContain('<table>');
  });
});

describe('the console offer page', () => {
  it('shows the counters, the maximum and the status in each language', () => {
    const offer = basicOffer({ views: 1500, acceptances: 3, declines: 2, maxAcceptances: 10 });

    const en = detail(offer);
    const pt = detail(offer, { locale: 'pt-BR' });

    expect(en).toContain('<dd data-counter="views">1,500</dd>');
    expect(en).toContain('<dd data-counter="acceptances">3 of at most 10</dd>');
    expect(en).toContain('<dd data-counter="declines">2</dd>');
    expect(en).toContain('<strong data-status="active">Active</strong>');
    expect(pt).toContain('<dd data-counter="views">1.500</dd>');
    expect(pt).toContain('<strong data-status="active">Ativa</strong>');
  });

  it('lists each acceptance and decline with the customer’s own words escaped', () => {
    const offer = basicOffer({ acceptances: 1, declines: 2, delegatedAdmin: true });
    const declines: Decline[] = [
      {
        summaryId: offer.summaryId,
        submissionId: 'a'.repeat(31),
        declinedAt: '2026-11-19T16:00:00.000Z',
        reason: 'Too <b>pricey</b>',
      },
      { summaryId: offer.summaryId, submissionId: 'b'.repeat(31), declinedAt: '2026-11-19T17:00:00.000Z' },
    ];

    const page = detail(offer, {
      acceptances: {
        items: [acceptance({ companyName: 'Contoso <img src=x onerror=alert(1)>', purchaseOrder: 'PO-7' })],
      },
      declines: { items: declines },
    });

    expect(page).toContain('Contoso &lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('Purchase order: PO-7');
    expect(page).toContain('Microsoft 365 Business Basic: 6 (1-year commitment, paid up front)');
    expect(page).toContain('With delegated administration');
    expect(page).toContain('<td>Too &lt;b&gt;pricey&lt;/b&gt;</td>');
    expect(page).toContain('<em>No reason given</em>');
    expect(page).toContain('<caption>Declines (2 in all), oldest first</caption>');
  });

  it('says so when nobody answered yet', () => {
    const page = detail(basicOffer(), { locale: 'pt-BR' });

    expect(page).toContain('Nenhum cliente aceitou esta oferta ainda.');
    expect(page).toContain('Nenhum cliente recusou esta oferta.');
  });

  it('pages each list on its own: its next and first page keep the other list where it is', () => {
    const offer = basicOffer();
    const a = 'mhx0000000AAAAAAAAAAAAAAAAAAAAAA';
    const b = 'mhx0000000BBBBBBBBBBBBBBBBBBBBBB';
    const d = 'mhx0000000DDDDDDDDDDDDDDDDDDDDDD';

    const page = detail(offer, {
      acceptances: { items: [acceptance()], after: a, nextCursor: b },
      declines: { items: [], after: d },
    });

    const path = `/console/offers/${offer.summaryId}`;
    expect(page).toContain(
      `<a href="${path}?declines=${d}&amp;acceptances=${b}#acceptances-title">More acceptances</a>`,
    );
    expect(page).toContain(`<a href="${path}?declines=${d}#acceptances-title">First acceptances</a>`);
    expect(page).toContain(`<a href="${path}?acceptances=${a}#declines-title">First declines</a>`);
    expect(page).not.toContain('More declines');
  });

  it('shows the message in both languages as text, never as live HTML, with a link to the sandboxed preview', () => {
    const offer = basicOffer({ locale: 'pt-BR', customization: { intro: 'Olá <script>steal()</script>' } });

    const page = detail(offer, {
      messages: [
        buildOfferMessage(offer, 'pt-BR', `${URL_BASE}${offer.summaryId}`),
        buildOfferMessage(offer, 'en', `${URL_BASE}${offer.summaryId}`),
      ],
    });

    expect(page).not.toContain('<script>steal()');
    expect(page).not.toContain(' style="');
    expect(page).toContain('&lt;table role=&quot;presentation&quot;');
    expect(page).toContain('<pre lang="pt-BR">Olá &lt;script&gt;steal()&lt;/script&gt;');
    expect(page).toMatch(/<div class="preview" lang="pt-BR">[\s\S]*Olá &lt;script&gt;steal\(\)&lt;\/script&gt;/);
    expect(page).toContain('<h3>Portuguese (Brazil) (the offer’s language)</h3>');
    expect(page).toContain('<h3>English</h3>');
    expect(page).toContain(`href="/console/offers/${offer.summaryId}/message.html?locale=pt-BR"`);
    expect(page).toContain(`href="/console/offers/${offer.summaryId}/message.html?locale=en"`);
    expect(page.indexOf('<pre lang="pt-BR">')).toBeLessThan(page.indexOf('<pre lang="en">'));
  });

  it('shows the link and the QR code served by the console', () => {
    const offer = basicOffer();

    const page = detail(offer);

    expect(page).toContain(`<a href="${URL_BASE}${offer.summaryId}">${URL_BASE}${offer.summaryId}</a>`);
    expect(page).toContain(
      `<img src="/console/offers/${offer.summaryId}/qr.svg" width="200" height="200" alt="QR code of the offer link">`,
    );
  });

  it('offers deactivation with the message field and the session’s CSRF token while the offer is not deactivated', () => {
    const offer = basicOffer();

    const page = detail(offer, { locale: 'pt-BR' });

    expect(page).toContain(`<form method="post" action="/console/offers/${offer.summaryId}/deactivate?lang=pt-BR">`);
    expect(page).toContain('<input type="hidden" name="csrf" value="csrf-token-1">');
    expect(page).toContain('<textarea id="message" name="message"');
    expect(page).toContain('Desativar esta oferta');
  });

  it('shows a deactivated offer’s time and message (escaped), without the deactivate form', () => {
    const offer = basicOffer({ deactivatedAt: '2026-11-19T10:00:00.000Z', deactivationMessage: 'Call us <now>' });

    const page = detail(offer);

    expect(page).toContain('<strong data-status="deactivated">Deactivated</strong>');
    expect(page).toContain('Call us &lt;now&gt;');
    expect(page).not.toContain('/deactivate"');
    expect(page).toContain('This offer is deactivated.');
  });

  it('shows the notice after a deactivation and a field error when the message broke the rule', () => {
    const offer = basicOffer();

    const notice = detail(offer, { notice: 'deactivated' });
    const error = detail(offer, {
      deactivation: { message: 'a'.repeat(501), problem: { id: 'message', rule: 'too_big', message: 'Too long' } },
    });

    expect(notice).toContain('<div class="notice" role="status">The offer was deactivated.');
    expect(error).toContain('<p class="error" id="message-error" data-rule="too_big">Too long</p>');
    expect(error).toContain(`>${'a'.repeat(501)}</textarea>`);
    expect(error).toContain('<a href="#message">Too long</a>');
  });

  it('points a revised offer to its revision instead of offering another revise', () => {
    const offer = basicOffer({ revisedBy: 'ZZZZ-EFGH-JKMN-PQRS-TVWX', deactivatedAt: '2026-11-19T10:00:00.000Z' });

    const page = detail(offer);

    expect(page).toContain(
      'This offer was replaced by a revision: <a href="/console/offers/ZZZZ-EFGH-JKMN-PQRS-TVWX">',
    );
    expect(page).not.toContain('/revise"');
  });

  it('links an unrevised offer to its revise form, in the partner’s language', () => {
    const offer = basicOffer();

    expect(detail(offer, { locale: 'pt-BR' })).toContain(
      `<a class="button" href="/console/offers/${offer.summaryId}/revise?lang=pt-BR">Revisar esta oferta</a>`,
    );
  });
});

describe('consoleHref', () => {
  it('adds lang only for pt-BR and leaves empty parameters out', () => {
    expect(consoleHref('/console/offers', 'en', { status: undefined, cursor: '' })).toBe('/console/offers');
    expect(consoleHref('/console/offers', 'pt-BR', { status: 'active' })).toBe(
      '/console/offers?status=active&lang=pt-BR',
    );
  });
});

describe('the revise form', () => {
  const offer = basicOffer({
    usageLocation: 'US',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 4,
        term: 'P1Y',
        billingFrequency: 'monthly',
        choices: [
          { term: 'P1Y', billingFrequency: 'monthly' },
          { term: 'P1M', billingFrequency: 'monthly' },
        ],
      },
    ],
    delegatedAdmin: true,
    customization: { intro: 'Hi <there>', contact: { name: 'Pat', email: 'pat@example.com' } },
    // 02:30 UTC on the 10th is still the 9th in New York.
    expiresAt: '2026-12-10T02:30:00.000Z',
    maxAcceptances: 5,
    reference: 'CRM-1',
  });

  it('starts from the offer’s own values, in the create form’s fields', () => {
    expect(reviseFormValues(offer)).toEqual({
      officeId: offer.officeId,
      usageLocation: 'US',
      locale: 'en',
      'include.M365_BUSINESS_BASIC': 'yes',
      'licenses.M365_BUSINESS_BASIC': '4',
      'term.M365_BUSINESS_BASIC': 'P1Y/monthly',
      'choice.M365_BUSINESS_BASIC.P1M.monthly': 'yes',
      delegatedAdmin: 'yes',
      intro: 'Hi <there>',
      contactName: 'Pat',
      contactEmail: 'pat@example.com',
      expiresOn: '2026-12-09',
      maxAcceptances: '5',
      reference: 'CRM-1',
    });
  });

  it('posts back what the form shows: an untouched expiry keeps the offer’s instant, a new date is sent', () => {
    const values = { ...reviseFormValues(offer), 'licenses.M365_BUSINESS_BASIC': '7' };

    const untouched = reviseBodyFromForm(values, offer);
    const moved = reviseBodyFromForm({ ...values, expiresOn: '2026-12-20' }, offer);

    expect(untouched).not.toHaveProperty('expiresAt');
    expect(untouched.items).toEqual([
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 7,
        term: 'P1Y',
        billingFrequency: 'monthly',
        termChoices: [{ term: 'P1M', billingFrequency: 'monthly' }],
      },
    ]);
    expect(moved.expiresAt).toBe('2026-12-20T23:59:59-05:00');
  });

  it('sends an empty customization when every message field was emptied, so the revision clears it', () => {
    const values = { ...reviseFormValues(offer), intro: '', contactName: '', contactEmail: '' };

    expect(reviseBodyFromForm(values, offer).customization).toEqual({});
  });
});

describe('the console offer page: the customer agreement date', () => {
  it.each<[Locale, string]>([
    ['en', 'Accepted the customer agreement on November 18, 2026'],
    ['pt-BR', 'Aceitou o contrato de cliente em 18 de novembro de 2026'],
  ])('writes the date the customer agreed as the page’s language writes dates (%s)', (locale, words) => {
    const agreed = acceptance({
      customerAgreement: {
        agreementUrl: 'https://www.microsoft.com/licensing/docs/customeragreement',
        dateAgreed: '2026-11-18',
        primaryContact: { firstName: 'Ana', lastName: 'Lima', email: 'ana@contoso.example' },
      },
    });

    const page = detail(basicOffer({ requireCustomerAgreement: true }), { locale, acceptances: { items: [agreed] } });

    expect(page).toContain(`<p>${words}</p>`);
    expect(page).not.toContain('2026-11-18<');
  });
});

describe('the console’s short date and time', () => {
  const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

  it('writes an instant short enough for a table cell, in the usage location’s zone, beside the long style', () => {
    const at = '2026-11-20T10:00:00.000Z';

    const long = plain(formatDateTime('en', at, 'BR'));
    const short = plain(formatDateTime('en', at, 'BR', 'short'));

    expect(long).toBe('November 20, 2026 at 7:00 AM Brasilia Standard Time');
    expect(short).toBe('Nov 20, 2026, 07:00 AM GMT-3');
    expect(plain(formatDateTime('pt-BR', at, 'BR', 'short'))).toBe('20 de nov. de 2026, 07:00 BRT');
  });
});
