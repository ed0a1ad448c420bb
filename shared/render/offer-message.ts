import { findSubscription } from '../catalog/catalog.ts';
import { CANCELLATION_WINDOW_HOURS, commitmentClock } from '../catalog/commitment.ts';
import { formatMoney } from '../catalog/money.ts';
import { COMMITMENT_TERMS, type CommitmentTerm } from '../catalog/terms.ts';
import { lineTotal, type PricedLine, type Totals, totals } from '../catalog/totals.ts';
import { lineTerm, type Offer, type OfferLine, offerContact, offerLogoUrl } from '../domain/offer.ts';
import { formatCalendarDate, formatDateTime, formatNumber } from '../i18n/format.ts';
import type { Locale } from '../i18n/locale.ts';
import { PAGE_TEXT, type PageText, termText } from '../offer-page/page-text.ts';
import { disclosures } from './disclosures.ts';
import { html, type SafeHtml } from './html.ts';

/** The ready-to-send message for an offer: the partner pastes it into its own mail or chat tool. */
export interface OfferMessage {
  readonly locale: Locale;
  readonly subject: string;
  /** The plain-text part: the same facts as `html`, line by line. */
  readonly text: string;
  /**
   * A complete HTML email document: nested tables at most 600 px wide, inline styles only (no
   * <style>, no stylesheet, no script, no class), so Outlook, Gmail and Apple Mail lay it out alike.
   */
  readonly html: string;
}

type Period = 1 | 12 | 36;

/**
 * The message's own words. Words the offer page also shows (terms, billing, unit prices, totals,
 * "price shown at checkout", the existing-subscriber note) come from PAGE_TEXT, so the customer reads
 * the same in the email and on the page.
 */
interface Strings {
  subject: (partner: string) => string;
  defaultIntro: (partner: string) => string;
  itemsHeading: string;
  licenses: (count: number) => string;
  per: (period: Period) => string;
  unitPrice: string;
  lineTotal: string;
  /** Before the other terms and billing a line lets the customer pick when accepting. */
  otherChoices: string;
  allPricesAtCheckout: string;
  commitmentWindow: (days: number, hours: number) => string;
  /** `name` is the term in words (PAGE_TEXT termName); the dates are already formatted. */
  termEnds: Record<CommitmentTerm, (name: string, start: string, end: string, renews: string) => string>;
  cta: string;
  linkLead: string;
  summaryId: (id: string) => string;
  /** On a revised offer: the summary ID of the offer it replaces. */
  replaces: (id: string) => string;
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
    per: (period) => PER_EN[period],
    unitPrice: 'Unit price',
    lineTotal: 'Line total',
    otherChoices: 'Other options when you accept',
    allPricesAtCheckout: 'Prices and totals are shown at checkout.',
    commitmentWindow: (days, hours) =>
      `After you buy, you have ${days} days (${hours} hours) to reduce the number of licenses or cancel, with a prorated credit. After that, the license count is fixed until the term ends.`,
    termEnds: {
      P1M: (name, start, end, renews) =>
        `${name}: ends one month after the purchase, on the day before its monthly anniversary. If bought on ${start}, it runs until ${end} and renews on ${renews}.`,
      P1Y: (name, start, end, renews) =>
        `${name}: ends one year after the purchase, on the day before its anniversary. If bought on ${start}, it runs until ${end} and renews on ${renews}.`,
      P3Y: (name, start, end, renews) =>
        `${name}: ends three years after the purchase, on the day before its third anniversary. If bought on ${start}, it runs until ${end} and renews on ${renews}.`,
    },
    cta: 'View the offer',
    linkLead: 'View the offer:',
    summaryId: (id) => `Summary ID: ${id}`,
    replaces: (id) => `This offer replaces the earlier offer ${id}.`,
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
    per: (period) => PER_PT[period],
    unitPrice: 'Preço unitário',
    lineTotal: 'Total da linha',
    otherChoices: 'Outras opções ao aceitar',
    allPricesAtCheckout: 'Os preços e totais são mostrados no pagamento.',
    commitmentWindow: (days, hours) =>
      `Depois da compra, você tem ${days} dias (${hours} horas) para reduzir o número de licenças ou cancelar, com crédito proporcional. Depois disso, a quantidade de licenças fica fixa até o fim do prazo.`,
    termEnds: {
      P1M: (name, start, end, renews) =>
        `${name}: termina um mês após a compra, na véspera do aniversário mensal. Se a compra for em ${start}, vale até ${end} e é renovado em ${renews}.`,
      P1Y: (name, start, end, renews) =>
        `${name}: termina um ano após a compra, na véspera do aniversário. Se a compra for em ${start}, vale até ${end} e é renovado em ${renews}.`,
      P3Y: (name, start, end, renews) =>
        `${name}: termina três anos após a compra, na véspera do terceiro aniversário. Se a compra for em ${start}, vale até ${end} e é renovado em ${renews}.`,
    },
    cta: 'Ver a oferta',
    linkLead: 'Ver a oferta:',
    summaryId: (id) => `ID do resumo: ${id}`,
    replaces: (id) => `Esta oferta substitui a oferta anterior ${id}.`,
    expires: (when) => `Esta oferta é válida até ${when}.`,
    disclosuresHeading: 'Antes de aceitar',
    defaultClosing: 'Obrigado por considerar esta oferta.',
    signature: (partner) => `— ${partner}`,
  },
};

const PER_EN: Record<Period, string> = { 1: 'per month', 12: 'per year', 36: 'per 3 years' };
const PER_PT: Record<Period, string> = { 1: 'por mês', 12: 'por ano', 36: 'por 3 anos' };

/** The logo is fetched by the customer's mail client: only an https URL is ever put in the message. */
function httpsOnly(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).protocol === 'https:' ? url : undefined;
}

interface LinePricing {
  /** "Unit price: $168.00 per license per year ($14.00 per license per month)". */
  readonly unitText: string;
  /** The line total for its licenses, per bill, formatted; and the months one bill covers. */
  readonly total: string;
  readonly period: Period;
}

interface MessageLine {
  readonly sku: string;
  readonly name: string;
  readonly licenses: string;
  readonly termAndBilling: string;
  /** Absent when the line has no price snapshot: it then says "price shown at checkout". */
  readonly pricing?: LinePricing;
  /** The other terms and billing the customer may pick when accepting, each with its unit price. */
  readonly choices?: string;
  readonly existingSubscribersNote?: string;
}

function pricedLine(line: OfferLine): PricedLine | undefined {
  if (line.unitPrice === undefined) return undefined;
  return {
    currency: line.unitPrice.currency,
    monthlyUnitMinor: line.unitPrice.monthlyUnitMinor,
    billingFrequency: lineTerm(line).billingFrequency,
    licenses: line.licenses,
  };
}

/** A unit price per license per bill, with its monthly equivalent when a bill covers several months. */
function unitPriceText(priced: PricedLine, locale: Locale, text: PageText): string {
  const one = lineTotal({ ...priced, licenses: 1 });
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: priced.currency }, locale);
  const perBill = text.perLicensePer(money(one.perBillingPeriodMinor), one.billingPeriodMonths);
  return one.billingPeriodMonths === 1 ? perBill : `${perBill} ${text.monthlyEquivalent(money(one.perMonthMinor))}`;
}

function linePricing(priced: PricedLine, locale: Locale, t: Strings, text: PageText): LinePricing {
  const all = lineTotal(priced);
  return {
    unitText: `${t.unitPrice}: ${unitPriceText(priced, locale, text)}`,
    total: formatMoney({ amountMinor: all.perBillingPeriodMinor, currency: priced.currency }, locale),
    period: all.billingPeriodMonths as Period,
  };
}

/** A phrase of PAGE_TEXT ("Price shown at checkout", "Monthly commitment") inside a sentence. */
function lowerFirst(words: string): string {
  return words.charAt(0).toLowerCase() + words.slice(1);
}

/** The options of a line with a term choice other than its own, or undefined for a fixed term. */
function otherChoices(line: OfferLine, locale: Locale, t: Strings, text: PageText): string | undefined {
  const own = lineTerm(line);
  const others = (line.choices ?? []).filter(
    (option) => option.term !== own.term || option.billingFrequency !== own.billingFrequency,
  );
  if (others.length === 0) return undefined;
  const described = others.map((option) => {
    const words = lowerFirst(termText(option.term, option.billingFrequency, text));
    if (option.unitPrice === undefined) return `${words}, ${lowerFirst(text.priceAtCheckout)}`;
    const priced: PricedLine = {
      currency: option.unitPrice.currency,
      monthlyUnitMinor: option.unitPrice.monthlyUnitMinor,
      billingFrequency: option.billingFrequency,
      licenses: 1,
    };
    return `${words}, ${unitPriceText(priced, locale, text)}`;
  });
  return `${t.otherChoices}: ${described.join('; ')}.`;
}

/**
 * Offer totals over the lines priced in the currency of the first priced line (an offer is priced in
 * one market, so in practice all of them); undefined when no line has a price.
 */
function offerTotals(priced: readonly (PricedLine | undefined)[]): { totals: Totals; complete: boolean } | undefined {
  const currency = priced.find((line) => line !== undefined)?.currency;
  if (currency === undefined) return undefined;
  const inCurrency = priced.filter((line): line is PricedLine => line?.currency === currency);
  return { totals: totals(inCurrency, currency), complete: inCurrency.length === priced.length };
}

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
const INK = 'color:#1b1b1b;';
const MUTED = 'color:#4a4f55;';
const P = `${FONT}font-size:15px;line-height:22px;${INK}margin:0 0 14px;`;
const SMALL = `${FONT}font-size:13px;line-height:19px;${MUTED}margin:0 0 8px;`;
const H2 = `${FONT}font-size:17px;line-height:24px;font-weight:600;${INK}margin:24px 0 10px;`;
const CELL = `${FONT}font-size:15px;line-height:22px;${INK}`;
const ACCENT = '#0f6cbd';
const RULE = 'border-top:1px solid #e1e4e8;';
const TABLE = 'border-collapse:collapse;mso-table-lspace:0pt;mso-table-rspace:0pt;';

/**
 * A button drawn by a table cell's background, not by CSS on the link alone: Outlook's Word engine
 * ignores padding and radius on <a>, but still paints the cell, so the button shows everywhere.
 */
function button(url: string, label: string): SafeHtml {
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="${TABLE}margin:8px 0 24px;">
<tr><td align="center" bgcolor="${ACCENT}" style="background-color:${ACCENT};border-radius:4px;">
<a href="${url}" target="_blank" style="${FONT}display:inline-block;padding:12px 28px;border:1px solid ${ACCENT};border-radius:4px;background-color:${ACCENT};color:#ffffff;font-size:16px;line-height:20px;font-weight:600;text-decoration:none;">${label}</a>
</td></tr>
</table>`;
}

function lineRow(line: MessageLine, t: Strings, text: PageText): SafeHtml {
  const pricing = line.pricing;
  const detail = `${FONT}font-size:14px;line-height:20px;${MUTED}`;
  return html`<tr><td data-line="${line.sku}" style="${RULE}padding:12px 0;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${TABLE}width:100%;">
<tr>
<td valign="top" style="${CELL}padding:0 12px 0 0;"><strong style="font-weight:600;">${line.name}</strong><br>
<span style="${detail}">${line.licenses} · ${line.termAndBilling}</span><br>
<span style="${detail}">${pricing ? pricing.unitText : text.priceAtCheckout}</span>${
    line.choices ? html`<br>\n<span style="${detail}">${line.choices}</span>` : ''
  }${
    line.existingSubscribersNote
      ? html`<br>\n<span style="${FONT}font-size:13px;line-height:19px;color:#8a5300;">${line.existingSubscribersNote}</span>`
      : ''
  }</td>
<td valign="top" align="right" style="${CELL}white-space:nowrap;text-align:right;">${
    pricing
      ? html`<strong data-line-total style="font-weight:600;">${pricing.total}</strong><br>
<span style="${FONT}font-size:13px;${MUTED}">${t.per(pricing.period)}</span>`
      : html`<span style="${FONT}font-size:13px;${MUTED}">—</span>`
  }</td>
</tr>
</table>
</td></tr>
`;
}

/**
 * Builds the message from the offer alone (it carries the partner snapshot, customization, lines
 * with their terms and price snapshots), so the create response and GET …/message render the same
 * text. Money is written in `locale` (the message's language) and the lines' currency; a line
 * without a price snapshot (an unsourced price, or an offer made before prices) says it is shown at
 * checkout and is left out of the totals. The commitment example dates take the offer's creation
 * date as the purchase date. Pure: no clock, no I/O.
 * Throws RangeError only for corrupt stored data: a price that is not whole minor units or has a
 * malformed currency, or an invalid createdAt.
 */
export function buildOfferMessage(offer: Offer, locale: Locale, url: string): OfferMessage {
  const t = STRINGS[locale];
  const pageText = PAGE_TEXT[locale];
  const partnerName = offer.partner.name;
  const contact = offerContact(offer);
  const logoUrl = httpsOnly(offerLogoUrl(offer));
  const intro = offer.customization.intro ?? t.defaultIntro(partnerName);
  const closing = offer.customization.closing ?? t.defaultClosing;

  const priced = offer.items.map(pricedLine);
  const lines: MessageLine[] = offer.items.map((item, index) => {
    const subscription = findSubscription(item.sku);
    const { term, billingFrequency } = lineTerm(item);
    const pricing = priced[index];
    const choices = otherChoices(item, locale, t, pageText);
    return {
      sku: item.sku,
      name: subscription?.name ?? item.sku,
      licenses: t.licenses(item.licenses),
      termAndBilling: termText(term, billingFrequency, pageText),
      ...(pricing ? { pricing: linePricing(pricing, locale, t, pageText) } : {}),
      ...(choices ? { choices } : {}),
      ...(subscription?.existingSubscribersOnly
        ? { existingSubscribersNote: pageText.existingSubscribersOnly(subscription.name) }
        : {}),
    };
  });
  const summed = offerTotals(priced);
  const money = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency }, locale);
  const totalsLines = summed
    ? {
        perMonth: money(summed.totals.perMonthMinor, summed.totals.currency),
        perYear: money(summed.totals.perYearMinor, summed.totals.currency),
        notes: [pageText.totalsNote, ...(summed.complete ? [] : [pageText.totalsPartial])],
      }
    : undefined;

  const purchasedAt = new Date(offer.createdAt);
  // Every term the customer may end up on: each line's own and those it lets the customer choose.
  const offered = offer.items.flatMap((item) => [lineTerm(item).term, ...(item.choices ?? []).map((c) => c.term)]);
  const terms = COMMITMENT_TERMS.filter((term) => offered.includes(term));
  const commitment = [
    t.commitmentWindow(CANCELLATION_WINDOW_HOURS / 24, CANCELLATION_WINDOW_HOURS),
    ...terms.map((term) => {
      const clock = commitmentClock(term, purchasedAt);
      // Term dates are the vendor's UTC calendar dates, written as such (no zone shift).
      const date = (iso: string) => formatCalendarDate(locale, iso);
      return t.termEnds[term](
        pageText.termName[term],
        date(clock.termStart),
        date(clock.termEnd),
        date(clock.renewsOn),
      );
    }),
  ];

  const notices = disclosures(locale, { partnerName, contact, delegatedAdmin: offer.delegatedAdmin });
  // In the usage location's time zone, named, as on the offer page.
  const expires = offer.expiresAt ? t.expires(formatDateTime(locale, offer.expiresAt, offer.usageLocation)) : undefined;
  const subject = t.subject(partnerName);
  const replaces = offer.revisionOf ? t.replaces(offer.revisionOf) : undefined;

  const text = [
    intro,
    '',
    `${t.itemsHeading}:`,
    ...lines.flatMap((line) => [
      `- ${line.name}: ${line.licenses}`,
      `  ${line.termAndBilling}`,
      `  ${line.pricing ? line.pricing.unitText : pageText.priceAtCheckout}`,
      ...(line.pricing ? [`  ${t.lineTotal}: ${line.pricing.total} ${t.per(line.pricing.period)}`] : []),
      ...(line.choices ? [`  ${line.choices}`] : []),
      ...(line.existingSubscribersNote ? [`  ${line.existingSubscribersNote}`] : []),
    ]),
    '',
    ...(totalsLines
      ? [
          `${pageText.totalsHeading}:`,
          `- ${pageText.totalPerMonth}: ${totalsLines.perMonth}`,
          `- ${pageText.totalPerYear}: ${totalsLines.perYear}`,
          ...totalsLines.notes,
        ]
      : [t.allPricesAtCheckout]),
    '',
    `${t.linkLead} ${url}`,
    t.summaryId(offer.summaryId),
    ...(replaces ? [replaces] : []),
    ...(expires ? [expires] : []),
    '',
    `${pageText.commitmentHeading}:`,
    ...commitment.map((entry) => `- ${entry}`),
    '',
    `${t.disclosuresHeading}:`,
    ...notices.map((notice) => `- ${notice.text}`),
    '',
    closing,
    t.signature(partnerName),
    '',
  ].join('\n');

  const list = (entries: readonly { text: string; id?: string }[]) =>
    html`<ul style="${SMALL}padding:0 0 0 20px;margin:0 0 8px;">
${entries.map((entry) => html`<li${entry.id ? html` data-disclosure="${entry.id}"` : ''} style="${FONT}font-size:13px;line-height:19px;${MUTED}margin:0 0 6px;">${entry.text}</li>\n`)}</ul>`;

  const body = html`<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f4f5f7" style="${TABLE}width:100%;background-color:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;"><tr><td style="padding:0;"><![endif]-->
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="${TABLE}width:100%;max-width:600px;background-color:#ffffff;border-radius:6px;">
<tr><td style="padding:24px 32px;border-bottom:3px solid ${ACCENT};">
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="${TABLE}">
<tr>${logoUrl ? html`<td valign="middle" style="padding:0 16px 0 0;"><img src="${logoUrl}" alt="${partnerName}" height="48" style="display:block;height:48px;width:auto;max-width:200px;border:0;outline:none;text-decoration:none;"></td>` : ''}<td valign="middle" style="${FONT}font-size:20px;line-height:26px;font-weight:600;${INK}">${partnerName}</td></tr>
</table>
</td></tr>
<tr><td style="padding:28px 32px 8px;">
${paragraphs(intro, P)}
${button(url, t.cta)}
<h2 style="${H2}">${t.itemsHeading}</h2>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${TABLE}width:100%;">
${lines.map((line) => lineRow(line, t, pageText))}<tr><td style="${RULE}padding:12px 0 0;">
${
  totalsLines
    ? html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${TABLE}width:100%;">
<tr><td colspan="2" style="${CELL}font-weight:600;padding:0 0 4px;">${pageText.totalsHeading}</td></tr>
<tr><td style="${CELL}">${pageText.totalPerMonth}</td><td align="right" style="${CELL}font-weight:600;text-align:right;white-space:nowrap;" data-total="month">${totalsLines.perMonth}</td></tr>
<tr><td style="${CELL}">${pageText.totalPerYear}</td><td align="right" style="${CELL}font-weight:600;text-align:right;white-space:nowrap;" data-total="year">${totalsLines.perYear}</td></tr>
</table>
${totalsLines.notes.map((note) => html`<p style="${SMALL}margin:8px 0 0;">${note}</p>\n`)}`
    : html`<p style="${SMALL}">${t.allPricesAtCheckout}</p>`
}
</td></tr>
</table>
<p style="${SMALL}margin:20px 0 8px;">${t.linkLead} <a href="${url}" target="_blank" style="color:${ACCENT};text-decoration:underline;word-break:break-all;">${url}</a></p>
<p style="${SMALL}">${t.summaryId(offer.summaryId)}</p>
${replaces ? html`<p style="${SMALL}">${replaces}</p>` : ''}
${expires ? html`<p style="${SMALL}">${expires}</p>` : ''}
<h2 style="${H2}">${pageText.commitmentHeading}</h2>
${list(commitment.map((entry) => ({ text: entry })))}
<h2 style="${H2}">${t.disclosuresHeading}</h2>
${list(notices)}
<div style="margin:24px 0 0;">
${paragraphs(closing, P)}
<p style="${P}">${t.signature(partnerName)}</p>
</div>
</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;

  return { locale, subject, text, html: body.value };
}
