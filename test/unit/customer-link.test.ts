import { buildCheckoutUrl, parseCheckoutTemplate } from '../../shared/customer/checkout.ts';
import { offerPage, pageCsp, statusPage } from '../../shared/customer/pages.ts';
import { isAutomatedVisitor, newSubmissionId, SUBMISSION_ID_PATTERN } from '../../shared/customer/visitors.ts';
import { type Offer, offerStatus } from '../../shared/domain/offer.ts';
import { generateSummaryId, normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { escapeHtml, html } from '../../shared/render/html.ts';

function offer(overrides: Partial<Offer> = {}): Offer {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    partnerId: 'p',
    officeId: 'o',
    officeName: 'HQ',
    usageLocation: 'BR',
    items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }],
    delegatedAdmin: false,
    locale: 'en',
    customization: {},
    partner: { name: 'Fabrikam', advisorCode: '4400001', contact: { name: 'Pat', email: 'pat@example.com' } },
    createdAt: '2026-11-01T00:00:00.000Z',
    views: 0,
    acceptances: 0,
    declines: 0,
    ...overrides,
  };
}

describe('summary IDs', () => {
  it('are 20 Crockford base32 symbols (100 bits) in five groups of four, and distinct', () => {
    const ids = new Set(Array.from({ length: 1000 }, generateSummaryId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
  });

  it('normalises what a person types: case, missing hyphens, spaces, I/L as 1 and O as 0', () => {
    expect(normalizeSummaryId('abcd efgh jkmn pqrs tvwx')).toBe('ABCD-EFGH-JKMN-PQRS-TVWX');
    expect(normalizeSummaryId('1O1O-ILIL-0000-0000-0000')).toBe('1010-1111-0000-0000-0000');
    expect(normalizeSummaryId('ABCD-EFGH')).toBeUndefined();
    expect(normalizeSummaryId('ABCD-EFGH-JKMN-PQRS-TVWU')).toBeUndefined();
    expect(normalizeSummaryId('x'.repeat(500))).toBeUndefined();
  });
});

describe('offer status', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  it.each([
    [{}, 'active'],
    [{ deactivatedAt: '2026-11-01T00:00:00.000Z', expiresAt: '2020-01-01T00:00:00.000Z' }, 'deactivated'],
    [{ expiresAt: '2026-11-24T12:00:00.000Z' }, 'expired'],
    [{ expiresAt: '2026-11-24T12:00:01.000Z' }, 'active'],
    [{ maxAcceptances: 3, acceptances: 3 }, 'exhausted'],
    [{ maxAcceptances: 3, acceptances: 2 }, 'active'],
  ])('%p is %s', (overrides, status) => {
    expect(offerStatus(offer(overrides), now)).toBe(status);
  });
});

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

describe('automated visitors', () => {
  it.each([
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'WhatsApp/2.23.20.0',
    'facebookexternalhit/1.1',
    'Mozilla/5.0 (compatible; Googlebot/2.1)',
    'Mozilla/5.0 (Windows NT 10.0) SkypeUriPreview Preview/0.5',
    'curl/8.5.0',
  ])('does not count %s', (agent) => {
    expect(isAutomatedVisitor({ 'user-agent': agent })).toBe(true);
  });

  it('counts a person’s browser, but not its prefetches or a missing user agent', () => {
    const chrome = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36';
    expect(isAutomatedVisitor({ 'user-agent': chrome })).toBe(false);
    expect(isAutomatedVisitor({ 'user-agent': chrome, 'sec-purpose': 'prefetch' })).toBe(true);
    expect(isAutomatedVisitor({})).toBe(true);
  });

  it('makes submission ids that the form schema accepts', () => {
    expect(newSubmissionId()).toMatch(SUBMISSION_ID_PATTERN);
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
      submissionId: 'sub',
    });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('"onerror="');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('name="delegatedAdmin"');
    const withDa = offerPage({ offer: offer({ delegatedAdmin: true }), locale: 'pt-BR', submissionId: 'sub' });
    expect(withDa).toContain('name="delegatedAdmin" value="yes"');
    expect(withDa).toContain('Aceitar sem administração delegada');
  });

  it('shows no form on an inactive offer, with the deactivation message escaped', () => {
    const page = statusPage(offer({ deactivationMessage: '<img src=x onerror=alert(1)>' }), 'deactivated', 'en');
    expect(page).not.toContain('<form');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('allows the page’s own style by hash, no script, and form posts only to itself and the checkout', () => {
    const csp = pageCsp('https://checkout.example.com');
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/script-src|unsafe/);
    expect(csp).toContain("form-action 'self' https://checkout.example.com");
  });
});
