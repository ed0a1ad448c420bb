import { findSubscription } from '../catalog/catalog.ts';
import { type Offer, offerContact, offerLogoUrl } from '../domain/offer.ts';
import { formatDateTime, formatNumber } from '../i18n/format.ts';
import type { Locale } from '../i18n/locale.ts';
import { disclosures } from './disclosures.ts';
import { html, type SafeHtml } from './html.ts';

/** The ready-to-send message for an offer: the partner pastes it into its own mail or chat tool. */
export interface OfferMessage {
  readonly locale: Locale;
  readonly subject: string;
  readonly text: string;
  /** A complete, small HTML document with inline styles only (what mail clients render reliably). */
  readonly html: string;
}

interface Strings {
  subject: (partner: string) => string;
  defaultIntro: (partner: string) => string;
  itemsHeading: string;
  licenses: (count: number) => string;
  cta: string;
  linkLead: string;
  summaryId: (id: string) => string;
  expires: (when: string) => string;
  disclosuresHeading: string;
  defaultClosing: string;
  signature: (partner: string) => string;
}

const STRINGS: Record<Locale, Strings> = {
  en: {
    subject: (partner) => `${partner}: your purchase offer for Microsoft cloud subscriptions`,
    defaultIntro: (partner) =>
      `${partner} has prepared a purchase offer for Microsoft cloud subscriptions for you. Review it and accept it online when you are ready.`,
    itemsHeading: 'Subscriptions in this offer',
    licenses: (count) => `${formatNumber('en', count)} ${count === 1 ? 'license' : 'licenses'}`,
    cta: 'Review the offer',
    linkLead: 'Open your offer:',
    summaryId: (id) => `Offer code: ${id}`,
    expires: (when) => `This offer is valid until ${when}.`,
    disclosuresHeading: 'Before you accept',
    defaultClosing: 'Thank you for considering this offer.',
    signature: (partner) => `— ${partner}`,
  },
  'pt-BR': {
    subject: (partner) => `${partner}: sua oferta de compra de assinaturas de nuvem Microsoft`,
    defaultIntro: (partner) =>
      `${partner} preparou uma oferta de compra de assinaturas de nuvem Microsoft para você. Revise e aceite on-line quando estiver pronto.`,
    itemsHeading: 'Assinaturas nesta oferta',
    licenses: (count) => `${formatNumber('pt-BR', count)} ${count === 1 ? 'licença' : 'licenças'}`,
    cta: 'Ver a oferta',
    linkLead: 'Abra sua oferta:',
    summaryId: (id) => `Código da oferta: ${id}`,
    expires: (when) => `Esta oferta é válida até ${when}.`,
    disclosuresHeading: 'Antes de aceitar',
    defaultClosing: 'Obrigado por considerar esta oferta.',
    signature: (partner) => `— ${partner}`,
  },
};

/** Paragraphs of partner text: blank lines separate paragraphs, single line breaks become <br>. */
function paragraphs(text: string, style: string): SafeHtml[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .filter((p) => p.trim() !== '')
    .map((p) => {
      const lines = p.split(/\r?\n/);
      return html`<p style="${style}">${lines.map((l, i) => (i === 0 ? html`${l}` : html`<br>${l}`))}</p>`;
    });
}

const FONT = 'font-family:Segoe UI,Helvetica,Arial,sans-serif;';
const P = `${FONT}font-size:15px;line-height:1.5;color:#1b1b1b;margin:0 0 14px;`;
const SMALL = `${FONT}font-size:13px;line-height:1.5;color:#444;margin:0 0 8px;`;

/**
 * Builds the message from the offer alone (it carries the partner snapshot and customization), so
 * the create response and GET …/message render the same text. Pure: no clock, no I/O.
 */
export function buildOfferMessage(offer: Offer, locale: Locale, url: string): OfferMessage {
  const t = STRINGS[locale];
  const partnerName = offer.partner.name;
  const contact = offerContact(offer);
  const logoUrl = offerLogoUrl(offer);
  const intro = offer.customization.intro ?? t.defaultIntro(partnerName);
  const closing = offer.customization.closing ?? t.defaultClosing;
  const items = offer.items.map((item) => ({
    name: findSubscription(item.sku)?.name ?? item.sku,
    licenses: t.licenses(item.licenses),
  }));
  const notices = disclosures(locale, { partnerName, contact, delegatedAdmin: offer.delegatedAdmin });
  // In the usage location's time zone, named, as on the offer page.
  const expires = offer.expiresAt ? t.expires(formatDateTime(locale, offer.expiresAt, offer.usageLocation)) : undefined;
  const subject = t.subject(partnerName);

  const text = [
    intro,
    '',
    `${t.itemsHeading}:`,
    ...items.map((item) => `- ${item.name}: ${item.licenses}`),
    '',
    `${t.linkLead} ${url}`,
    t.summaryId(offer.summaryId),
    ...(expires ? [expires] : []),
    '',
    `${t.disclosuresHeading}:`,
    ...notices.map((notice) => `- ${notice.text}`),
    '',
    closing,
    t.signature(partnerName),
    '',
  ].join('\n');

  const body = html`<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;">
<tr><td style="padding:28px 32px;">
${logoUrl ? html`<img src="${logoUrl}" alt="${partnerName}" height="48" style="display:block;height:48px;width:auto;border:0;margin:0 0 20px;">` : ''}
${paragraphs(intro, P)}
<p style="${P}font-weight:600;">${t.itemsHeading}</p>
<ul style="${P}padding-left:20px;">
${items.map((item) => html`<li>${item.name}: ${item.licenses}</li>\n`)}</ul>
<p style="margin:24px 0;"><a href="${url}" style="${FONT}display:inline-block;background:#0f6cbd;color:#ffffff;text-decoration:none;font-size:16px;font-weight:600;padding:12px 22px;border-radius:4px;">${t.cta}</a></p>
<p style="${SMALL}">${t.linkLead} <a href="${url}" style="color:#0f6cbd;">${url}</a></p>
<p style="${SMALL}">${t.summaryId(offer.summaryId)}</p>
${expires ? html`<p style="${SMALL}">${expires}</p>` : ''}
<p style="${P}font-weight:600;margin-top:24px;">${t.disclosuresHeading}</p>
<ul style="${SMALL}padding-left:20px;">
${notices.map((notice) => html`<li data-disclosure="${notice.id}" style="margin:0 0 6px;">${notice.text}</li>\n`)}</ul>
${paragraphs(closing, P)}
<p style="${P}">${t.signature(partnerName)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;

  return { locale, subject, text, html: body.value };
}
