import { createHash } from 'node:crypto';
import { acceptedPage, offerPage, replacedPage } from '../../functions/offer-page/pages.ts';
import type { Acceptance, AcceptedLine } from '../../shared/domain/acceptance.ts';
import type { Offer, OfferLine } from '../../shared/domain/offer.ts';
import { formatCalendarDate } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { pageCsp, pageResponse } from '../../shared/offer-page/layout.ts';
import { LIVE_TOTALS_SCRIPT, LIVE_TOTALS_SCRIPT_HASH } from '../../shared/offer-page/live-totals.ts';
import { basicOffer } from '../support/offer.ts';
import { listPrice, pricedLine } from '../support/priced-offer.ts';

/** ICU writes a no-break space after US$/R$ and a narrow one before AM/PM: compare text as a reader sees it. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

/**
 * The page as a reader without the live-totals script sees it: elements marked `hidden` (parts only
 * the script shows) and the data-* attributes the script reads are left out.
 */
const visible = (page: string) =>
  page
    .replace(/<(p|li|dl|section)\b[^>]*\shidden>[\s\S]*?<\/\1>/g, '')
    .replace(/ data-[a-z-]+(?:="[^"]*")?/g, '')
    .replace(/<script>[\s\S]*?<\/script>/g, '');

const NOW = new Date('2026-11-30T12:00:00.000Z');

/** A US offer: Business Basic on a year billed monthly, Microsoft 365 E3 on a year paid up front. */
function usOffer(overrides: Partial<Offer> = {}): Offer {
  return basicOffer({
    usageLocation: 'US',
    items: [
      pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'monthly'),
      pricedLine('US', 'M365_E3', 3, 'P1Y', 'annual'),
    ],
    ...overrides,
  });
}

function render(offer: Offer, locale: Locale, values: Record<string, string> = {}): string {
  return visible(plain(offerPage({ offer, locale, submissionToken: 't', now: NOW, form: { values, errors: {} } })));
}

/** The text of the element with class `name` (first one), tags dropped. */
function textOf(page: string, name: string): string | undefined {
  const match = new RegExp(`class="${name}"[^>]*>([\\s\\S]*?)</(?:p|dd|li|section)>`).exec(page);
  return match?.[1]?.replace(/<[^>]+>/g, '');
}

describe('prices on the offer page', () => {
  it('gives each line its term, billing, unit price and total, and the totals, in English', () => {
    const page = render(usOffer(), 'en');

    expect(page).toContain('<p class="term">1-year commitment, billed monthly</p>');
    expect(page).toContain(
      '$7.35 per license per month<br><span class="line-total">Total for 10 licenses: $73.50 per month</span>',
    );
    expect(page).toContain('<p class="term">1-year commitment, paid up front</p>');
    expect(page).toContain(
      '$468.00 per license per year ($39.00 per license per month)<br><span class="line-total">Total for 3 licenses: $1,404.00 per year</span>',
    );
    expect(textOf(page, 'total-month')).toBe('$190.50');
    expect(textOf(page, 'total-year')).toBe('$2,286.00');
    expect(page).toContain(
      'List prices before taxes, for the license counts shown. This is an estimate; the checkout shows the final price.',
    );
    expect(page).not.toContain('Only subscriptions with a price shown are included');
  });

  it('writes the same in Portuguese with US$ and the Brazilian separators', () => {
    const page = render(usOffer(), 'pt-BR');

    expect(page).toContain('<p class="term">Compromisso de 1 ano, cobrado mensalmente</p>');
    expect(page).toContain(
      'US$ 7,35 por licença por mês<br><span class="line-total">Total para 10 licenças: US$ 73,50 por mês</span>',
    );
    expect(page).toContain('<p class="term">Compromisso de 1 ano, pago antecipadamente</p>');
    expect(page).toContain(
      'US$ 468,00 por licença por ano (US$ 39,00 por licença por mês)<br><span class="line-total">Total para 3 licenças: US$ 1.404,00 por ano</span>',
    );
    expect(textOf(page, 'total-month')).toBe('US$ 190,50');
    expect(textOf(page, 'total-year')).toBe('US$ 2.286,00');
    expect(page).toContain('Preços de lista sem impostos');
  });

  it('uses a no-break space between the currency and the amount in Portuguese', () => {
    const page = offerPage({ offer: usOffer(), locale: 'pt-BR', submissionToken: 't', now: NOW });
    expect(page).toContain('<dd class="total-month">US$\u00a0190,50</dd>');
  });

  it.each([
    ['1', '1', '$46.35', '$556.20', 'US$ 46,35', 'US$ 556,20'],
    ['7', '3', '$168.45', '$2,021.40', 'US$ 168,45', 'US$ 2.021,40'],
    ['300', '1', '$2,244.00', '$26,928.00', 'US$ 2.244,00', 'US$ 26.928,00'],
    ['299', '10000', '$392,197.65', '$4,706,371.80', 'US$ 392.197,65', 'US$ 4.706.371,80'],
  ])('totals the posted counts exactly: %s Business Basic, %s E3', (basic, e3, month, year, mes, ano) => {
    const values = { 'licenses.M365_BUSINESS_BASIC': basic, 'licenses.M365_E3': e3 };
    const offer = usOffer();

    const english = render(offer, 'en', values);
    const portuguese = render(offer, 'pt-BR', values);

    expect([textOf(english, 'total-month'), textOf(english, 'total-year')]).toEqual([month, year]);
    expect([textOf(portuguese, 'total-month'), textOf(portuguese, 'total-year')]).toEqual([mes, ano]);
  });

  it('shows the line total of the posted count and keeps the count in the field', () => {
    const page = render(usOffer(), 'en', { 'licenses.M365_BUSINESS_BASIC': '25' });

    expect(page).toContain('Total for 25 licenses: $183.75 per month');
    expect(page).toContain('value="25"');
  });

  it('writes one license in the singular', () => {
    const values = { 'licenses.M365_BUSINESS_BASIC': '1', 'licenses.M365_E3': '1' };

    expect(render(usOffer(), 'en', values)).toContain('Total for 1 license: $7.35 per month');
    expect(render(usOffer(), 'pt-BR', values)).toContain('Total para 1 licença: US$ 7,35 por mês');
  });

  it('says how the yearly figure counts a monthly commitment, only when a priced line has one', () => {
    const monthly = usOffer({ items: [pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1M', 'monthly')] });

    expect(render(monthly, 'en')).toContain(
      'The yearly figure counts subscriptions on a monthly commitment as renewed every month.',
    );
    expect(textOf(render(monthly, 'en'), 'total-year')).toBe('$1,008.00');
    expect(render(monthly, 'pt-BR')).toContain(
      'O valor anual considera as assinaturas com compromisso mensal renovadas todo mês.',
    );
    expect(render(usOffer(), 'en')).not.toContain('The yearly figure counts');
  });

  it.each(['abc', '0', '301', '2.5', '', ' 7', '-1'])(
    'shows no totals while a posted count (%j) is not a valid one, and says why',
    (posted) => {
      const page = render(usOffer(), 'en', { 'licenses.M365_BUSINESS_BASIC': posted });

      expect(page).toContain('Correct the license counts to see the estimated cost.');
      expect(page).not.toContain('class="total-month"');
      expect(page).not.toContain('Total for 10 licenses');
      // The other line's total still stands.
      expect(page).toContain('Total for 3 licenses: $1,404.00 per year');
    },
  );

  it('says "price shown at checkout" for lines without a price, and totals only the priced ones', () => {
    const offer = usOffer({
      items: [
        pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual'),
        { sku: 'TEAMS_ESSENTIALS', licenses: 2, term: 'P1Y', billingFrequency: 'annual' },
      ],
    });

    const page = render(offer, 'en');

    expect(page).toContain(
      '<p class="price unpriced" id="licenses-TEAMS_ESSENTIALS-price">Price shown at checkout</p>',
    );
    expect(textOf(page, 'total-month')).toBe('$70.00');
    expect(textOf(page, 'total-year')).toBe('$840.00');
    expect(page).toContain('Only subscriptions with a price shown are included; the others are priced at checkout.');
  });

  it('shows no totals at all for a market without prices (Brazil), each line priced at checkout', () => {
    const offer = basicOffer({
      usageLocation: 'BR',
      items: [
        pricedLine('BR', 'M365_BUSINESS_STANDARD', 10, 'P1Y', 'annual'),
        pricedLine('BR', 'M365_BUSINESS_BASIC', 5, 'P1M', 'monthly'),
      ],
    });

    const english = render(offer, 'en');
    const portuguese = render(offer, 'pt-BR');

    expect(offer.items.every((line) => line.unitPrice === undefined)).toBe(true);
    expect(english.match(/Price shown at checkout/g)).toHaveLength(2);
    expect(portuguese.match(/Preço mostrado no pagamento/g)).toHaveLength(2);
    expect(english).not.toContain('Estimated cost');
    expect(portuguese).not.toContain('Custo estimado');
    expect(portuguese).toContain('<p class="term">Compromisso mensal, cobrado mensalmente</p>');
  });

  it('renders an offer made before terms existed as a year paid up front, with no price', () => {
    const page = render(basicOffer({ items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }] }), 'en');

    expect(page).toContain('<p class="term">1-year commitment, paid up front</p>');
    expect(page).toContain('Price shown at checkout');
    expect(page).toContain('the 1-year term ends on November 29, 2027');
    expect(page).not.toContain('Estimated cost');
  });
});

describe('the commitment clock on the offer page', () => {
  it('dates the reduce-or-cancel window and the term end from now, in English and the US zone', () => {
    const page = render(usOffer(), 'en');

    expect(page).toContain('<h2 id="commitment-heading">What you commit to</h2>');
    expect(page).toContain('If you buy today:');
    expect(page).toContain(
      '<li>1-year commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until December 7, 2026 at 7:00 AM Eastern Standard Time; after that, the licenses are committed until the 1-year term ends on November 29, 2027.</li>',
    );
    // Both lines are on P1Y: the clock is told once.
    expect(page.match(/1-year commitment: you can reduce/g)).toHaveLength(1);
  });

  it('writes it in Portuguese, in Brasília time for a Brazilian offer', () => {
    const offer = basicOffer({
      usageLocation: 'BR',
      items: [pricedLine('BR', 'M365_BUSINESS_BASIC', 5, 'P1Y', 'annual')],
    });

    const page = render(offer, 'pt-BR');

    expect(page).toContain(
      '<li>Compromisso de 1 ano: você pode reduzir ou cancelar licenças em até 7 dias (168 horas) após a compra, até 7 de dezembro de 2026 às 09:00 Horário Padrão de Brasília; depois disso, as licenças ficam contratadas até o fim do prazo de 1 ano, em 29 de novembro de 2027.</li>',
    );
  });

  it('tells each term once, in line order, with the month-end rule and the purchase’s UTC date', () => {
    const offer = usOffer({
      items: [
        pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1M', 'monthly'),
        pricedLine('US', 'M365_E3', 3, 'P1Y', 'annual'),
        pricedLine('US', 'M365_BUSINESS_PREMIUM', 2, 'P1M', 'monthly'),
      ],
    });
    // 23:30 UTC on 31 January is still 31 January for the vendor; February has no 31st.
    const now = new Date('2026-01-31T23:30:00.000Z');

    const page = visible(plain(offerPage({ offer, locale: 'en', submissionToken: 't', now })));

    const clocks = [...page.matchAll(/<li>([^<]*you can reduce[^<]*)<\/li>/g)].map((m) => m[1]);
    expect(clocks).toEqual([
      'Monthly commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until February 7, 2026 at 6:30 PM Eastern Standard Time; after that, the licenses are committed until the monthly term ends on February 27, 2026.',
      '1-year commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until February 7, 2026 at 6:30 PM Eastern Standard Time; after that, the licenses are committed until the 1-year term ends on January 30, 2027.',
    ]);
  });

  it('formats calendar dates without shifting them into a zone', () => {
    expect(formatCalendarDate('en', '2027-01-01')).toBe('January 1, 2027');
    expect(formatCalendarDate('pt-BR', '2027-01-01')).toBe('1 de janeiro de 2027');
    expect(() => formatCalendarDate('en', '2027-13-01')).toThrow(RangeError);
    expect(() => formatCalendarDate('en', '2027-02-30')).toThrow(RangeError);
    expect(formatCalendarDate('en', '2028-02-29')).toBe('February 29, 2028');
    expect(() => formatCalendarDate('en', 'tomorrow')).toThrow(RangeError);
  });
});

describe('the term choice on the offer page', () => {
  const choosing = () =>
    usOffer({
      items: [
        pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual', [
          ['P1Y', 'annual'],
          ['P1Y', 'monthly'],
          ['P1M', 'monthly'],
        ]),
      ],
    });

  it('offers each choice as a radio button named term.<index> with its price, the line’s own checked', () => {
    const page = render(choosing(), 'en');

    expect(page).toContain('<legend>Term and billing for Microsoft 365 Business Basic</legend>');
    expect(page).toContain(
      '<input type="radio" id="term-0-0" name="term.0" value="P1Y/annual" checked> 1-year commitment, paid up front: $84.00 per license per year ($7.00 per license per month)',
    );
    expect(page).toContain(
      '<input type="radio" id="term-0-1" name="term.0" value="P1Y/monthly"> 1-year commitment, billed monthly: $7.35 per license per month',
    );
    expect(page).toContain(
      '<input type="radio" id="term-0-2" name="term.0" value="P1M/monthly"> Monthly commitment, billed monthly: $8.40 per license per month',
    );
    expect(page.match(/ checked>/g)).toHaveLength(1);
    expect(page).toContain('Total for 10 licenses: $840.00 per year');
    expect(page).not.toContain('<p class="term">');
  });

  it('follows the posted choice in the checked option, the prices, the totals and the clock', () => {
    const page = render(choosing(), 'en', { 'term.0': 'P1M/monthly', 'licenses.M365_BUSINESS_BASIC': '12' });

    expect(page).toContain('value="P1M/monthly" checked>');
    expect(page).not.toContain('value="P1Y/annual" checked>');
    expect(page).toContain('Total for 12 licenses: $100.80 per month');
    expect(textOf(page, 'total-month')).toBe('$100.80');
    expect(textOf(page, 'total-year')).toBe('$1,209.60');
    expect(page).toContain('the monthly term ends on December 29, 2026');
    expect(page).not.toContain('1-year commitment: you can reduce');
  });

  it('keeps the line’s own term when the posted value is not one of its choices', () => {
    const page = render(choosing(), 'en', { 'term.0': 'P3Y/triennial' });

    expect(page).toContain('value="P1Y/annual" checked>');
    expect(textOf(page, 'total-month')).toBe('$70.00');
  });

  it('shows a term error under the choice, read out with it', () => {
    const page = visible(
      offerPage({
        offer: choosing(),
        locale: 'en',
        submissionToken: 't',
        now: NOW,
        form: { values: { 'term.0': 'P3Y/triennial' }, errors: { 'term.0': 'Choose one of the terms offered.' } },
      }),
    );

    expect(page).toContain('<fieldset class="term-choice" aria-describedby="term-0-error">');
    expect(page).toContain('<p class="error" id="term-0-error">Choose one of the terms offered.</p></fieldset>');
    expect(page).toContain('value="P1M/monthly" aria-invalid="true">');
  });

  it('keeps every id on the page unique', () => {
    const page = render(choosing(), 'pt-BR');
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('vendor quantity rules on the offer page', () => {
  it('explains the Business-family cap next to its lines only, read out with the count field', () => {
    const offer = usOffer({
      items: [
        pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual'),
        pricedLine('US', 'M365_E3', 3, 'P1Y', 'annual'),
      ],
    });

    const english = render(offer, 'en');
    const portuguese = render(offer, 'pt-BR');

    expect(english).toContain(
      '<p class="hint quantity-rule" id="licenses-M365_BUSINESS_BASIC-rule">At most 300 licenses in total across Microsoft 365 Business Basic, Standard, Premium and Apps for business in one organisation.</p>',
    );
    expect(english).toContain('aria-describedby="licenses-M365_BUSINESS_BASIC-hint licenses-M365_BUSINESS_BASIC-rule"');
    expect(english).not.toContain('id="licenses-M365_E3-rule"');
    expect(portuguese).toContain(
      'No máximo 300 licenças no total entre Microsoft 365 Business Basic, Standard, Premium e Apps for business em uma organização.',
    );
    // The existing-subscriber note stays on the E3 line.
    expect(english).toContain(
      'id="licenses-M365_E3-note">Only for organisations that already subscribe to Microsoft 365 E3',
    );
  });
});

describe('the live totals script on the offer page', () => {
  const raw = (offer: Offer, values: Record<string, string> = {}) =>
    offerPage({ offer, locale: 'en', submissionToken: 't', now: NOW, form: { values, errors: {} } });
  const SCRIPT_ELEMENT = `<script>${LIVE_TOTALS_SCRIPT}</script>`;

  it('is carried, and allowed by its hash in the CSP, only on a page with a price to add up', () => {
    const priced = raw(usOffer());
    const unpriced = raw(
      basicOffer({ usageLocation: 'BR', items: [pricedLine('BR', 'M365_BUSINESS_BASIC', 5, 'P1Y', 'annual')] }),
    );
    const old = raw(basicOffer({ items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }] }));

    expect(priced).toContain(`${SCRIPT_ELEMENT}</main>`);
    expect(priced).toContain('data-live-totals>');
    expect(pageResponse(200, priced).headers?.['content-security-policy']).toBe(pageCsp({ liveTotals: true }));
    expect(pageCsp({ liveTotals: true })).toContain(`script-src 'sha256-${LIVE_TOTALS_SCRIPT_HASH}'`);
    expect(LIVE_TOTALS_SCRIPT_HASH).toBe(createHash('sha256').update(LIVE_TOTALS_SCRIPT).digest('base64'));
    for (const page of [unpriced, old]) {
      expect(page).not.toContain('<script');
      expect(page).not.toContain('data-live-totals');
      expect(pageResponse(200, page).headers?.['content-security-policy']).not.toContain('script-src');
    }
  });

  it('is not allowed by a page that only quotes it as text', () => {
    const quoted = raw(usOffer({ customization: { intro: SCRIPT_ELEMENT } }));
    const withoutOwn = quoted.replace(`${SCRIPT_ELEMENT}</main>`, '</main>');

    expect(withoutOwn).toContain('&lt;script&gt;');
    expect(pageResponse(200, withoutOwn).headers?.['content-security-policy']).not.toContain('script-src');
  });

  it('hands the script each option’s figures and words: minor units, months, currency, placeholders', () => {
    const page = raw(
      usOffer({
        items: [
          pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual', [
            ['P1Y', 'annual'],
            ['P1M', 'monthly'],
          ]),
          pricedLine('US', 'TEAMS_ESSENTIALS', 2, 'P1Y', 'annual'),
        ],
      }),
    );

    expect(page).toContain(
      'value="P1M/monthly" data-term="P1M" data-minor="840" data-months="1" data-currency="USD" data-unit="$8.40 per license per month" data-one="Total for {count} license: {amount} per month" data-other="Total for {count} licenses: {amount} per month">',
    );
    expect(page).toContain(
      'id="licenses-M365_BUSINESS_BASIC-price" data-term="P1Y" data-minor="700" data-months="12" data-currency="USD" data-unit="$84.00 per license per year ($7.00 per license per month)"',
    );
    expect(page).toContain('<p class="price unpriced" id="licenses-TEAMS_ESSENTIALS-price" data-term="P1Y">');
    expect(page).toContain(
      '<section class="cost" aria-labelledby="cost-heading" aria-live="polite" data-unpriced="Price shown at checkout">',
    );
  });

  it('renders hidden what the script may show: the invalid-count note, the notes that do not apply, other terms’ clocks', () => {
    const offer = usOffer({
      items: [
        pricedLine('US', 'M365_BUSINESS_BASIC', 10, 'P1Y', 'annual', [
          ['P1Y', 'annual'],
          ['P1M', 'monthly'],
        ]),
      ],
    });

    const valid = raw(offer);
    const invalid = raw(offer, { 'licenses.M365_BUSINESS_BASIC': '301' });

    expect(valid).toContain(
      '<p class="hint totals-invalid" hidden>Correct the license counts to see the estimated cost.</p>',
    );
    expect(valid).toContain('<p class="hint totals-partial" hidden>');
    expect(valid).toContain('<p class="hint totals-monthly-term" hidden>');
    expect(valid).toContain('<li data-term="P1Y">1-year commitment:');
    expect(valid).toContain('<li data-term="P1M" hidden>Monthly commitment:');
    expect(invalid).toContain('<dl class="totals" hidden>');
    expect(invalid).toContain(
      '<p class="hint totals-invalid">Correct the license counts to see the estimated cost.</p>',
    );
  });
});

function acceptance(items: readonly (AcceptedLine | OfferLine)[], acceptedAt = '2026-11-30T12:00:00.000Z'): Acceptance {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: `mhx000000${'A'.repeat(22)}`,
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    email: 'rita@tailwind.example',
    items,
    delegatedAdmin: false,
    acceptedAt,
  };
}

function confirmation(items: readonly (AcceptedLine | OfferLine)[], locale: Locale, acceptedAt?: string): string {
  return plain(
    acceptedPage({
      offer: usOffer(),
      acceptance: acceptance(items, acceptedAt),
      locale,
      checkoutUrl: 'https://checkout.example.com/',
      path: '/o/x/accepted/y',
    }),
  );
}

describe('prices on the confirmation page', () => {
  const accepted: AcceptedLine[] = [
    {
      sku: 'M365_BUSINESS_BASIC',
      name: 'Microsoft 365 Business Basic',
      licenses: 25,
      term: 'P1M',
      billingFrequency: 'monthly',
      unitPrice: listPrice('US', 'M365_BUSINESS_BASIC', 'P1M', 'monthly'),
    },
    {
      sku: 'M365_E3',
      name: 'Microsoft 365 E3',
      licenses: 4,
      term: 'P1Y',
      billingFrequency: 'annual',
      unitPrice: listPrice('US', 'M365_E3', 'P1Y', 'annual'),
    },
  ];

  it('lists each accepted line with its count, term, billing, unit price and total, and the totals', () => {
    const page = confirmation(accepted, 'en');

    expect(page).toContain('Microsoft 365 Business Basic: 25 licenses');
    expect(page).toContain('<p class="term">Monthly commitment, billed monthly</p>');
    expect(page).toContain(
      '$8.40 per license per month<br><span class="line-total">Total for 25 licenses: $210.00 per month</span>',
    );
    expect(page).toContain('Microsoft 365 E3: 4 licenses');
    expect(page).toContain('Total for 4 licenses: $1,872.00 per year');
    expect(textOf(page, 'total-month')).toBe('$366.00');
    expect(textOf(page, 'total-year')).toBe('$4,392.00');
  });

  it('writes them in Portuguese', () => {
    const page = confirmation(accepted, 'pt-BR');

    expect(page).toContain('Microsoft 365 Business Basic: 25 licenças');
    expect(page).toContain('Total para 25 licenças: US$ 210,00 por mês');
    expect(textOf(page, 'total-month')).toBe('US$ 366,00');
    expect(textOf(page, 'total-year')).toBe('US$ 4.392,00');
  });

  it('tells the commitment clock of each accepted term, dated from the acceptance, not from today', () => {
    // Months before any day the test runs: a clock counted from now would give other dates.
    const page = visible(confirmation(accepted, 'en', '2026-01-31T23:30:00.000Z'));

    expect(page).toContain('<h2 id="commitment-heading">What you commit to</h2>');
    expect(page).toContain(
      '<p>As accepted on January 31, 2026 at 6:30 PM Eastern Standard Time, if the purchase is made then:</p>',
    );
    const clocks = [...page.matchAll(/<li>([^<]*you can reduce[^<]*)<\/li>/g)].map((m) => m[1]);
    expect(clocks).toEqual([
      'Monthly commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until February 7, 2026 at 6:30 PM Eastern Standard Time; after that, the licenses are committed until the monthly term ends on February 27, 2026.',
      '1-year commitment: you can reduce or cancel licenses within 7 days (168 hours) after purchase, until February 7, 2026 at 6:30 PM Eastern Standard Time; after that, the licenses are committed until the 1-year term ends on January 30, 2027.',
    ]);
    expect(page).not.toContain('If you buy today');
  });

  it('tells the clock in Portuguese too', () => {
    const page = visible(confirmation(accepted, 'pt-BR', '2026-01-31T23:30:00.000Z'));

    expect(page).toContain('Conforme aceito em 31 de janeiro de 2026');
    expect(page).toContain(
      'Compromisso de 1 ano: você pode reduzir ou cancelar licenças em até 7 dias (168 horas) após a compra, até 7 de fevereiro de 2026',
    );
    expect(page).toContain('até o fim do prazo de 1 ano, em 30 de janeiro de 2027.');
  });

  it('uses the name recorded with the line, not today’s catalog name', () => {
    const page = confirmation([{ ...(accepted[0] as AcceptedLine), name: 'Business Basic (as shown then)' }], 'en');
    expect(page).toContain('Business Basic (as shown then): 25 licenses');
  });

  it('still renders an acceptance recorded before prices existed: counts and the default term, no totals', () => {
    const page = confirmation([{ sku: 'M365_E3', licenses: 2500 }], 'en');

    expect(page).toContain('Microsoft 365 E3: 2,500 licenses');
    expect(page).toContain('<p class="term">1-year commitment, paid up front</p>');
    expect(page).toContain('Price shown at checkout');
    expect(page).not.toContain('Estimated cost');
  });
});

describe('the page of a replaced offer', () => {
  it('says the offer was replaced and links to the new one, with no form', () => {
    const offer = { ...basicOffer(), revisedBy: 'WXYZ-2345-6789-ABCD-EFGH' };

    const english = replacedPage(offer, 'en');
    const portuguese = replacedPage(offer, 'pt-BR');

    expect(english).toContain('<title>This offer was replaced</title>');
    expect(english).toContain('Fabrikam replaced this offer with a new one. Please answer the new offer instead.');
    expect(english).toContain('<a class="button" href="/o/WXYZ-2345-6789-ABCD-EFGH">View the new offer</a>');
    expect(english).not.toContain('<form');
    expect(portuguese).toContain('<h1>Esta oferta foi substituída</h1>');
    expect(portuguese).toContain('<a class="button" href="/o/WXYZ-2345-6789-ABCD-EFGH">Ver a nova oferta</a>');
  });
});
