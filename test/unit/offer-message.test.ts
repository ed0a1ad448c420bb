import { qrSvg } from '../../functions/offers-read/qr.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { offerFixture } from '../support/offer.ts';

const offer: Offer = offerFixture({
  summaryId: '7K3M-Q9TX-ABCD-EFGH-JKMN',
  partnerId: 'p-1',
  officeId: 'o-1',
  officeName: 'HQ',
  items: [
    { sku: 'M365_BUSINESS_STANDARD', licenses: 1 },
    { sku: 'M365_E3', licenses: 25 },
  ],
  delegatedAdmin: false,
  customization: { intro: 'Hello Ana,\nhere is the offer.\n\nSecond paragraph.' },
  partner: {
    name: 'Fabrikam',
    advisorCode: '4400001',
    contact: { name: 'Pat', email: 'pat@fabrikam.example', phone: '+55 11 4000-0000' },
    logoUrl: 'https://fabrikam.example/logo.png',
  },
  createdAt: '2026-11-24T12:00:00.000Z',
  expiresAt: '2026-12-31T23:59:00.000Z',
});
const URL = 'https://offers.example.com/o/7K3M-Q9TX-ABCD-EFGH-JKMN';

describe('buildOfferMessage', () => {
  it('writes the items, link, code, expiry and contact in English', () => {
    const message = buildOfferMessage(offer, 'en', URL);
    expect(message.subject).toBe('Fabrikam: your purchase offer for Microsoft cloud subscriptions');
    expect(message.text).toContain('- Microsoft 365 Business Standard: 1 license\n');
    expect(message.text).toContain('- Microsoft 365 E3: 25 licenses\n');
    expect(message.text).toContain(`Open your offer: ${URL}`);
    expect(message.text).toContain('Offer code: 7K3M-Q9TX-ABCD-EFGH-JKMN');
    expect(message.text).toContain('valid until December 31, 2026');
    expect(message.text).toContain('Pat · pat@fabrikam.example · +55 11 4000-0000');
    expect(message.html).toContain('<p style="');
    expect(message.html).toContain('Hello Ana,<br>here is the offer.</p>');
    expect(message.html).toContain('Second paragraph.</p>');
    expect(message.html).toContain('<img src="https://fabrikam.example/logo.png" alt="Fabrikam"');
  });

  it('writes Portuguese for pt-BR and uses default intro and closing when none given', () => {
    const message = buildOfferMessage({ ...offer, customization: {} }, 'pt-BR', URL);
    expect(message.subject).toContain('sua oferta de compra');
    expect(message.text).toContain('Fabrikam preparou uma oferta');
    expect(message.text).toContain('Microsoft 365 E3: 25 licenças');
    expect(message.text).toContain('Esta oferta é válida até 31 de dezembro de 2026');
    expect(message.text).toContain('Obrigado por considerar esta oferta.');
    expect(message.html).toContain('<html lang="pt-BR">');
  });

  it('writes the plain-text part in full and in order, from the offer alone (no clock, no randomness)', () => {
    const message = buildOfferMessage(offer, 'en', URL);

    expect(message.text).toBe(
      [
        'Hello Ana,',
        'here is the offer.',
        '',
        'Second paragraph.',
        '',
        'Subscriptions in this offer:',
        '- Microsoft 365 Business Standard: 1 license',
        '- Microsoft 365 E3: 25 licenses',
        '',
        'Open your offer: https://offers.example.com/o/7K3M-Q9TX-ABCD-EFGH-JKMN',
        'Offer code: 7K3M-Q9TX-ABCD-EFGH-JKMN',
        'This offer is valid until December 31, 2026 at 8:59 PM Brasilia Standard Time.',
        '',
        'Before you accept:',
        '- Fabrikam is an authorised advisor for Microsoft cloud subscriptions and prepared this offer for you.',
        '- You buy directly from Microsoft: Microsoft bills you for the subscriptions, not the advisor.',
        '- Questions? Contact Fabrikam: Pat · pat@fabrikam.example · +55 11 4000-0000.',
        '- You decide how many licenses to buy: change any count before you accept, and adjust them later in your admin center.',
        '',
        'Thank you for considering this offer.',
        '— Fabrikam',
        '',
      ].join('\n'),
    );
    expect(message.locale).toBe('en');
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
