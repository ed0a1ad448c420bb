import { acceptedPage, offerPage, statusPage } from '../../functions/offer-page/pages.ts';
import { USAGE_LOCATION_CODES } from '../../shared/catalog/catalog-data.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import { formatCalendarDate, formatDateTime, formatNumber, timeZoneFor } from '../../shared/i18n/format.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { offerFixture } from '../support/offer.ts';

/** ICU separates the time from AM/PM with a narrow no-break space; compare text as a reader sees it. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

const EXPIRES_AT = '2026-12-31T23:59:00.000Z';

function page(locale: 'en' | 'pt-BR', overrides: Parameters<typeof offerFixture>[0] = {}) {
  const offer = offerFixture({
    usageLocation: 'BR',
    expiresAt: EXPIRES_AT,
    items: [
      { sku: 'M365_E3', licenses: 2500 },
      { sku: 'M365_BUSINESS_BASIC', licenses: 10 },
    ],
    ...overrides,
  });
  return plain(offerPage({ offer, locale, submissionToken: 'token' }));
}

describe('time zones and formats for usage locations', () => {
  it.each(USAGE_LOCATION_CODES)('gives %s a time zone of its own that Intl knows', (code) => {
    const zone = timeZoneFor(code);
    expect(zone).not.toBe('UTC');
    expect(new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone).toBeTruthy();
  });

  it('writes the date and time in the page language, in the usage location’s zone, naming it', () => {
    expect(plain(formatDateTime('pt-BR', EXPIRES_AT, 'BR'))).toBe(
      '31 de dezembro de 2026 às 20:59 Horário Padrão de Brasília',
    );
    expect(plain(formatDateTime('en', EXPIRES_AT, 'US'))).toBe('December 31, 2026 at 6:59 PM Eastern Standard Time');
    expect(plain(formatDateTime('en', EXPIRES_AT, 'DE'))).toBe(
      'January 1, 2027 at 12:59 AM Central European Standard Time',
    );
  });

  // Formatters are built once per locale, on the first call: this test makes the first calls.
  it('writes counts as whole numbers', () => {
    expect(formatNumber('en', 1234.6)).toBe('1,235');
    expect(formatNumber('pt-BR', 2.4)).toBe('2');
  });

  it('writes counts with the locale’s grouping', () => {
    expect(formatNumber('pt-BR', 10000)).toBe('10.000');
    expect(formatNumber('en', 10000)).toBe('10,000');
  });

  it('writes a calendar date in the page language, with no zone shift', () => {
    expect(formatCalendarDate('en', '2027-11-29')).toBe('November 29, 2027');
    expect(formatCalendarDate('pt-BR', '2027-01-01')).toBe('1 de janeiro de 2027');
  });

  it.each([['2027-02-30'], ['2027-11-29T10:00'], ['2027-1-29'], ['29/11/2027'], ['']])(
    'refuses %j as a calendar date',
    (date) => {
      expect(() => formatCalendarDate('en', date)).toThrow(
        new RangeError(`date must be a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`),
      );
    },
  );

  it('writes times in UTC for a usage location it has no zone for', () => {
    expect(timeZoneFor('XX')).toBe('UTC');
    // Names every plain object inherits are no usage location either.
    for (const name of ['__proto__', 'constructor', 'toString']) expect(timeZoneFor(name)).toBe('UTC');
    expect(plain(formatDateTime('en', EXPIRES_AT, 'XX'))).toBe(
      'December 31, 2026 at 11:59 PM Coordinated Universal Time',
    );
  });
});

describe('what the offer page tells the customer', () => {
  it('says when the offer expires, in the page language and the usage location’s zone', () => {
    expect(page('pt-BR')).toContain(
      'Esta oferta é válida até 31 de dezembro de 2026 às 20:59 Horário Padrão de Brasília.',
    );
    expect(page('en', { usageLocation: 'US' })).toContain(
      'This offer is valid until December 31, 2026 at 6:59 PM Eastern Standard Time.',
    );
  });

  it('says nothing about expiry for an offer without one', () => {
    const offer = offerFixture();
    expect(offer.expiresAt).toBeUndefined();
    expect(offerPage({ offer, locale: 'en', submissionToken: 'token' })).not.toContain('valid until');
  });

  it('notes, on items sold only to existing subscribers, that they add to a subscription', () => {
    const html = page('en');

    expect(html).toContain(
      '<p class="hint existing-only" id="licenses-M365_E3-note">Only for organisations that already subscribe to Microsoft 365 E3',
    );
    expect(html).toContain('aria-describedby="licenses-M365_E3-hint licenses-M365_E3-note"');
    expect(html).not.toContain('id="licenses-M365_BUSINESS_BASIC-note"');
    expect(page('pt-BR')).toContain('Somente para organizações que já assinam o Microsoft 365 E3');
  });

  it('localises the license limits but keeps the fields plain numbers', () => {
    const portuguese = page('pt-BR');
    const english = page('en');

    expect(portuguese).toContain('De 1 a 10.000 licenças.');
    expect(english).toContain('From 1 to 10,000 licenses.');
    expect(portuguese).toContain('max="10000"');
    expect(portuguese).toContain('value="2500"');
  });
});

describe('what the expired offer’s page tells the customer', () => {
  it('says until when the offer was valid, in the usage location’s zone', () => {
    const offer = offerFixture({ usageLocation: 'US', expiresAt: EXPIRES_AT });

    const html = plain(statusPage(offer, 'expired', 'en'));

    expect(html).toContain('It was valid until December 31, 2026 at 6:59 PM Eastern Standard Time.');
  });
});

describe('what the confirmation page tells the customer', () => {
  it('writes the accepted license counts as the locale does', () => {
    const offer = offerFixture({ items: [{ sku: 'M365_E3', licenses: 2500 }] });
    const acceptance = {
      summaryId: offer.summaryId,
      acceptedAt: '2026-11-29T12:00:00.000Z',
      submissionId: 's',
      companyName: 'Tailwind',
      contactName: 'Rita',
      email: 'rita@tailwind.example',
      items: [{ sku: 'M365_E3', licenses: 2500 }],
      delegatedAdmin: false,
    } as unknown as Acceptance;

    const html = acceptedPage({
      offer,
      acceptance,
      locale: 'pt-BR',
      checkoutUrl: 'https://checkout.example.com/',
      path: '/x',
    });

    expect(html).toContain('Microsoft 365 E3: 2.500 licenças');
  });
});

describe('what the offer message tells the customer', () => {
  it('gives the expiry in the usage location’s zone and localised license counts', () => {
    const offer = offerFixture({
      usageLocation: 'BR',
      expiresAt: EXPIRES_AT,
      items: [{ sku: 'M365_E3', licenses: 2500 }],
    });

    const message = plain(buildOfferMessage(offer, 'pt-BR', 'https://offers.example.com/o/x').text);

    expect(message).toContain('Esta oferta é válida até 31 de dezembro de 2026 às 20:59 Horário Padrão de Brasília.');
    expect(message).toContain('Microsoft 365 E3: 2.500 licenças');
    expect(message).not.toContain('UTC');
  });
});
