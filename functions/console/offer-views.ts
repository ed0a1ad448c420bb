import type * as z from 'zod/mini';
import { findSubscription } from '../../shared/catalog/catalog.ts';
import { formatMoney } from '../../shared/catalog/money.ts';
import type { Acceptance, AcceptedLine, Decline } from '../../shared/domain/acceptance.ts';
import { lineTerm, type Offer, type OfferLine, type OfferStatus, offerStatus } from '../../shared/domain/offer.ts';
import type { FieldError } from '../../shared/http/problem.ts';
import type { ApiEvent } from '../../shared/http/types.ts';
import { repeatedError, repeatedParameters, toFieldErrors } from '../../shared/http/validation.ts';
import { formatCalendarDate, formatDateTime, formatNumber, timeZoneFor } from '../../shared/i18n/format.ts';
import { LOCALES, type Locale } from '../../shared/i18n/locale.ts';
import { PAGE_TEXT, termText } from '../../shared/offer-page/page-text.ts';
import { html, type SafeHtml } from '../../shared/render/html.ts';
import type { OfferMessage } from '../../shared/render/offer-message.ts';
import { listOffersQuery, TEXT_LIMITS } from '../../shared/schemas/offers.ts';
import { errorSummary, type FormValues, formToCreateBody } from './offer-form.ts';
import { OFFERS_TEXT } from './offers-text.ts';
import { previewOf } from './send-page.ts';

// Pure rendering of the console's offers list and offer page: data in, the page's <main> out. Every
// partner and customer string goes through `html`, which escapes it.

/** A console path with its query: `lang` kept for pt-BR (as the frame's links do), empty values left out. */
export function consoleHref(path: string, locale: Locale, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
  if (locale !== 'en') query.set('lang', locale);
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

function when(locale: Locale, iso: string, usageLocation: string): SafeHtml {
  return html`<time datetime="${iso}">${formatDateTime(locale, iso, usageLocation, 'short')}</time>`;
}

/** One field's error, as the error summary links to it and the field's aria-describedby names it. */
export interface FieldProblem {
  /** The id of the control the error belongs to (the summary links to `#id`). */
  readonly id: string;
  /** The rule it broke, as the partner API names it (`too_big`, `invalid_cursor`…). */
  readonly rule: string;
  readonly message: string;
}

/** The error under a field, or nothing; its id is `<field id>-error`. */
export function fieldError(problem: FieldProblem | undefined): SafeHtml {
  return problem
    ? html`<p class="error" id="${problem.id}-error" data-rule="${problem.rule}">${problem.message}</p>`
    : html``;
}

/** aria attributes of a control with or without an error (and its hint, if it has one). */
export function describedBy(id: string, problem: FieldProblem | undefined, hint = false): SafeHtml {
  const ids = [...(hint ? [`${id}-hint`] : []), ...(problem ? [`${id}-error`] : [])];
  return html`${ids.length > 0 ? html` aria-describedby="${ids.join(' ')}"` : ''}${problem ? html` aria-invalid="true"` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The offers list

export interface OffersListInput {
  readonly locale: Locale;
  /** The filters as the partner sent them (shown back in the form, errors or not). */
  readonly filters: { readonly status?: string; readonly limit?: string };
  /** Field errors of the filters; a page with errors lists nothing. */
  readonly problems: readonly FieldProblem[];
  /** The page, when the filters were valid. */
  readonly page?: {
    readonly offers: readonly Offer[];
    /** Encoded cursor of the next page, when more may follow. */
    readonly nextCursor?: string;
    /** Whether this page was reached through a cursor (then "First page" is offered). */
    readonly continued: boolean;
    /** The instant every listed offer's status is derived at (the one the filter used). */
    readonly now: Date;
  };
}

/** The list's filters: the partner API's own query parameters (GET /v1/offers), under the same schema. */
const FILTERS = ['status', 'limit', 'cursor'] as const;
type Filter = (typeof FILTERS)[number];

/**
 * The API's rule for each broken filter (its field errors, `query.limit` …), shown next to that
 * filter in the partner's language. The cursor has no field of its own (it comes from a "Next
 * page" link): its error links to the first filter.
 */
export function filterProblems(locale: Locale, errors: readonly FieldError[]): FieldProblem[] {
  const t = OFFERS_TEXT[locale].list.errors;
  const seen = new Set<Filter>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const filter = FILTERS.find((name) => error.field === `query.${name}`);
    if (filter === undefined || seen.has(filter)) continue;
    seen.add(filter);
    const message =
      error.rule === 'repeated' ? t.repeated : filter === 'status' ? t.status : filter === 'limit' ? t.limit : t.cursor;
    problems.push({ id: filter === 'cursor' ? 'status' : filter, rule: error.rule, message });
  }
  return problems;
}

/**
 * The list's filters from the query: as sent (to show them back), their problems, and, when there
 * are none, the values GET /v1/offers would list with. Parameters the API does not know (`lang`)
 * are the console's own and left out of the check.
 */
export function readListFilters(
  event: Pick<ApiEvent, 'queryStringParameters' | 'rawQueryString'>,
  locale: Locale,
): {
  filters: { status?: string; limit?: string };
  problems: FieldProblem[];
  parsed?: z.output<typeof listOffersQuery>;
} {
  const query = event.queryStringParameters ?? {};
  const sent: Partial<Record<Filter, string>> = {};
  // The filter form sends every field: an empty one ("All statuses", no page size) is no filter.
  for (const name of FILTERS) if (query[name] !== undefined && query[name] !== '') sent[name] = query[name];
  const filters = {
    ...(sent.status !== undefined ? { status: sent.status } : {}),
    ...(sent.limit !== undefined ? { limit: sent.limit } : {}),
  };
  const parsed = listOffersQuery.safeParse(sent);
  const problems = filterProblems(locale, [
    ...repeatedParameters(event.rawQueryString ?? '').map(repeatedError),
    ...(parsed.success ? [] : toFieldErrors('query', parsed.error.issues)),
  ]);
  return parsed.success && problems.length === 0 ? { filters, problems, parsed: parsed.data } : { filters, problems };
}

const STATUS_ORDER: readonly OfferStatus[] = ['active', 'deactivated', 'expired', 'exhausted'];

/**
 * The offers list's main content: the status and page-size filter form (with its problems next to
 * the fields), then the page of offers as a table (summary ID linking to the offer page, status at
 * `page.now`, reference, creation time, views, acceptances, declines) and the link to the next page
 * when there is one. Every outside
 * string is escaped by `html`.
 */
export function offersListMain(input: OffersListInput): SafeHtml {
  const { locale, filters, problems, page } = input;
  const text = OFFERS_TEXT[locale];
  const t = text.list;
  const problemOf = (id: string) => problems.find((problem) => problem.id === id);
  const statusProblem = problemOf('status');
  const limitProblem = problemOf('limit');
  const chosen = STATUS_ORDER.find((status) => status === filters.status);
  const form = html`<form method="get" action="/console/offers" aria-labelledby="filters-title">
<h2 id="filters-title">${t.filters}</h2>
${locale !== 'en' ? html`<input type="hidden" name="lang" value="${locale}">` : ''}
<div class="field"><label for="status">${t.statusLabel}</label>
${fieldError(statusProblem)}
<select id="status" name="status"${describedBy('status', statusProblem)}>
<option value=""${chosen === undefined ? html` selected` : ''}>${t.allStatuses}</option>
${STATUS_ORDER.map((status) => html`<option value="${status}"${status === chosen ? html` selected` : ''}>${text.status[status]}</option>`)}
</select></div>
<div class="field"><label for="limit">${t.limitLabel}</label>
<p class="hint" id="limit-hint">${t.limitHint}</p>
${fieldError(limitProblem)}
<input type="number" id="limit" name="limit" inputmode="numeric" min="1" max="100" value="${filters.limit ?? ''}"${describedBy('limit', limitProblem, true)}>
</div>
<button type="submit">${t.show}</button>
</form>`;
  return html`<h1>${t.title}</h1>
${problems.length > 0 ? errorSummary(text.errorSummary, undefined, problems) : ''}
${form}
${page ? offersTable(locale, { status: chosen, limit: filters.limit }, page) : ''}`;
}

function offersTable(
  locale: Locale,
  { status, limit }: { status: OfferStatus | undefined; limit: string | undefined },
  page: NonNullable<OffersListInput['page']>,
) {
  const text = OFFERS_TEXT[locale];
  const t = text.list;
  const pager =
    page.nextCursor !== undefined || page.continued
      ? html`<nav aria-label="${t.pages}"><p>${page.continued ? html`<a href="${consoleHref('/console/offers', locale, { status, limit })}">${t.firstPage}</a> ` : ''}${
          page.nextCursor !== undefined
            ? html`<a href="${consoleHref('/console/offers', locale, { status, limit, cursor: page.nextCursor })}" rel="next">${t.nextPage}</a>`
            : ''
        }</p></nav>`
      : html``;
  if (page.offers.length === 0) {
    const empty =
      status === undefined && !page.continued
        ? html`<p>${t.none}</p><p><a class="button" href="${consoleHref('/console/offers/new', locale)}">${t.createFirst}</a></p>`
        : html`<p>${t.noneOnPage}</p>`;
    return html`${empty}${pager}`;
  }
  const rows = page.offers.map((offer) => {
    const offerStatusNow = offerStatus(offer, page.now);
    return html`<tr>
<th scope="row"><a href="${consoleHref(`/console/offers/${offer.summaryId}`, locale)}">${offer.summaryId}</a></th>
<td>${offer.reference ?? ''}</td>
<td data-status="${offerStatusNow}">${text.status[offerStatusNow]}</td>
<td>${when(locale, offer.createdAt, offer.usageLocation)}</td>
<td>${formatNumber(locale, offer.views)}</td>
<td>${formatNumber(locale, offer.acceptances)}</td>
<td>${formatNumber(locale, offer.declines)}</td>
</tr>`;
  });
  return html`<div class="table-wrap"><table>
<caption>${status ? t.captionFiltered(text.status[status]) : t.caption}</caption>
<thead><tr><th scope="col">${t.summaryId}</th><th scope="col">${t.reference}</th><th scope="col">${t.statusColumn}</th><th scope="col">${t.created}</th><th scope="col">${t.views}</th><th scope="col">${t.acceptances}</th><th scope="col">${t.declines}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${pager}`;
}

// ---------------------------------------------------------------------------------------------
// The offer page

export interface OfferDetailInput {
  readonly locale: Locale;
  readonly offer: Offer;
  /** The offer's customer link. */
  readonly url: string;
  readonly now: Date;
  readonly csrfToken: string;
  /** The ready message in each language, the offer's own first. */
  readonly messages: readonly OfferMessage[];
  /** A page of each list: `after` the cursor it was reached through, `nextCursor` the next page's. */
  readonly acceptances: ResponsesPage<Acceptance>;
  readonly declines: ResponsesPage<Decline>;
  /** After a deactivation (the 303 back here). */
  readonly notice?: 'deactivated';
  /** The deactivate form as posted, when it came back with an error. */
  readonly deactivation?: { readonly message: string; readonly problem: FieldProblem };
}

/** A page of acceptances or declines; the cursors are submission ids. */
export interface ResponsesPage<T> {
  readonly items: readonly T[];
  readonly after?: string;
  readonly nextCursor?: string;
}

/**
 * One offer's page: status, counters, details, lines, the link and its QR code, the ready message
 * in each language, the acceptances and declines (one page each), the way to revise it and the
 * deactivate form (or "already deactivated"); a notice or a deactivation problem when `input`
 * carries one.
 */
export function offerDetailMain(input: OfferDetailInput): SafeHtml {
  const { locale, offer } = input;
  const text = OFFERS_TEXT[locale];
  const t = text.detail;
  const status = offerStatus(offer, input.now);
  const offerPath = `/console/offers/${offer.summaryId}`;
  return html`<p><a href="${consoleHref('/console/offers', locale)}">← ${t.back}</a></p>
${input.notice === 'deactivated' ? html`<div class="notice" role="status">${t.deactivatedNotice}</div>` : ''}
${input.deactivation ? errorSummary(text.errorSummary, undefined, [input.deactivation.problem]) : ''}
<h1>${t.title(offer.summaryId)}</h1>
<p><strong data-status="${status}">${text.status[status]}</strong></p>
${offer.revisedBy !== undefined ? html`<div class="notice">${t.replacedBy} <a href="${consoleHref(`/console/offers/${offer.revisedBy}`, locale)}">${offer.revisedBy}</a></div>` : ''}
${offer.revisionOf !== undefined ? html`<p>${t.revisionOf} <a href="${consoleHref(`/console/offers/${offer.revisionOf}`, locale)}">${offer.revisionOf}</a>.</p>` : ''}
${countersSection(input)}
${detailsSection(input, status)}
${linesSection(locale, offer)}
<section aria-labelledby="share-title"><h2 id="share-title">${t.shareHeading}</h2>
<p><a href="${input.url}">${input.url}</a></p>
<p><img src="${offerPath}/qr.svg" width="200" height="200" alt="${t.qrAlt}"></p>
<p><a href="${offerPath}/qr.svg" download="offer-${offer.summaryId}.svg">${t.qrDownload}</a></p>
</section>
${acceptancesSection(input)}
${declinesSection(input)}
${messagesSection(input)}
${reviseSection(locale, offer)}
${deactivateSection(input, status)}`;
}

function countersSection({ locale, offer }: OfferDetailInput): SafeHtml {
  const text = OFFERS_TEXT[locale];
  const t = text.detail;
  return html`<section aria-labelledby="counters-title"><h2 id="counters-title">${t.countersHeading}</h2>
<dl class="facts">
<dt>${text.list.views}</dt><dd data-counter="views">${formatNumber(locale, offer.views)}</dd>
<dt>${text.list.acceptances}</dt><dd data-counter="acceptances">${formatNumber(locale, offer.acceptances)}${offer.maxAcceptances !== undefined ? ` ${t.ofMax(offer.maxAcceptances)}` : ''}</dd>
<dt>${text.list.declines}</dt><dd data-counter="declines">${formatNumber(locale, offer.declines)}</dd>
</dl></section>`;
}

function detailsSection({ locale, offer, url }: OfferDetailInput, status: OfferStatus): SafeHtml {
  const t = OFFERS_TEXT[locale].detail;
  const region = new Intl.DisplayNames([locale], { type: 'region' }).of(offer.usageLocation) ?? offer.usageLocation;
  const fact = (term: string, value: SafeHtml | string) => html`<dt>${term}</dt><dd>${value}</dd>`;
  return html`<section aria-labelledby="details-title"><h2 id="details-title">${t.detailsHeading}</h2>
<dl class="facts">
${fact(t.summaryId, offer.summaryId)}
${fact(t.link, html`<a href="${url}">${url}</a>`)}
${fact(t.status, OFFERS_TEXT[locale].status[status])}
${offer.reference !== undefined ? fact(t.reference, offer.reference) : ''}
${fact(t.created, when(locale, offer.createdAt, offer.usageLocation))}
${fact(t.expires, offer.expiresAt !== undefined ? when(locale, offer.expiresAt, offer.usageLocation) : t.noExpiry)}
${fact(t.maxAcceptances, offer.maxAcceptances !== undefined ? formatNumber(locale, offer.maxAcceptances) : t.noMax)}
${fact(t.office, `${offer.officeName} (${offer.officeId})`)}
${fact(t.usageLocation, region)}
${fact(t.language, t.languageName[offer.locale])}
${fact(t.delegatedAdmin, offer.delegatedAdmin ? t.yes : t.no)}
${fact(t.customerAgreement, offer.requireCustomerAgreement ? t.yes : t.no)}
${offer.deactivatedAt !== undefined ? fact(t.deactivatedAt, when(locale, offer.deactivatedAt, offer.usageLocation)) : ''}
${offer.deactivationMessage !== undefined ? fact(t.deactivationMessage, offer.deactivationMessage) : ''}
</dl></section>`;
}

function subscriptionName(sku: string): string {
  return findSubscription(sku)?.name ?? sku;
}

function unitPriceText(locale: Locale, line: OfferLine): string {
  const pageText = PAGE_TEXT[locale];
  const price = line.unitPrice;
  if (!price) return pageText.priceAtCheckout;
  const amount = formatMoney({ amountMinor: price.perBillingPeriodMinor, currency: price.currency }, locale);
  return pageText.perLicensePer(amount, price.billingPeriodMonths);
}

function linesSection(locale: Locale, offer: Offer): SafeHtml {
  const t = OFFERS_TEXT[locale].detail;
  const rows = offer.items.map((line) => {
    const { term, billingFrequency } = lineTerm(line);
    return html`<tr><th scope="row">${subscriptionName(line.sku)}</th><td>${formatNumber(locale, line.licenses)}</td><td>${termText(term, billingFrequency, PAGE_TEXT[locale])}</td><td>${unitPriceText(locale, line)}</td></tr>`;
  });
  return html`<section aria-labelledby="lines-title"><h2 id="lines-title">${t.subscriptionsHeading}</h2>
<div class="table-wrap"><table>
<caption>${t.subscriptionsHeading}</caption>
<thead><tr><th scope="col">${t.subscription}</th><th scope="col">${t.licenses}</th><th scope="col">${t.termAndBilling}</th><th scope="col">${t.unitPrice}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div></section>`;
}

function acceptedLine(locale: Locale, line: AcceptedLine | OfferLine): SafeHtml {
  const name = 'name' in line ? line.name : subscriptionName(line.sku);
  const { term, billingFrequency } = lineTerm(line);
  return html`<li>${name}: ${formatNumber(locale, line.licenses)} (${termText(term, billingFrequency, PAGE_TEXT[locale])})</li>`;
}

/**
 * The links under one list: its next page and, once paged, its first page. Each keeps the other
 * list on the page it is on.
 */
function responsesPager(input: OfferDetailInput, list: 'acceptances' | 'declines'): SafeHtml {
  const { locale, offer } = input;
  const t = OFFERS_TEXT[locale].detail;
  const path = `/console/offers/${offer.summaryId}`;
  const other = list === 'acceptances' ? 'declines' : 'acceptances';
  const keep = { [other]: input[other].after };
  const page = input[list];
  const links = [
    ...(page.nextCursor !== undefined
      ? [
          html`<a href="${consoleHref(path, locale, { ...keep, [list]: page.nextCursor })}#${list}-title">${list === 'acceptances' ? t.moreAcceptances : t.moreDeclines}</a>`,
        ]
      : []),
    ...(page.after !== undefined
      ? [
          html`<a href="${consoleHref(path, locale, keep)}#${list}-title">${list === 'acceptances' ? t.firstAcceptances : t.firstDeclines}</a>`,
        ]
      : []),
  ];
  return links.length > 0 ? html`<p>${links.map((link, i) => html`${i > 0 ? ' · ' : ''}${link}`)}</p>` : html``;
}

function acceptancesSection(input: OfferDetailInput): SafeHtml {
  const { locale, offer } = input;
  const t = OFFERS_TEXT[locale].detail;
  const items = input.acceptances.items;
  const body =
    items.length === 0
      ? html`<p>${t.noAcceptances}</p>`
      : html`<div class="table-wrap"><table>
<caption>${t.acceptancesCaption(formatNumber(locale, offer.acceptances))}</caption>
<thead><tr><th scope="col">${t.acceptedAt}</th><th scope="col">${t.company}</th><th scope="col">${t.contact}</th><th scope="col">${t.accepted}</th></tr></thead>
<tbody>${items.map(
          (acceptance) => html`<tr>
<th scope="row">${when(locale, acceptance.acceptedAt, offer.usageLocation)}</th>
<td>${acceptance.companyName}${acceptance.purchaseOrder !== undefined ? html`<br>${t.purchaseOrder}: ${acceptance.purchaseOrder}` : ''}</td>
<td>${acceptance.contactName}${acceptance.jobTitle !== undefined ? html`, ${acceptance.jobTitle}` : ''}<br><a href="mailto:${acceptance.email}">${acceptance.email}</a>${acceptance.phone !== undefined ? html`<br>${acceptance.phone}` : ''}</td>
<td><ul>${acceptance.items.map((line) => acceptedLine(locale, line))}</ul>
${offer.delegatedAdmin ? html`<p>${acceptance.delegatedAdmin ? t.withDelegatedAdmin : t.withoutDelegatedAdmin}</p>` : ''}
${acceptance.customerAgreement ? html`<p>${t.agreementOn(formatCalendarDate(locale, acceptance.customerAgreement.dateAgreed))}</p>` : ''}</td>
</tr>`,
        )}</tbody>
</table></div>`;
  return html`<section aria-labelledby="acceptances-title"><h2 id="acceptances-title">${t.acceptancesHeading}</h2>
${body}${responsesPager(input, 'acceptances')}</section>`;
}

function declinesSection(input: OfferDetailInput): SafeHtml {
  const { locale, offer } = input;
  const t = OFFERS_TEXT[locale].detail;
  const items = input.declines.items;
  const body =
    items.length === 0
      ? html`<p>${t.noDeclines}</p>`
      : html`<div class="table-wrap"><table>
<caption>${t.declinesCaption(formatNumber(locale, offer.declines))}</caption>
<thead><tr><th scope="col">${t.declinedAt}</th><th scope="col">${t.reason}</th></tr></thead>
<tbody>${items.map(
          (decline) =>
            html`<tr><th scope="row">${when(locale, decline.declinedAt, offer.usageLocation)}</th><td>${decline.reason ?? html`<em>${t.noReason}</em>`}</td></tr>`,
        )}</tbody>
</table></div>`;
  return html`<section aria-labelledby="declines-title"><h2 id="declines-title">${t.declinesHeading}</h2>
${body}${responsesPager(input, 'declines')}</section>`;
}

function messagesSection({ locale, offer, messages }: OfferDetailInput): SafeHtml {
  const t = OFFERS_TEXT[locale].detail;
  return html`<section aria-labelledby="message-title"><h2 id="message-title">${t.messageHeading}</h2>
<p>${t.messageLead}</p>
${messages.map(
  (
    message,
  ) => html`<h3>${t.languageName[message.locale]}${message.locale === offer.locale ? ` ${t.offerLanguage}` : ''}</h3>
<p><strong>${t.subject}</strong></p>
<p class="copyable" lang="${message.locale}">${message.subject}</p>
<p><strong>${t.text}</strong></p>
<pre lang="${message.locale}">${message.text}</pre>
<details><summary>${t.inlinePreview}</summary><div class="preview" lang="${message.locale}">${previewOf(message.html)}</div></details>
<p><a href="${`/console/offers/${offer.summaryId}/message.html?locale=${message.locale}`}">${t.htmlPreview}</a></p>
<p class="hint">${t.htmlPreviewHint}</p>
<details><summary>${t.htmlSource}</summary><pre lang="${message.locale}">${message.html}</pre></details>`,
)}
</section>`;
}

/** The offer's language first, then the other. */
export function messageLocales(offer: Pick<Offer, 'locale'>): Locale[] {
  return [offer.locale, ...LOCALES.filter((locale) => locale !== offer.locale)];
}

function reviseSection(locale: Locale, offer: Offer): SafeHtml {
  const t = OFFERS_TEXT[locale].detail;
  return html`<section aria-labelledby="revise-title"><h2 id="revise-title">${t.reviseHeading}</h2>
<p>${t.reviseLead}</p>
${
  offer.revisedBy !== undefined
    ? html`<p>${t.alreadyRevised} <a href="${consoleHref(`/console/offers/${offer.revisedBy}`, locale)}">${offer.revisedBy}</a></p>`
    : html`<p><a class="button" href="${consoleHref(`/console/offers/${offer.summaryId}/revise`, locale)}">${t.reviseLink}</a></p>`
}
</section>`;
}

function deactivateSection(input: OfferDetailInput, status: OfferStatus): SafeHtml {
  const { locale, offer } = input;
  const t = OFFERS_TEXT[locale].detail;
  if (status === 'deactivated') {
    return html`<section aria-labelledby="deactivate-title"><h2 id="deactivate-title">${t.deactivateHeading}</h2>
<p>${t.alreadyDeactivated}</p></section>`;
  }
  const problem = input.deactivation?.problem;
  return html`<section aria-labelledby="deactivate-title"><h2 id="deactivate-title">${t.deactivateHeading}</h2>
<p>${t.deactivateLead}</p>
<form method="post" action="${consoleHref(`/console/offers/${offer.summaryId}/deactivate`, locale)}">
<input type="hidden" name="csrf" value="${input.csrfToken}">
<div class="field"><label for="message">${t.deactivateMessage}</label>
<p class="hint" id="message-hint">${t.deactivateMessageHint(TEXT_LIMITS.deactivationMessage)}</p>
${fieldError(problem)}
<textarea id="message" name="message" rows="3" maxlength="${TEXT_LIMITS.deactivationMessage}"${describedBy('message', problem, true)}>${input.deactivation?.message ?? ''}</textarea></div>
<button type="submit" class="danger">${t.deactivateButton}</button>
</form></section>`;
}

/**
 * The main content for an offer the partner cannot see (none by that ID, or another partner's:
 * the same words, so a summary ID reveals nothing), with a link back to the list.
 */
export function notFoundMain(locale: Locale): SafeHtml {
  const t = OFFERS_TEXT[locale].notFound;
  return html`<h1>${t.title}</h1><p>${t.body}</p><p><a href="${consoleHref('/console/offers', locale)}">${t.back}</a></p>`;
}

// ---------------------------------------------------------------------------------------------
// The revise form (the create wizard's form, prefilled from the offer)

const calendarDates = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in the usage location's time zone. */
function calendarDateIn(iso: string, usageLocation: string): string {
  const timeZone = timeZoneFor(usageLocation);
  let format = calendarDates.get(timeZone);
  if (format === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
    calendarDates.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/** The revise form's first values: the offer's own, in the create form's fields. */
export function reviseFormValues(offer: Offer): FormValues {
  const values: Record<string, string> = {
    officeId: offer.officeId,
    usageLocation: offer.usageLocation,
    locale: offer.locale,
  };
  for (const line of offer.items) {
    const { term, billingFrequency } = lineTerm(line);
    values[`include.${line.sku}`] = 'yes';
    values[`licenses.${line.sku}`] = String(line.licenses);
    values[`term.${line.sku}`] = `${term}/${billingFrequency}`;
    for (const choice of line.choices ?? []) {
      if (choice.term !== term || choice.billingFrequency !== billingFrequency) {
        values[`choice.${line.sku}.${choice.term}.${choice.billingFrequency}`] = 'yes';
      }
    }
  }
  const { logoUrl, intro, closing, contact } = offer.customization;
  const optional: Record<string, string | undefined> = {
    delegatedAdmin: offer.delegatedAdmin ? 'yes' : undefined,
    logoUrl,
    intro,
    closing,
    contactName: contact?.name,
    contactEmail: contact?.email,
    contactPhone: contact?.phone,
    expiresOn: offer.expiresAt !== undefined ? calendarDateIn(offer.expiresAt, offer.usageLocation) : undefined,
    maxAcceptances: offer.maxAcceptances !== undefined ? String(offer.maxAcceptances) : undefined,
    reference: offer.reference,
    requireCustomerAgreement: offer.requireCustomerAgreement ? 'yes' : undefined,
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) values[name] = value;
  return values;
}

/**
 * The revise form as POST /v1/offers/{summaryId}/revise's body, before validation: the create
 * form's body, with two differences. The customization is always sent, so what the form shows is
 * what the revision gets (emptying every message field clears it); so is "customer agreement
 * required", ticked or not. The expiry date is left out
 * while it is still the offer's own day, so an untouched date keeps the offer's exact instant (a
 * date typed in the form means the end of that day).
 */
export function reviseBodyFromForm(values: FormValues, offer: Offer): Record<string, unknown> {
  const { expiresAt, ...body } = formToCreateBody(values);
  const unchanged =
    offer.expiresAt !== undefined && values.expiresOn === calendarDateIn(offer.expiresAt, offer.usageLocation);
  return {
    ...body,
    customization: body.customization ?? {},
    // Always sent: the revision keeps what the API is not told, so an unticked box must say false.
    requireCustomerAgreement: values.requireCustomerAgreement === 'yes',
    ...(expiresAt !== undefined && !unchanged ? { expiresAt } : {}),
  };
}
