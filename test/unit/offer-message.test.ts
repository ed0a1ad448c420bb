import { unitPrice } from '../../shared/catalog/price-lists.ts';
import type { BillingFrequency, CommitmentTerm } from '../../shared/catalog/terms.ts';
import type { Offer, OfferLine } from '../../shared/domain/offer.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { qrSvg } from '../../shared/render/qr.ts';
import { offerFixture } from '../support/offer.ts';

const URL = 'https://offers.example.com/o/7K3M-Q9TX-ABCD-EFGH-JKMN';
const NBSP = '\u00a0';

/** The catalog's unit price snapshot of a SKU in a market, as offer creation stores it; none if unsourced. */
function snapshot(market: string, sku: string, term: CommitmentTerm, billingFrequency: BillingFrequency) {
  const price = unitPrice({ market, sku, term, billingFrequency });
  return price.status === 'priced'
    ? {
        unitPrice: {
          currency: price.currency,
          monthlyUnitMinor: price.monthlyUnitMinor,
          perBillingPeriodMinor: price.perBillingPeriodMinor,
          billingPeriodMonths: price.billingPeriodMonths,
        },
      }
    : {};
}

/** A line as offer creation makes it; `choices` lists the terms the customer may pick (its own first). */
function line(
  market: string,
  sku: string,
  licenses: number,
  term: CommitmentTerm,
  billingFrequency: BillingFrequency,
  choices?: readonly [CommitmentTerm, BillingFrequency][],
): OfferLine {
  return {
    sku,
    licenses,
    term,
    billingFrequency,
    ...snapshot(market, sku, term, billingFrequency),
    ...(choices
      ? { choices: choices.map(([t, b]) => ({ term: t, billingFrequency: b, ...snapshot(market, sku, t, b) })) }
      : {}),
  };
}

/**
 * A US offer priced from the catalog (price-lists.ts, US, from 2026-07-01): Business Standard $14.00
 * a month on P1Y paid yearly; Microsoft 365 E3 $39.00 base, +5 % when the annual term is paid monthly
 * ($40.95); Business Basic $7.00 base, +20 % on a monthly term ($8.40).
 */
function usOffer(overrides: Partial<Offer> = {}): Offer {
  return offerFixture({
    summaryId: '7K3M-Q9TX-ABCD-EFGH-JKMN',
    partnerId: 'p-1',
    officeId: 'o-1',
    officeName: 'HQ',
    usageLocation: 'US',
    items: [
      line('US', 'M365_BUSINESS_STANDARD', 10, 'P1Y', 'annual'),
      line('US', 'M365_E3', 25, 'P1Y', 'monthly', [
        ['P1Y', 'monthly'],
        ['P1Y', 'annual'],
        ['P1M', 'monthly'],
      ]),
      line('US', 'M365_BUSINESS_BASIC', 3, 'P1M', 'monthly'),
    ],
    delegatedAdmin: false,
    customization: { intro: 'Hello Ana,\nhere is the offer.\n\nSecond paragraph.' },
    partner: {
      name: 'Fabrikam',
      advisorCode: '4400001',
      contact: { name: 'Pat', email: 'pat@fabrikam.example', phone: '+1 206 555 0100' },
      logoUrl: 'https://fabrikam.example/logo.png',
    },
    createdAt: '2026-11-24T12:00:00.000Z',
    expiresAt: '2026-12-31T23:59:00.000Z',
    ...overrides,
  });
}

/** The HTML of one line's row: its cell up to the end of the table inside it. */
function lineHtml(html: string, sku: string): string {
  const start = html.indexOf(`<td data-line="${sku}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</table>', start));
}

describe('buildOfferMessage: the HTML email', () => {
  it('heads the email with the partner’s https logo and name, and a table-cell button to the offer', () => {
    const message = buildOfferMessage(usOffer(), 'en', URL);

    expect(message.html).toContain(
      '<img src="https://fabrikam.example/logo.png" alt="Fabrikam" height="48" style="display:block;',
    );
    expect(message.html).toMatch(/<td valign="middle" style="[^"]*font-weight:600;[^"]*">Fabrikam<\/td>/);
    // The button is the cell's background (Outlook paints bgcolor even where it ignores <a> padding).
    expect(message.html).toMatch(
      /<td align="center" bgcolor="#0f6cbd" style="background-color:#0f6cbd;[^"]*">\n<a href="https:\/\/offers\.example\.com\/o\/7K3M-Q9TX-ABCD-EFGH-JKMN" target="_blank" style="[^"]*display:inline-block;[^"]*">View the offer<\/a>/,
    );
  });

  it('shows each line’s term, billing, unit price per license and period, and line total, exact to the cent', () => {
    const { html } = buildOfferMessage(usOffer(), 'en', URL);

    const standard = lineHtml(html, 'M365_BUSINESS_STANDARD');
    expect(standard).toContain('>Microsoft 365 Business Standard</strong>');
    expect(standard).toContain('10 licenses · 1-year commitment, paid up front');
    expect(standard).toContain('Unit price: $168.00 per license per year ($14.00 per license per month)');
    expect(standard).toContain('>$1,680.00</strong>'); // 10 × $168.00, one yearly bill
    expect(standard).toContain('>per year</span>');

    const e3 = lineHtml(html, 'M365_E3');
    expect(e3).toContain('25 licenses · 1-year commitment, billed monthly');
    expect(e3).toContain('Unit price: $40.95 per license per month<');
    expect(e3).toContain('>$1,023.75</strong>'); // 25 × $40.95
    expect(e3).toContain('>per month</span>');
    expect(e3).toContain(
      'Only for organisations that already subscribe to Microsoft 365 E3: these licenses are added to that subscription.',
    );
    expect(e3).toContain(
      '>Other options when you accept: 1-year commitment, paid up front, $468.00 per license per year ($39.00 per license per month); monthly commitment, billed monthly, $46.80 per license per month.</span>',
    );
    expect(standard).not.toContain('Other options');

    const basic = lineHtml(html, 'M365_BUSINESS_BASIC');
    expect(basic).toContain('3 licenses · Monthly commitment, billed monthly');
    expect(basic).toContain('Unit price: $8.40 per license per month<');
    expect(basic).toContain('>$25.20</strong>');
    expect(basic).not.toContain('already subscribe');
  });

  it('totals per month and per year as list prices before taxes, an estimate', () => {
    const { html } = buildOfferMessage(usOffer(), 'en', URL);

    // $140.00 + $1,023.75 + $25.20 a month; twelve of those a year.
    expect(html).toMatch(/>Per month<\/td><td [^>]*data-total="month">\$1,188\.95<\/td>/);
    expect(html).toMatch(/>Per year<\/td><td [^>]*data-total="year">\$14,267\.40<\/td>/);
    expect(html).toContain(
      'List prices before taxes, for the license counts shown. This is an estimate; the checkout shows the final price.</p>',
    );
    expect(html).not.toContain('are not included');
  });

  it('discloses the commitment clock, the summary ID, the expiry and what the customer must know', () => {
    const { html } = buildOfferMessage(usOffer(), 'en', URL);

    expect(html).toContain('>What you commit to</h2>');
    expect(html).toContain(
      'After you buy, you have 7 days (168 hours) to reduce the number of licenses or cancel, with a prorated credit. After that, the license count is fixed until the term ends.</li>',
    );
    expect(html).toContain(
      'Monthly commitment: ends one month after the purchase, on the day before its monthly anniversary. If bought on November 24, 2026, it runs until December 23, 2026 and renews on December 24, 2026.</li>',
    );
    expect(html).toContain(
      '1-year commitment: ends one year after the purchase, on the day before its anniversary. If bought on November 24, 2026, it runs until November 23, 2027 and renews on November 24, 2027.</li>',
    );
    expect(html).not.toContain('3-year commitment');
    expect(html).toContain('Summary ID: 7K3M-Q9TX-ABCD-EFGH-JKMN</p>');
    expect(html).toContain('This offer is valid until December 31, 2026 at 6:59 PM Eastern Standard Time.</p>');
    expect(html).toContain(
      '>You buy directly from Microsoft: Microsoft bills you for the subscriptions, not the advisor.</li>',
    );
    expect(html).toContain('Hello Ana,<br>here is the offer.</p>');
  });

  it('holds in mail clients: a 600 px table layout, every style inline, no stylesheet, class or script', () => {
    const { html } = buildOfferMessage(usOffer(), 'en', URL);

    expect(html).toContain('<table role="presentation" width="600"');
    expect(html).toContain('max-width:600px;');
    for (const banned of ['<script', '<style', '<link', '@import', 'class=', 'javascript:']) {
      expect([banned, html.includes(banned)]).toEqual([banned, false]);
    }
    const body = html.slice(html.indexOf('<body'), html.indexOf('</body>'));
    const tags = [...body.matchAll(/<([a-z][a-z0-9]*)\b([^>]*)>/g)];
    expect(tags.length).toBeGreaterThan(50);
    for (const [, name, attributes] of tags) {
      // Row and line-break tags carry no presentation; every other element is styled where it stands.
      if (name === 'tr' || name === 'br') continue;
      expect([name, attributes]).toEqual([name, expect.stringContaining(' style="')]);
    }
  });

  it('names the offer a revision replaces, next to its own summary ID', () => {
    const revised = usOffer({ revisionOf: 'AAAA-BBBB-CCCC-DDDD-EEEE' });

    const en = buildOfferMessage(revised, 'en', URL);
    const pt = buildOfferMessage(revised, 'pt-BR', URL);

    expect(en.text).toContain(
      'Summary ID: 7K3M-Q9TX-ABCD-EFGH-JKMN\nThis offer replaces the earlier offer AAAA-BBBB-CCCC-DDDD-EEEE.\n',
    );
    expect(en.html).toContain('>This offer replaces the earlier offer AAAA-BBBB-CCCC-DDDD-EEEE.</p>');
    expect(pt.text).toContain('Esta oferta substitui a oferta anterior AAAA-BBBB-CCCC-DDDD-EEEE.');
    expect(buildOfferMessage(usOffer(), 'en', URL).text).not.toContain('replaces');
  });

  it('leaves a logo that is not https out (the mail client would fetch it in the clear)', () => {
    const offer = usOffer();
    const message = buildOfferMessage(
      { ...offer, partner: { ...offer.partner, logoUrl: 'http://fabrikam.example/logo.png' } },
      'en',
      URL,
    );

    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('>Fabrikam</td>');
  });

  it('escapes every partner string: name, logo URL, intro, closing and contact', () => {
    const offer = usOffer({
      customization: {
        intro: '<img src=x onerror=alert(3)>',
        closing: '</td></table><script>alert(4)</script>',
        contact: { name: '<b>Pat</b>', email: 'pat@fabrikam.example' },
        logoUrl: 'https://fabrikam.example/logo.png?a=1&b="><script>alert(2)</script>',
      },
    });
    const hostile = { ...offer, partner: { ...offer.partner, name: 'Fabrikam <script>alert(1)</script> & "Co"' } };

    const { html, text } = buildOfferMessage(hostile, 'en', URL);

    expect(html).not.toMatch(/<script|<img src=x|<b>|onerror=alert\(3\)>/);
    expect(html).toContain(
      '<img src="https://fabrikam.example/logo.png?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" alt="Fabrikam &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"',
    );
    expect(html).toContain('>Fabrikam &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</td>');
    expect(html).toContain('&lt;img src=x onerror=alert(3)&gt;</p>');
    expect(html).toContain('&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(4)&lt;/script&gt;</p>');
    expect(html).toContain(
      'Contact Fabrikam &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;: &lt;b&gt;Pat&lt;/b&gt;',
    );
    expect(html).toContain(
      '<title>Fabrikam &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;: your purchase offer',
    );
    // The plain-text part is text: the partner's words as written.
    expect(text).toContain('— Fabrikam <script>alert(1)</script> & "Co"\n');
  });
});

describe('buildOfferMessage: the plain-text part', () => {
  it('says what the HTML says, in full and in order, from the offer alone (no clock, no randomness)', () => {
    const message = buildOfferMessage(usOffer(), 'en', URL);

    expect(message.text).toBe(
      [
        'Hello Ana,',
        'here is the offer.',
        '',
        'Second paragraph.',
        '',
        'Subscriptions in this offer:',
        '- Microsoft 365 Business Standard: 10 licenses',
        '  1-year commitment, paid up front',
        '  Unit price: $168.00 per license per year ($14.00 per license per month)',
        '  Line total: $1,680.00 per year',
        '- Microsoft 365 E3: 25 licenses',
        '  1-year commitment, billed monthly',
        '  Unit price: $40.95 per license per month',
        '  Line total: $1,023.75 per month',
        '  Other options when you accept: 1-year commitment, paid up front, $468.00 per license per year ($39.00 per license per month); monthly commitment, billed monthly, $46.80 per license per month.',
        '  Only for organisations that already subscribe to Microsoft 365 E3: these licenses are added to that subscription.',
        '- Microsoft 365 Business Basic: 3 licenses',
        '  Monthly commitment, billed monthly',
        '  Unit price: $8.40 per license per month',
        '  Line total: $25.20 per month',
        '',
        'Estimated cost:',
        '- Per month: $1,188.95',
        '- Per year: $14,267.40',
        'List prices before taxes, for the license counts shown. This is an estimate; the checkout shows the final price.',
        '',
        'View the offer: https://offers.example.com/o/7K3M-Q9TX-ABCD-EFGH-JKMN',
        'Summary ID: 7K3M-Q9TX-ABCD-EFGH-JKMN',
        'This offer is valid until December 31, 2026 at 6:59 PM Eastern Standard Time.',
        '',
        'What you commit to:',
        '- After you buy, you have 7 days (168 hours) to reduce the number of licenses or cancel, with a prorated credit. After that, the license count is fixed until the term ends.',
        '- Monthly commitment: ends one month after the purchase, on the day before its monthly anniversary. If bought on November 24, 2026, it runs until December 23, 2026 and renews on December 24, 2026.',
        '- 1-year commitment: ends one year after the purchase, on the day before its anniversary. If bought on November 24, 2026, it runs until November 23, 2027 and renews on November 24, 2027.',
        '',
        'Before you accept:',
        '- Fabrikam is an authorised advisor for Microsoft cloud subscriptions and prepared this offer for you.',
        '- You buy directly from Microsoft: Microsoft bills you for the subscriptions, not the advisor.',
        '- Questions? Contact Fabrikam: Pat · pat@fabrikam.example · +1 206 555 0100.',
        '- You decide how many licenses to buy: change any count before you accept. After purchase you can add licenses at any time; reducing them is only possible within the window shown under the commitment.',
        '',
        'Thank you for considering this offer.',
        '— Fabrikam',
        '',
      ].join('\n'),
    );
    expect(message.subject).toBe('Fabrikam: your purchase offer for Microsoft cloud subscriptions');
    expect(message.locale).toBe('en');
  });

  it('writes money in the message’s language: US dollars for a pt-BR reader', () => {
    const message = buildOfferMessage({ ...usOffer(), customization: {} }, 'pt-BR', URL);

    expect(message.subject).toContain('sua oferta de compra');
    expect(message.text).toContain('Fabrikam preparou uma oferta');
    expect(message.text).toContain(
      `- Microsoft 365 Business Standard: 10 licenças\n  Compromisso de 1 ano, pago antecipadamente\n  Preço unitário: US$${NBSP}168,00 por licença por ano (US$${NBSP}14,00 por licença por mês)\n  Total da linha: US$${NBSP}1.680,00 por ano\n`,
    );
    expect(message.text).toContain(`- Por mês: US$${NBSP}1.188,95\n- Por ano: US$${NBSP}14.267,40\n`);
    expect(message.text).toContain('É uma estimativa; o pagamento mostra o preço final.');
    expect(message.text).toContain(
      '- Depois da compra, você tem 7 dias (168 horas) para reduzir o número de licenças ou cancelar',
    );
    expect(message.text).toContain(
      'Se a compra for em 24 de novembro de 2026, vale até 23 de novembro de 2027 e é renovado em 24 de novembro de 2027.',
    );
    expect(message.text).toContain('ID do resumo: 7K3M-Q9TX-ABCD-EFGH-JKMN');
    expect(message.text).toContain('Obrigado por considerar esta oferta.');
    expect(message.html).toContain('<html lang="pt-BR">');
    expect(message.html).toContain('>Ver a oferta</a>');
  });
});

describe('buildOfferMessage: lines without a price', () => {
  // BR has no sourced figure in reais (price-lists.ts), so offer creation stores no unit price.
  const brOffer = () =>
    usOffer({
      usageLocation: 'BR',
      items: [
        line('BR', 'M365_BUSINESS_STANDARD', 10, 'P1Y', 'annual'),
        line('BR', 'M365_BUSINESS_BASIC', 4, 'P1M', 'monthly'),
      ],
      expiresAt: undefined,
    });

  it('says "price shown at checkout" for a BR offer, with no totals and no invented figure', () => {
    const offer = brOffer();
    expect(offer.items.map((item) => item.unitPrice)).toEqual([undefined, undefined]);

    const en = buildOfferMessage(offer, 'en', URL);
    const pt = buildOfferMessage(offer, 'pt-BR', URL);

    expect(en.text).toContain(
      '- Microsoft 365 Business Standard: 10 licenses\n  1-year commitment, paid up front\n  Price shown at checkout\n',
    );
    expect(en.text).toContain(
      '- Microsoft 365 Business Basic: 4 licenses\n  Monthly commitment, billed monthly\n  Price shown at checkout\n',
    );
    expect(en.text).toContain('\nPrices and totals are shown at checkout.\n');
    expect(lineHtml(en.html, 'M365_BUSINESS_BASIC')).toContain('>Price shown at checkout</span>');
    expect(pt.text).toContain('  Preço mostrado no pagamento\n');
    expect(pt.text).toContain('\nOs preços e totais são mostrados no pagamento.\n');
    for (const message of [en, pt]) {
      expect(message.text).not.toMatch(/R\$|US\$|\$\d|Estimated cost|Custo estimado/);
      expect(message.html).not.toMatch(/R\$|US\$|\$\d|data-total=/);
      expect(message.text).toMatch(/168 (hours|horas)/);
    }
  });

  it('lists a line’s other term choices as priced at checkout, and their terms’ commitment clocks', () => {
    const offer = usOffer({
      usageLocation: 'BR',
      items: [
        line('BR', 'M365_BUSINESS_BASIC', 4, 'P1Y', 'annual', [
          ['P1Y', 'annual'],
          ['P1M', 'monthly'],
        ]),
      ],
    });

    const en = buildOfferMessage(offer, 'en', URL);
    const pt = buildOfferMessage(offer, 'pt-BR', URL);

    expect(en.text).toContain(
      '  Price shown at checkout\n  Other options when you accept: monthly commitment, billed monthly, price shown at checkout.\n',
    );
    expect(en.text).toContain('\n- Monthly commitment: ends one month after the purchase');
    expect(en.html).toContain(
      'Other options when you accept: monthly commitment, billed monthly, price shown at checkout.</span>',
    );
    expect(pt.text).toContain(
      '  Outras opções ao aceitar: compromisso mensal, cobrado mensalmente, preço mostrado no pagamento.\n',
    );
    expect(pt.text).toContain('\n- Compromisso mensal: termina um mês após a compra');
  });

  it('totals only the priced lines of a mixed offer, and says the others are not included', () => {
    const offer = usOffer({
      // Teams Essentials has no sourced US figure after the 2026-07-01 update.
      items: [
        line('US', 'M365_BUSINESS_STANDARD', 10, 'P1Y', 'annual'),
        line('US', 'TEAMS_ESSENTIALS', 3, 'P1Y', 'annual'),
      ],
    });
    expect(offer.items[1]?.unitPrice).toBeUndefined();

    const { text, html } = buildOfferMessage(offer, 'en', URL);

    expect(text).toContain(
      '- Microsoft Teams Essentials: 3 licenses\n  1-year commitment, paid up front\n  Price shown at checkout\n',
    );
    expect(text).toContain(
      '- Per month: $140.00\n- Per year: $1,680.00\nList prices before taxes, for the license counts shown. This is an estimate; the checkout shows the final price.\nOnly subscriptions with a price shown are included; the others are priced at checkout.\n',
    );
    expect(html).toContain(
      'Only subscriptions with a price shown are included; the others are priced at checkout.</p>',
    );
  });

  it('still renders an offer made before terms and prices: a 1-year term paid up front, priced at checkout', () => {
    const offer = usOffer({
      items: [
        { sku: 'M365_BUSINESS_STANDARD', licenses: 1 },
        { sku: 'M365_E3', licenses: 2500 },
      ],
    });

    const { text, html } = buildOfferMessage(offer, 'pt-BR', URL);

    expect(text).toContain(
      '- Microsoft 365 E3: 2.500 licenças\n  Compromisso de 1 ano, pago antecipadamente\n  Preço mostrado no pagamento\n',
    );
    expect(text).toContain('- Microsoft 365 Business Standard: 1 licença\n');
    expect(text).toContain('- Compromisso de 1 ano: termina um ano após a compra');
    expect(text).not.toContain('Compromisso mensal:');
    expect(html).toContain('1 licença · Compromisso de 1 ano, pago antecipadamente');
  });
});

describe('qrSvg', () => {
  it('draws a square QR code with a quiet zone and the URL as its title', () => {
    const svg = qrSvg(URL);
    const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(viewBox?.[1]).toBe(viewBox?.[2]);
    // Version 1 is 21 modules; the URL needs more, plus 4 modules of quiet zone on each side.
    expect(Number(viewBox?.[1])).toBeGreaterThanOrEqual(21 + 8);
    expect(svg).toContain(`<title>${URL}</title>`);
    expect(qrSvg('a"<b>')).toContain('<title>a&quot;&lt;b&gt;</title>');
  });
});
