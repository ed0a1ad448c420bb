/**
 * The cost and commitment parts of the customer pages: per line its term and billing, unit price and
 * line total (or "price shown at checkout"), the totals per month and per year, the commitment clock
 * of each term, the term choice, and the notes of vendor quantity rules. Exact money throughout
 * (integer minor units, shared/catalog/money.ts); every word comes from PAGE_TEXT.
 */
import { findSubscription } from '../../shared/catalog/catalog.ts';
import { CANCELLATION_WINDOW_HOURS, commitmentClock } from '../../shared/catalog/commitment.ts';
import { formatMoney } from '../../shared/catalog/money.ts';
import { QUANTITY_RULES } from '../../shared/catalog/quantity-rules.ts';
import type { BillingFrequency, CommitmentTerm } from '../../shared/catalog/terms.ts';
import { lineTotal, type PricedLine, totals } from '../../shared/catalog/totals.ts';
import { type LinePrice, type LineTermOption, lineTerm, type OfferLine } from '../../shared/domain/offer.ts';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { type PageText, termText } from '../../shared/offer-page/page-text.ts';
import { html, type SafeHtml } from '../../shared/render/html.ts';
import { hasTermChoice, termChoiceValue, termFieldName } from './form.ts';

/** A line as a page shows it: the term and price in effect and the license count the totals use. */
export interface ShownLine {
  readonly sku: string;
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  /** Absent when the line has no sourced list price ("price shown at checkout"). */
  readonly unitPrice?: LinePrice;
  /** Undefined while the posted count is not a whole number within the line's limits. */
  readonly licenses: number | undefined;
}

/** The line's own term, billing and price, with the defaults of offers made before terms existed. */
function ownOption(line: OfferLine): LineTermOption {
  const { term, billingFrequency } = lineTerm(line);
  return line.unitPrice ? { term, billingFrequency, unitPrice: line.unitPrice } : { term, billingFrequency };
}

/**
 * The option a line shows as chosen: the posted value when it names one of the line's choices
 * (the form came back with errors), else the line's own term and billing.
 */
export function chosenOption(line: OfferLine, posted: string | undefined): LineTermOption {
  const own = ownOption(line);
  if (!line.choices || line.choices.length === 0) return own;
  const wanted = posted ?? termChoiceValue(own);
  return line.choices.find((option) => termChoiceValue(option) === wanted) ?? own;
}

// As the form reads counts (digits only); nine at most keeps Number exact.
const WHOLE_NUMBER = /^\d{1,9}$/;

/** A posted count the totals can use: a whole number within `min`..`max`, else undefined. */
export function postedCount(value: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (!WHOLE_NUMBER.test(value)) return undefined;
  const count = Number(value);
  return count >= min && count <= max ? count : undefined;
}

/** "$84.00 per license per year ($7.00 per license per month)", or per month alone for monthly bills. */
export function unitPriceText(price: LinePrice, locale: Locale, text: PageText): string {
  const perBill = formatMoney({ amountMinor: price.perBillingPeriodMinor, currency: price.currency }, locale);
  const unit = text.perLicensePer(perBill, price.billingPeriodMonths);
  if (price.billingPeriodMonths === 1) return unit;
  const perMonth = formatMoney({ amountMinor: price.monthlyUnitMinor, currency: price.currency }, locale);
  return `${unit} ${text.monthlyEquivalent(perMonth)}`;
}

function pricedLine(line: ShownLine & { unitPrice: LinePrice; licenses: number }): PricedLine {
  return {
    currency: line.unitPrice.currency,
    monthlyUnitMinor: line.unitPrice.monthlyUnitMinor,
    billingFrequency: line.billingFrequency,
    licenses: line.licenses,
  };
}

/**
 * What the page's script (shared/offer-page/live-totals.ts) needs of an option: its term, and when
 * priced its monthly unit in minor units, the months one bill covers, the currency, the unit price
 * in words and the line total's words with {count} and {amount} left to fill in.
 */
function optionData(option: LineTermOption, locale: Locale, text: PageText): SafeHtml {
  const price = option.unitPrice;
  if (price === undefined) return html` data-term="${option.term}"`;
  const months = price.billingPeriodMonths;
  return html` data-term="${option.term}" data-minor="${price.monthlyUnitMinor}" data-months="${months}" data-currency="${price.currency}" data-unit="${unitPriceText(price, locale, text)}" data-one="${text.lineTotal('{count}', true, '{amount}', months)}" data-other="${text.lineTotal('{count}', false, '{amount}', months)}"`;
}

/**
 * The unit price and line total of a line, or "price shown at checkout". `live`: the option shown,
 * for the page's script, on a line whose term is fixed.
 */
export function lineCost(line: ShownLine, locale: Locale, text: PageText, id: string, live?: LineTermOption): SafeHtml {
  const price = line.unitPrice;
  const data = live ? optionData(live, locale, text) : '';
  if (price === undefined) return html`<p class="price unpriced" id="${id}"${data}>${text.priceAtCheckout}</p>`;
  const total =
    line.licenses === undefined
      ? ''
      : text.lineTotal(
          formatNumber(locale, line.licenses),
          line.licenses === 1,
          formatMoney(
            {
              amountMinor: lineTotal(pricedLine({ ...line, unitPrice: price, licenses: line.licenses }))
                .perBillingPeriodMinor,
              currency: price.currency,
            },
            locale,
          ),
          price.billingPeriodMonths,
        );
  return html`<p class="price" id="${id}"${data}>${unitPriceText(price, locale, text)}${total ? html`<br><span class="line-total">${total}</span>` : ''}</p>`;
}

/**
 * Whether the offer page can carry the live totals: some option of some line is priced, all priced
 * options in one currency (the script adds in one).
 */
export function canShowLiveTotals(lines: readonly OfferLine[]): boolean {
  const options = lines.flatMap((line) => [ownOption(line), ...(line.choices ?? [])]);
  const currencies = new Set(options.flatMap((option) => (option.unitPrice ? [option.unitPrice.currency] : [])));
  return currencies.size === 1;
}

const hiddenUnless = (shown: boolean): SafeHtml => (shown ? html`` : html` hidden`);

/**
 * The totals per month and per year of the priced lines, one block per currency (an offer's lines
 * share their market's currency; the grouping only keeps a mixed list from adding up wrongly).
 * Nothing when no line has a price; a request to correct the counts while one is not valid.
 * `live`: the page carries the script, so every part it may show is rendered, hidden where it does
 * not apply yet (the caller checked canShowLiveTotals).
 */
export function costSummary(lines: readonly ShownLine[], locale: Locale, text: PageText, live = false): SafeHtml {
  const priced = lines.filter((line) => line.unitPrice !== undefined);
  if (priced.length === 0 && !live) return html``;
  const invalid = priced.some((line) => line.licenses === undefined);
  const partial = priced.length < lines.length;
  const monthlyTerm = priced.some((line) => line.term === 'P1M');
  const currencies = [...new Set(priced.map((line) => line.unitPrice?.currency ?? ''))];
  const blocks = invalid
    ? []
    : currencies.map((currency) => {
        const sum = totals(
          priced
            .filter((line) => line.unitPrice?.currency === currency)
            .map((line) => pricedLine(line as ShownLine & { unitPrice: LinePrice; licenses: number })),
          currency,
        );
        return html`<dl class="totals" data-currency="${currency}">
<dt>${text.totalPerMonth}</dt><dd class="total-month">${formatMoney({ amountMinor: sum.perMonthMinor, currency }, locale)}</dd>
<dt>${text.totalPerYear}</dt><dd class="total-year">${formatMoney({ amountMinor: sum.perYearMinor, currency }, locale)}</dd>
</dl>`;
      });
  if (live && blocks.length === 0) {
    blocks.push(html`<dl class="totals" hidden>
<dt>${text.totalPerMonth}</dt><dd class="total-month"></dd>
<dt>${text.totalPerYear}</dt><dd class="total-year"></dd>
</dl>`);
  }
  const note = (name: string, words: string, shown: boolean): SafeHtml | '' =>
    shown || live ? html`<p class="hint ${name}"${hiddenUnless(shown)}>${words}</p>` : '';
  // Live totals change as the customer types: screen readers hear the new totals when they pause.
  const attributes = live
    ? html` aria-live="polite" data-unpriced="${text.priceAtCheckout}"${hiddenUnless(priced.length > 0)}`
    : html``;
  return html`<section class="cost" aria-labelledby="cost-heading"${attributes}><h2 id="cost-heading">${text.totalsHeading}</h2>
${blocks}
${note('totals-invalid', text.totalsNeedValidCounts, invalid)}
${invalid && !live ? '' : html`<p class="hint">${text.totalsNote}</p>`}
${invalid && !live ? '' : note('totals-partial', text.totalsPartial, partial)}${invalid && !live ? '' : note('totals-monthly-term', text.totalsMonthlyTerm, monthlyTerm && !invalid)}</section>`;
}

/**
 * The commitment clock of each term the lines are on (in line order, each once), as if bought at
 * `now`: until when licenses can be reduced or cancelled, in the usage location's zone, and the
 * term's last day (a UTC calendar date, as the vendor gives it). `otherTerms`: terms the customer
 * may still pick, rendered hidden for the page's script to show. `lead`: the words before the
 * list, "If you buy today:" unless the caller dates the clock from another moment.
 */
export function commitmentSummary(
  terms: readonly CommitmentTerm[],
  now: Date,
  locale: Locale,
  usageLocation: string,
  text: PageText,
  otherTerms: readonly CommitmentTerm[] = [],
  lead: string = text.commitmentIfToday,
): SafeHtml {
  const distinct = [...new Set([...terms, ...otherTerms])];
  if (distinct.length === 0) return html``;
  const days = formatNumber(locale, CANCELLATION_WINDOW_HOURS / 24);
  const hours = formatNumber(locale, CANCELLATION_WINDOW_HOURS);
  const items = distinct.map((term) => {
    const clock = commitmentClock(term, now);
    const until = formatDateTime(locale, clock.reduceOrCancelUntil.toISOString(), usageLocation);
    return html`<li data-term="${term}"${hiddenUnless(terms.includes(term))}>${text.commitmentClock(term, days, hours, until, formatCalendarDate(locale, clock.termEnd))}</li>`;
  });
  return html`<section class="commitment" aria-labelledby="commitment-heading"><h2 id="commitment-heading">${text.commitmentHeading}</h2>
<p>${lead}</p>
<ul>${items}</ul></section>`;
}

/** The notes of the vendor quantity rules a SKU counts towards (the Business-family cap). */
export function quantityRuleNotes(sku: string, locale: Locale, text: PageText): string[] {
  return QUANTITY_RULES.filter((rule) => rule.skus.includes(sku)).map((rule) =>
    text.quantityRule[rule.id](formatNumber(locale, rule.maxTotalLicenses)),
  );
}

/**
 * The term choice of line `index` as radio buttons (each option with its unit price), the chosen
 * one checked, with `error` under them; or, for a line without choices, its term and billing in words.
 */
export function termPart(
  line: OfferLine,
  index: number,
  chosen: LineTermOption,
  locale: Locale,
  text: PageText,
  error?: string,
  live = false,
): SafeHtml {
  if (!hasTermChoice(line)) {
    return html`<p class="term">${termText(chosen.term, chosen.billingFrequency, text)}</p>`;
  }
  const choices = line.choices;
  const name = findSubscription(line.sku)?.name ?? line.sku;
  const chosenValue = termChoiceValue(chosen);
  const options = choices.map((option, k) => {
    const value = termChoiceValue(option);
    const price = option.unitPrice ? unitPriceText(option.unitPrice, locale, text) : text.priceAtCheckout;
    return html`<label class="choice"><input type="radio" id="term-${index}-${k}" name="${termFieldName(index)}" value="${value}"${value === chosenValue ? html` checked` : ''}${error ? html` aria-invalid="true"` : ''}${live ? optionData(option, locale, text) : ''}> ${termText(option.term, option.billingFrequency, text)}: ${price}</label>`;
  });
  const errorId = `term-${index}-error`;
  return html`<fieldset class="term-choice"${error ? html` aria-describedby="${errorId}"` : ''}><legend>${text.termChoiceLegend(name)}</legend>
${options}
${error ? html`<p class="error" id="${errorId}">${error}</p>` : ''}</fieldset>`;
}
