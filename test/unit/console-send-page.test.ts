import { consoleCsp, scriptHash } from '../../functions/console/layout.ts';
import {
  COPY_SCRIPT,
  MAX_MAILTO_LENGTH,
  mailtoLink,
  previewOf,
  sendPageMain,
} from '../../functions/console/send-page.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { basicOffer } from '../support/offer.ts';

const BASE = 'https://offers.example.com';

describe('console send page (wizard page 2)', () => {
  it('shows the summary ID with the advice to note it, the link, its QR code and copy buttons hidden until the script runs', () => {
    const offer = basicOffer();

    const page = sendPageMain(offer, 'en', BASE).value;

    expect(page).toContain('<strong>ABCD-EFGH-JKMN-PQRS-TVWX</strong>');
    expect(page).toContain('Note this summary ID: you need it to track the offer');
    expect(page).toContain(`<input id="offer-url" type="url" readonly value="${BASE}/o/ABCD-EFGH-JKMN-PQRS-TVWX"`);
    expect(page).toContain(
      '<img src="/console/offers/ABCD-EFGH-JKMN-PQRS-TVWX/qr.svg" alt="QR code of the offer link"',
    );
    expect(page).toMatch(/<button type="button" class="secondary" data-copy="offer-url" data-done="Copied" hidden/);
  });

  it('gives the ready message in the offer’s language first, then the other, each with subject, text and preview', () => {
    const offer = basicOffer({ locale: 'pt-BR' });
    const url = `${BASE}/o/${offer.summaryId}`;
    const portuguese = buildOfferMessage(offer, 'pt-BR', url);
    const english = buildOfferMessage(offer, 'en', url);

    const page = sendPageMain(offer, 'en', BASE).value;

    expect(page).toContain('Ready message in Portuguese (Brazil) (the offer’s language)');
    expect(page).toContain('Ready message in English</h2>');
    expect(page.indexOf('message-pt-BR-subject')).toBeLessThan(page.indexOf('message-en-subject'));
    expect(page).toContain(`id="message-pt-BR-subject" type="text" readonly value="${portuguese.subject}"`);
    expect(page).toContain(`id="message-en-subject" type="text" readonly value="${english.subject}"`);
    expect(page).toContain('<textarea id="message-en-text" rows="12" readonly>');
  });

  it('gives the help page’s guidance, delegated administration only when the offer has it (both languages)', () => {
    const without = sendPageMain(basicOffer({ delegatedAdmin: false }), 'en', BASE).value;
    const withDa = sendPageMain(basicOffer({ delegatedAdmin: true }), 'pt-BR', BASE).value;

    expect(without).toContain('Introduce yourself as Fabrikam, an authorised subscription advisor');
    expect(without).toContain('Microsoft bills them directly');
    expect(without).toContain('The offer shows: Pat, pat@example.com.');
    expect(without).toContain('The customer controls the license counts');
    expect(without).not.toContain('delegated administration');
    expect(withDa).toContain('Apresente-se como Fabrikam, consultor de assinaturas autorizado');
    expect(withDa).toContain('Esta oferta inclui administração delegada');
  });

  it('opens the mail app with subject and text, or with the link and summary ID when the text is too long for a mail link', () => {
    const short = basicOffer();
    const long = basicOffer({ customization: { intro: 'Pay attention. '.repeat(150) } });
    const url = `${BASE}/o/${short.summaryId}`;

    const whole = mailtoLink(buildOfferMessage(short, 'en', url), url, 'Summary ID: X');
    const cut = mailtoLink(buildOfferMessage(long, 'en', url), url, 'Summary ID: X');

    expect(whole.short).toBe(false);
    expect(decodeURIComponent(whole.href.split('&body=')[1] ?? '')).toBe(
      buildOfferMessage(short, 'en', url).text.replace(/\r?\n/g, '\r\n'),
    );
    expect(cut.short).toBe(true);
    expect(cut.href.length).toBeLessThanOrEqual(MAX_MAILTO_LENGTH);
    expect(decodeURIComponent(cut.href.split('&body=')[1] ?? '')).toBe(`${url}\r\n\r\nSummary ID: X`);
  });

  it('previews the HTML message without the inline styles the console CSP refuses', () => {
    const message = buildOfferMessage(basicOffer(), 'en', `${BASE}/o/x`);

    const preview = previewOf(message.html).value;

    expect(message.html).toContain(' style="');
    expect(preview).not.toContain('style=');
    expect(message.html).toContain(' bgcolor="');
    expect(preview).not.toContain('bgcolor=');
    expect(preview).toContain(message.subject.split(':')[0]);
    expect(preview).not.toMatch(/<\/?(html|head|body)\b/);
  });

  it('allows its one copy script by hash', () => {
    expect(consoleCsp([COPY_SCRIPT])).toContain(`script-src ${scriptHash(COPY_SCRIPT)}`);
  });
});
