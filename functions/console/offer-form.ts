import type * as z from 'zod/mini';
import {
  findSubscription,
  isUsageLocation,
  listUsageLocations,
  subscriptionsFor,
} from '../../shared/catalog/catalog.ts';
import type { Subscription } from '../../shared/catalog/catalog-data.ts';
import { formatMoney } from '../../shared/catalog/money.ts';
import { priceOptions } from '../../shared/catalog/price-lists.ts';
import { billingFrequenciesFor, DEFAULT_TERM, termsFor } from '../../shared/catalog/terms.ts';
import { type PricedLine, totals } from '../../shared/catalog/totals.ts';
import type { DomainError } from '../../shared/domain/errors.ts';
import { MAX_OFFER_LIFETIME_DAYS } from '../../shared/domain/offer.ts';
import type { Office } from '../../shared/domain/office.ts';
import { fieldOf } from '../../shared/http/problem.ts';
import { toFieldErrors } from '../../shared/http/validation.ts';
import { formatDateTime, timeZoneFor } from '../../shared/i18n/format.ts';
import { LOCALES, type Locale } from '../../shared/i18n/locale.ts';
import { PAGE_TEXT, termText } from '../../shared/offer-page/page-text.ts';
import { html, type SafeHtml } from '../../shared/render/html.ts';
import {
  type CreateOfferBody,
  createOfferBody,
  MAX_ACCEPTANCES_LIMIT,
  TEXT_LIMITS,
} from '../../shared/schemas/offers.ts';
import { OFFER_FORM_TEXT, type OfferFormText, type RuleContext } from './offer-form-text.ts';

/**
 * Page 1 of the create wizard ("Select options") as a plain HTML form, and the two ways it meets
 * the domain: the form's fields become POST /v1/offers's body (checked by the same zod schema, then
 * by the same OfferCreateService), and the API's broken rules (zod issues, domain violations) come
 * back as messages next to the fields that caused them. Nothing here decides a business rule.
 *
 * Field names are flat and unique (the console reads a form as one value per name):
 * `officeId`, `usageLocation`, `shownLocation` (the location the subscriptions were listed for),
 * per subscription `include.<SKU>`, `licenses.<SKU>`, `term.<SKU>` (`P1Y/annual`) and
 * `choice.<SKU>.<term>.<billing>`, then `delegatedAdmin`, `locale`, `logoUrl`, `intro`, `closing`,
 * `contactName`, `contactEmail`, `contactPhone`, `expiresOn` (a date), `maxAcceptances`,
 * `reference`, `requireCustomerAgreement`, and `idempotencyKey` (one per rendered form).
 */

/** The form's fields as posted (or as prefilled), one value per name. */
export type FormValues = Readonly<Record<string, string>>;

/** Messages by field name, in the console's language, and one for the form as a whole. */
export interface FormErrors {
  readonly fields: Readonly<Record<string, string>>;
  readonly form?: string;
}

export const NO_ERRORS: FormErrors = { fields: {} };

const CHECKED = 'yes';

/** A console path in the page's language (`?lang=` only where it is not the default). */
export const localized = (path: string, locale: Locale) =>
  locale === 'en' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${encodeURIComponent(locale)}`;

const TERM_SEPARATOR = '/';
/** The group of a subscription's extra term choices, for errors about them. */
const choicesField = (sku: string) => `choices.${sku}`;

/** `licenses.M365_BUSINESS_BASIC` → `licenses-M365_BUSINESS_BASIC`: ids are the names, dots made dashes. */
export const fieldId = (name: string) => name.replaceAll('.', '-');

/** The SKUs ticked in the form, in the order the form lists them: item i of the body is SKU i here. */
export function chosenSkus(values: FormValues): string[] {
  return Object.keys(values)
    .filter((name) => name.startsWith('include.') && values[name] === CHECKED)
    .map((name) => name.slice('include.'.length));
}

/** A count as typed: a whole number, absent when empty, and anything else as typed (the schema names it). */
function countOf(value: string | undefined): number | string | undefined {
  const typed = value?.trim() ?? '';
  if (typed === '') return undefined;
  return /^\d{1,15}$/.test(typed) ? Number(typed) : typed;
}

const textOf = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;
const trimmedOf = (value: string | undefined): string | undefined => textOf(value?.trim());

/** The UTC offset of `timeZone` at `at`, as ISO 8601 writes it: `-03:00`, `+00:00`. */
function zoneOffset(timeZone: string, at: Date): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/**
 * A "valid until" date as the API's `expiresAt`: the end of that day (23:59:59) in the usage
 * location's time zone (UTC where we know none). Anything that is not a calendar date is passed as
 * typed, so the schema refuses it with its own rule.
 */
export function expiryOf(date: string | undefined, usageLocation: string | undefined): string | undefined {
  const typed = trimmedOf(date);
  if (typed === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(typed) || Number.isNaN(Date.parse(`${typed}T00:00:00Z`))) return typed;
  const zone = timeZoneFor(usageLocation ?? '');
  return `${typed}T23:59:59${zoneOffset(zone, new Date(`${typed}T23:59:59Z`))}`;
}

/**
 * The form as POST /v1/offers's body, before validation: empty optional fields left out, counts as
 * numbers when they are whole numbers (as typed otherwise), checkboxes as booleans. Item i is the
 * i-th SKU of `chosenSkus(values)`.
 */
export function formToCreateBody(values: FormValues): Record<string, unknown> {
  const items = chosenSkus(values).map((sku) => {
    // Everything after the first separator is the billing frequency: a forged `P1Y/annual/x` is
    // then refused as a billing frequency, not taken for `P1Y/annual`.
    const [term, ...billing] = (values[`term.${sku}`] ?? '').split(TERM_SEPARATOR);
    const billingFrequency = billing.join(TERM_SEPARATOR);
    const prefix = `choice.${sku}.`;
    const termChoices = Object.keys(values)
      .filter((name) => name.startsWith(prefix) && values[name] === CHECKED)
      .map((name) => {
        const [choiceTerm, choiceBilling] = name.slice(prefix.length).split('.');
        return { term: choiceTerm, ...(choiceBilling ? { billingFrequency: choiceBilling } : {}) };
      });
    return {
      sku,
      licenses: countOf(values[`licenses.${sku}`]),
      ...(term ? { term } : {}),
      ...(billingFrequency ? { billingFrequency } : {}),
      ...(termChoices.length > 0 ? { termChoices } : {}),
    };
  });
  const contactName = textOf(values.contactName);
  const contactEmail = trimmedOf(values.contactEmail);
  const contactPhone = trimmedOf(values.contactPhone);
  const contact =
    contactName !== undefined || contactEmail !== undefined || contactPhone !== undefined
      ? { name: contactName, email: contactEmail, ...(contactPhone !== undefined ? { phone: contactPhone } : {}) }
      : undefined;
  const customization = {
    ...(trimmedOf(values.logoUrl) !== undefined ? { logoUrl: trimmedOf(values.logoUrl) } : {}),
    ...(textOf(values.intro) !== undefined ? { intro: textOf(values.intro) } : {}),
    ...(textOf(values.closing) !== undefined ? { closing: textOf(values.closing) } : {}),
    ...(contact ? { contact } : {}),
  };
  const expiresAt = expiryOf(values.expiresOn, values.usageLocation);
  const maxAcceptances = countOf(values.maxAcceptances);
  const reference = trimmedOf(values.reference);
  return {
    officeId: textOf(values.officeId),
    usageLocation: textOf(values.usageLocation),
    items,
    delegatedAdmin: values.delegatedAdmin === CHECKED,
    ...(textOf(values.locale) !== undefined ? { locale: values.locale } : {}),
    ...(Object.keys(customization).length > 0 ? { customization } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(maxAcceptances !== undefined ? { maxAcceptances } : {}),
    ...(reference !== undefined ? { reference } : {}),
    ...(values.requireCustomerAgreement === CHECKED ? { requireCustomerAgreement: true } : {}),
  };
}

const BODY_FIELDS: Readonly<Record<string, string>> = {
  'body.officeId': 'officeId',
  'body.usageLocation': 'usageLocation',
  'body.items': 'items',
  'body.delegatedAdmin': 'delegatedAdmin',
  'body.locale': 'locale',
  'body.customization.logoUrl': 'logoUrl',
  'body.customization.intro': 'intro',
  'body.customization.closing': 'closing',
  'body.customization.contact': 'contactName',
  'body.customization.contact.name': 'contactName',
  'body.customization.contact.email': 'contactEmail',
  'body.customization.contact.phone': 'contactPhone',
  'body.expiresAt': 'expiresOn',
  'body.maxAcceptances': 'maxAcceptances',
  'body.reference': 'reference',
  'body.requireCustomerAgreement': 'requireCustomerAgreement',
};
const ITEM_FIELD = /^body\.items\[(\d+)\]\.(sku|licenses|term|billingFrequency|termChoices)\b/;

/**
 * The form field an API field path points at (`body.items[1].licenses` → `licenses.<second SKU>`),
 * or undefined for what no field holds (the idempotency key, the body as a whole).
 */
export function formFieldOf(path: string, skus: readonly string[]): string | undefined {
  const simple = BODY_FIELDS[path];
  if (simple) return simple;
  const item = ITEM_FIELD.exec(path);
  if (!item) return undefined;
  const sku = skus[Number(item[1])];
  if (sku === undefined) return 'items';
  switch (item[2]) {
    case 'sku':
      return `include.${sku}`;
    case 'licenses':
      return `licenses.${sku}`;
    case 'termChoices':
      return choicesField(sku);
    default:
      return path.includes('.termChoices[') ? choicesField(sku) : `term.${sku}`;
  }
}

/** The label a field's messages start with, in the console's language. */
export function labelOf(field: string, text: OfferFormText): string {
  const [kind, sku] = field.split('.') as [string, string | undefined];
  const name = sku ? (findSubscription(sku)?.name ?? sku) : '';
  switch (kind) {
    case 'include':
      return name;
    case 'licenses':
      return `${text.licenseCount} – ${name}`;
    case 'term':
      return `${text.termAndBilling} – ${name}`;
    case 'choices':
      return `${text.moreChoices} – ${name}`;
    case 'officeId':
      return text.office;
    case 'usageLocation':
      return text.usageLocation;
    case 'items':
      return text.subscriptionsLegend('').trim();
    case 'delegatedAdmin':
      return text.delegatedAdmin;
    case 'locale':
      return text.offerLanguage;
    case 'expiresOn':
      return text.expiresOn;
    default:
      return (text as unknown as Record<string, string>)[kind] ?? kind;
  }
}

/** One broken rule, wherever it was found, before it is put into words. */
interface Broken {
  readonly path: string;
  readonly rule: string;
  readonly min?: number;
  readonly max?: number;
  /** The bound is a text's length (characters), not a number's value. */
  readonly length?: boolean;
}

function wordsFor(broken: Broken, field: string, text: OfferFormText): string {
  const label = labelOf(field, text);
  const sku = field.includes('.') ? field.split('.')[1] : undefined;
  const subscription = sku ? findSubscription(sku) : undefined;
  let rule = broken.rule;
  if ((rule === 'too_big' || rule === 'too_small') && broken.length) rule = `${rule}_text`;
  if (rule === 'pattern' && field === 'reference') rule = 'reference_pattern';
  if (rule === 'pattern' && field === 'contactPhone') rule = 'phone_pattern';
  const context: RuleContext = {
    label,
    ...(subscription ? { subscription: subscription.name } : {}),
    ...(rule === 'licenses_out_of_range' && subscription
      ? { min: subscription.minLicenses, max: subscription.maxLicenses }
      : {}),
    ...(rule === 'too_far' ? { max: MAX_OFFER_LIFETIME_DAYS } : {}),
    ...(broken.min !== undefined ? { min: broken.min } : {}),
    ...(broken.max !== undefined ? { max: broken.max } : {}),
  };
  if (rule === 'required' && field === 'officeId') return text.chooseOffice;
  if (rule === 'required' && field === 'usageLocation') return text.chooseUsageLocation;
  const words = text.rules[rule];
  if (words) return words(context);
  return text.fieldInvalid(label);
}

/** The first message per field wins: it is the one to fix first. */
function collect(broken: readonly Broken[], skus: readonly string[], locale: Locale, formError?: string): FormErrors {
  const text = OFFER_FORM_TEXT[locale];
  const fields: Record<string, string> = {};
  let form = formError;
  for (const item of broken) {
    const field = formFieldOf(item.path, skus);
    if (field === undefined) {
      form ??= text.formInvalid;
      continue;
    }
    fields[field] ??= wordsFor(item, field, text);
  }
  return form !== undefined ? { fields, form } : { fields };
}

/** The schema's issues as field errors: the API's rule names, the form's words. */
export function errorsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  skus: readonly string[],
  locale: Locale,
): FormErrors {
  const broken = issues.flatMap((issue) =>
    toFieldErrors('body', [issue]).map(
      (error): Broken => ({
        path: error.field,
        rule: error.rule,
        ...(issue.code === 'too_small' ? { min: Number(issue.minimum), length: issue.origin === 'string' } : {}),
        ...(issue.code === 'too_big' ? { max: Number(issue.maximum), length: issue.origin === 'string' } : {}),
      }),
    ),
  );
  return collect(broken, skus, locale);
}

/**
 * A domain error as field errors (its violations, at the field each names, by the same mapping as
 * the API's problem documents) and, for what no field holds, a message for the whole form.
 */
export function errorsFromDomain(error: DomainError, skus: readonly string[], locale: Locale): FormErrors {
  const text = OFFER_FORM_TEXT[locale];
  const limits = (error.extensions.quantityLimits ?? []) as readonly { rule: string; limit: number }[];
  const broken = error.violations.map((violation): Broken => {
    // The vendor's quantity rules name their cap in the error's extension, not in the violation.
    const limit = limits.find((candidate) => candidate.rule === violation.rule)?.limit;
    return {
      path: fieldOf(violation.at),
      rule: violation.rule,
      ...(limit !== undefined ? { max: limit } : {}),
    };
  });
  const formError =
    error.type === 'idempotency-key-reused'
      ? text.keyReused
      : error.type === 'partner-profile-missing'
        ? text.profileMissing
        : error.type === 'concurrent-request'
          ? text.busy
          : error.type === 'too-many-customers'
            ? text.tooManyCustomers
            : broken.length === 0
              ? text.formInvalid
              : undefined;
  // The key reuse names the idempotency key, which no field shows: the form message says it all.
  return collect(error.type === 'idempotency-key-reused' ? [] : broken, skus, locale, formError);
}

export type ParsedForm =
  | { readonly ok: true; readonly body: CreateOfferBody; readonly skus: readonly string[] }
  | { readonly ok: false; readonly errors: FormErrors; readonly skus: readonly string[] };

/** The form through POST /v1/offers's own schema. */
export function parseOfferForm(values: FormValues, locale: Locale): ParsedForm {
  const skus = chosenSkus(values);
  // As the API validates: with the input reported, so a value of the wrong type is not taken for a missing one.
  const result = createOfferBody.safeParse(formToCreateBody(values), { reportInput: true });
  if (result.success) return { ok: true, body: result.data, skus };
  return { ok: false, errors: errorsFromIssues(result.error.issues, skus, locale), skus };
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** What the form shows besides the values: the partner's offices and profile, where it posts. */
export interface OfferFormContext {
  readonly locale: Locale;
  readonly csrfToken: string;
  /** Where the form posts: `/console/offers/new`, or a revision's path. */
  readonly action: string;
  /** The form's idempotency key: a double submit of this rendering creates one offer. */
  readonly idempotencyKey: string;
  readonly offices: readonly Office[];
  /** When the partner's offices were last known current (ISO 8601), or null before any sync. */
  readonly lastSyncedAt: string | null;
  /** The partner may offer delegated administration. */
  readonly certified: boolean;
  readonly now: Date;
  /** A message above the form (the outcome of a sync, a changed location). */
  readonly notice?: string;
  /** The "sync offices now" button (it posts to /console/offices/sync). Default: shown. */
  readonly sync?: boolean;
  /**
   * The form revises an offer: expiry, maximum acceptances and reference say that leaving them
   * empty keeps the offer's current value (the revision merges what it is not sent).
   */
  readonly revising?: boolean;
  /** The submit button's words. Default: "Create offer and continue". */
  readonly submitLabel?: string;
  /** The heading and step line. Default: the create wizard's. */
  readonly title?: string;
  readonly step?: string;
}

interface InvalidField {
  readonly id: string;
  readonly message: string;
}

function errorText(name: string, errors: FormErrors): SafeHtml {
  const message = errors.fields[name];
  return html`${message ? html`<p class="error" id="${fieldId(name)}-error">${message}</p>` : ''}`;
}

function describedBy(name: string, hint: boolean, errors: FormErrors): SafeHtml {
  const id = fieldId(name);
  const ids = [hint ? `${id}-hint` : '', errors.fields[name] ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${errors.fields[name] ? html` aria-invalid="true"` : ''}`;
}

function textInput(
  name: string,
  label: string,
  values: FormValues,
  errors: FormErrors,
  options: { type?: string; maxLength?: number; hint?: string; autocomplete?: string; optional?: string } = {},
): SafeHtml {
  const id = fieldId(name);
  return html`<div class="field"><label for="${id}">${label}${options.optional ? html` <span class="hint">${options.optional}</span>` : ''}</label>
<input id="${id}" name="${name}" type="${options.type ?? 'text'}"${options.maxLength ? html` maxlength="${String(options.maxLength)}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''} value="${values[name] ?? ''}"${describedBy(name, options.hint !== undefined, errors)}>
${options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : ''}${errorText(name, errors)}</div>`;
}

function textArea(
  name: string,
  label: string,
  maxLength: number,
  hint: string,
  values: FormValues,
  errors: FormErrors,
  optional: string,
): SafeHtml {
  const id = fieldId(name);
  return html`<div class="field"><label for="${id}">${label} <span class="hint">${optional}</span></label>
<textarea id="${id}" name="${name}" rows="4" maxlength="${String(maxLength)}"${describedBy(name, true, errors)}>${values[name] ?? ''}</textarea>
<p class="hint" id="${id}-hint">${hint}</p>${errorText(name, errors)}</div>`;
}

function checkbox(name: string, label: string, values: FormValues, errors: FormErrors, hint?: string): SafeHtml {
  const id = fieldId(name);
  return html`<label class="choice" for="${id}"><input type="checkbox" id="${id}" name="${name}" value="${CHECKED}"${values[name] === CHECKED ? html` checked` : ''}${describedBy(name, hint !== undefined, errors)}> ${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}${errorText(name, errors)}`;
}

/** A price as the customer page writes it, or "price shown at checkout". */
function priceWords(price: ReturnType<typeof priceOptions>[number]['price'], locale: Locale): string {
  const page = PAGE_TEXT[locale];
  if (price.status !== 'priced') return page.priceAtCheckout;
  return page.perLicensePer(
    formatMoney({ amountMinor: price.perBillingPeriodMinor, currency: price.currency }, locale),
    price.billingPeriodMonths,
  );
}

const optionValue = (term: string, billing: string) => `${term}${TERM_SEPARATOR}${billing}`;

/** The option a subscription starts on: one year paid up front where sold, else its first term's first billing. */
function defaultOption(sku: string): string {
  const terms = termsFor(sku);
  const term = terms.includes(DEFAULT_TERM) ? DEFAULT_TERM : terms[0];
  const billing = term ? billingFrequenciesFor(sku, term)[0] : undefined;
  return term && billing ? optionValue(term, billing) : '';
}

function subscriptionLine(
  subscription: Subscription,
  location: string,
  values: FormValues,
  errors: FormErrors,
  locale: Locale,
  text: OfferFormText,
): SafeHtml {
  const page = PAGE_TEXT[locale];
  const sku = subscription.sku;
  const options = priceOptions(location, sku);
  const chosen = values[`term.${sku}`] ?? defaultOption(sku);
  const licensesName = `licenses.${sku}`;
  const termName = `term.${sku}`;
  const others = options.filter((option) => optionValue(option.term, option.billingFrequency) !== chosen);
  const choices = choicesField(sku);
  const choicesOpen =
    others.some((o) => values[`choice.${sku}.${o.term}.${o.billingFrequency}`] === CHECKED) || errors.fields[choices];
  return html`<fieldset class="line" id="${fieldId(`line.${sku}`)}"><legend>${subscription.name}</legend>
${checkbox(`include.${sku}`, text.include, values, errors)}
${subscription.existingSubscribersOnly ? html`<p class="hint">${page.existingSubscribersOnly(subscription.name)}</p>` : ''}
<div class="field"><label for="${fieldId(licensesName)}">${text.licenseCount}</label>
<input id="${fieldId(licensesName)}" name="${licensesName}" type="number" inputmode="numeric" min="${String(subscription.minLicenses)}" max="${String(subscription.maxLicenses)}" step="1" value="${values[licensesName] ?? String(subscription.minLicenses)}"${describedBy(licensesName, true, errors)}>
<p class="hint" id="${fieldId(licensesName)}-hint">${page.licenseRange(subscription.minLicenses, subscription.maxLicenses)}</p>${errorText(licensesName, errors)}</div>
<div class="field"><label for="${fieldId(termName)}">${text.termAndBilling}</label>
<select id="${fieldId(termName)}" name="${termName}"${describedBy(termName, false, errors)}>${options.map((option) => {
    const value = optionValue(option.term, option.billingFrequency);
    const unit =
      option.price.status === 'priced'
        ? html` data-minor="${String(option.price.monthlyUnitMinor)}" data-currency="${option.price.currency}"`
        : '';
    return html`<option value="${value}"${value === chosen ? html` selected` : ''}${unit}>${termText(option.term, option.billingFrequency, page)} – ${priceWords(option.price, locale)}</option>`;
  })}</select>${errorText(termName, errors)}</div>
${
  others.length > 0
    ? html`<details${choicesOpen ? html` open` : ''}><summary>${text.moreChoices}</summary>
<fieldset id="${fieldId(choices)}"${errors.fields[choices] ? html` aria-describedby="${fieldId(choices)}-error"` : ''}><legend>${text.moreChoices}: ${subscription.name}</legend>
<p class="hint">${text.moreChoicesHint}</p>
${others.map((option) =>
  checkbox(
    `choice.${sku}.${option.term}.${option.billingFrequency}`,
    `${termText(option.term, option.billingFrequency, page)} – ${priceWords(option.price, locale)}`,
    values,
    NO_ERRORS,
  ),
)}
${errorText(choices, errors)}</fieldset></details>`
    : ''
}
</fieldset>`;
}

/**
 * The list-price estimate of the subscriptions ticked, for the counts typed, computed here on every
 * round trip (the page needs no script). Every part is rendered, the ones that do not apply hidden,
 * so OFFER_FORM_SCRIPT can update the same markup as the partner types.
 */
function estimate(location: string, values: FormValues, locale: Locale, text: OfferFormText): SafeHtml {
  const page = PAGE_TEXT[locale];
  const lines: PricedLine[] = [];
  let unpriced = false;
  const skus = chosenSkus(values);
  for (const sku of skus) {
    const subscription = findSubscription(sku);
    const licenses = countOf(values[`licenses.${sku}`]);
    const option = priceOptions(location, sku).find(
      (o) => optionValue(o.term, o.billingFrequency) === (values[`term.${sku}`] ?? defaultOption(sku)),
    );
    if (option?.price.status !== 'priced') {
      unpriced = true;
      continue;
    }
    // A count the offer would refuse (out of the subscription's range, or too large to count
    // exactly) adds nothing: its field error says why, and money on it could overflow.
    if (
      !subscription ||
      typeof licenses !== 'number' ||
      !Number.isSafeInteger(licenses) ||
      licenses < subscription.minLicenses ||
      licenses > subscription.maxLicenses
    )
      continue;
    lines.push({
      currency: option.price.currency,
      monthlyUnitMinor: option.price.monthlyUnitMinor,
      billingFrequency: option.billingFrequency,
      licenses,
    });
  }
  const currency = lines[0]?.currency;
  const sum =
    currency !== undefined && lines.every((line) => line.currency === currency) ? totals(lines, currency) : undefined;
  const money = (amountMinor: number | undefined) =>
    sum && amountMinor !== undefined ? formatMoney({ amountMinor, currency: sum.currency }, locale) : '';
  const hidden = (shown: boolean) => (shown ? '' : html` hidden`);
  return html`<div id="estimate" aria-live="polite"><h3>${text.totalsHeading}</h3>
<p class="hint" id="estimate-none"${hidden(skus.length === 0)}>${text.noneChosen}</p>
<p class="hint" id="estimate-checkout"${hidden(skus.length > 0 && sum === undefined)}>${page.priceAtCheckout}</p>
<div id="estimate-totals"${hidden(sum !== undefined)}><dl class="facts"><dt>${page.totalPerMonth}</dt><dd id="estimate-month">${money(sum?.perMonthMinor)}</dd>
<dt>${page.totalPerYear}</dt><dd id="estimate-year">${money(sum?.perYearMinor)}</dd></dl>
<p class="hint">${page.totalsNote} <span id="estimate-partial"${hidden(unpriced)}>${page.totalsPartial}</span></p></div></div>`;
}

/**
 * Page 1's one script (allowed by its hash): recomputes the estimate above as subscriptions are
 * ticked, counts typed and terms chosen, from the unit prices the server put on each term's option
 * (`data-minor`: per license per month, integer minor units; `data-currency`), by the server's rule
 * (per month: unit × licenses, summed; per year: twelve months). Money as on the server: minor units
 * as a decimal string, formatted by Intl.NumberFormat in the page's language. Changes no field.
 */
export const OFFER_FORM_SCRIPT = `(()=>{
const d=document,e=d.getElementById('estimate'),f=e&&e.closest('form');if(!f)return;
const lang=d.documentElement.lang,fm={},show=(id,on)=>{d.getElementById(id).hidden=!on};
const money=(minor,c)=>{const m=fm[c]||(fm[c]=new Intl.NumberFormat(lang,{style:'currency',currency:c}));
const g=m.resolvedOptions().maximumFractionDigits,s=String(minor).padStart(g+1,'0');return m.format(g?s.slice(0,-g)+'.'+s.slice(-g):s)};
const update=()=>{let month=0,cur='',chosen=0,priced=0,unpriced=0;
for(const line of f.querySelectorAll('fieldset.line')){const inc=line.querySelector('input[name^="include."]');if(!inc||!inc.checked)continue;chosen++;
const o=line.querySelector('select').selectedOptions[0],v=line.querySelector('input[type=number]').value.trim();
if(!o||!o.dataset.minor){unpriced++;continue}if(!/^[0-9]{1,9}$/.test(v))continue;
cur=o.dataset.currency;priced++;month+=Number(o.dataset.minor)*Number(v)}
show('estimate-none',chosen===0);show('estimate-checkout',chosen>0&&priced===0);show('estimate-totals',priced>0);show('estimate-partial',unpriced>0);
if(priced>0){d.getElementById('estimate-month').textContent=money(month,cur);d.getElementById('estimate-year').textContent=money(month*12,cur)}};
f.addEventListener('input',update);f.addEventListener('change',update)})();`;

/** At the top of a form with errors, focused on load: what went wrong, with a link to each field. */
export function errorSummary(title: string, formError: string | undefined, invalid: readonly InvalidField[]): SafeHtml {
  return html`<div class="alert" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${title}</h2>
${formError ? html`<p>${formError}</p>` : ''}
${invalid.length > 0 ? html`<ul>${invalid.map((field) => html`<li><a href="#${field.id}">${field.message}</a></li>`)}</ul>` : ''}
</div>`;
}

/** Where each field with an error sits in the page, in page order, for the summary's links. */
function invalidFields(errors: FormErrors, location: string | undefined): InvalidField[] {
  const order = [
    'officeId',
    'usageLocation',
    'items',
    ...(location
      ? subscriptionsFor(location).flatMap((s) => [
          `include.${s.sku}`,
          `licenses.${s.sku}`,
          `term.${s.sku}`,
          choicesField(s.sku),
        ])
      : []),
    'delegatedAdmin',
    'locale',
    'logoUrl',
    'intro',
    'closing',
    'contactName',
    'contactEmail',
    'contactPhone',
    'expiresOn',
    'maxAcceptances',
    'reference',
    'requireCustomerAgreement',
  ];
  const known = new Set(order);
  const named = [...order, ...Object.keys(errors.fields).filter((name) => !known.has(name))];
  return named.flatMap((name) => {
    const message = errors.fields[name];
    if (!message) return [];
    // A subscription not listed for this location has no field of its own: point at the list.
    const listed = !name.includes('.') || order.includes(name);
    return [{ id: listed ? fieldId(name) : 'items', message }];
  });
}

/**
 * Errors about subscriptions the page does not list for this usage location (a form posted with a
 * SKU not sold there): shown at the top of the list, where the summary's link for them points.
 */
function strayErrors(errors: FormErrors, location: string): SafeHtml {
  const listed = new Set(subscriptionsFor(location).map((subscription) => subscription.sku));
  const stray = Object.entries(errors.fields).filter(([name]) => {
    const sku = name.split('.')[1];
    return sku !== undefined && !listed.has(sku);
  });
  return html`${stray.map(([name, message]) => html`<p class="error" id="${fieldId(name)}-error">${message}</p>`)}`;
}

/** The usage location the subscriptions are listed for: the one chosen, when it is one we sell in. */
export function listedLocation(values: FormValues): string | undefined {
  const location = values.usageLocation;
  return location !== undefined && isUsageLocation(location) ? location : undefined;
}

const DAY_MS = 86_400_000;

/**
 * The form of page 1 with its values and errors (heading, error summary, notice, fields, submit).
 * Exported for the revise page, which shows the same form for another action.
 */
export function renderOfferForm(values: FormValues, errors: FormErrors, context: OfferFormContext): SafeHtml {
  const { locale } = context;
  const text = OFFER_FORM_TEXT[locale];
  const location = listedLocation(values);
  const locations = listUsageLocations(locale);
  const locationName = locations.find((l) => l.code === location)?.name ?? location ?? '';
  const invalid = invalidFields(errors, location);
  const hasErrors = invalid.length > 0 || errors.form !== undefined;
  const offices = [...context.offices].sort(
    (a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name, locale),
  );
  const today = context.now.toISOString().slice(0, 10);
  const keeps = context.revising ? ` ${text.emptyKeepsCurrent}` : '';
  const lastDay = new Date(context.now.getTime() + MAX_OFFER_LIFETIME_DAYS * DAY_MS).toISOString().slice(0, 10);
  const officeName = 'officeId';
  const locationField = 'usageLocation';
  const syncForm = context.sync !== false;
  return html`<h1>${context.title ?? text.title}</h1>
<p>${context.step ?? text.step}</p>
${hasErrors ? errorSummary(text.errorSummaryTitle, errors.form, invalid) : ''}
${context.notice ? html`<div class="notice" role="status"><p>${context.notice}</p></div>` : ''}
<p>${text.lead}</p>
${syncForm ? html`<form id="office-sync" method="post" action="/console/offices/sync"><input type="hidden" name="csrf" value="${context.csrfToken}"><input type="hidden" name="lang" value="${locale}"></form>` : ''}
<form method="post" action="${context.action}">
<input type="hidden" name="csrf" value="${context.csrfToken}">
<input type="hidden" name="lang" value="${locale}">
<input type="hidden" name="idempotencyKey" value="${context.idempotencyKey}">
<input type="hidden" name="shownLocation" value="${location ?? ''}">
<fieldset><legend>${text.officeLegend}</legend>
<div class="field"><label for="${fieldId(officeName)}">${text.office}</label>
<select id="${fieldId(officeName)}" name="${officeName}" required${describedBy(officeName, true, errors)}>
<option value="">${text.chooseOffice}</option>
${offices.map((office) => html`<option value="${office.officeId}"${values.officeId === office.officeId ? html` selected` : ''}${office.active ? '' : html` disabled`}>${office.active ? `${office.name} – ${office.city}` : text.inactiveOffice(`${office.name} – ${office.city}`)}</option>`)}
</select>
<p class="hint" id="${fieldId(officeName)}-hint">${offices.length === 0 ? html`${text.noOffices} ` : ''}${text.officeHint} ${context.lastSyncedAt ? text.lastSynced(formatDateTime(locale, context.lastSyncedAt, location ?? '')) : text.neverSynced}</p>
${errorText(officeName, errors)}</div>
${syncForm ? html`<p><button type="submit" form="office-sync" class="secondary" aria-describedby="sync-hint">${text.syncNow}</button></p><p class="hint" id="sync-hint">${text.syncHint}</p>` : ''}
</fieldset>
<fieldset><legend>${text.usageLocationLegend}</legend>
<div class="field"><label for="${fieldId(locationField)}">${text.usageLocation}</label>
<select id="${fieldId(locationField)}" name="${locationField}" required${describedBy(locationField, true, errors)}>
<option value="">${text.chooseUsageLocation}</option>
${locations.map((l) => html`<option value="${l.code}"${values.usageLocation === l.code ? html` selected` : ''}>${l.name}</option>`)}
</select>
<p class="hint" id="${fieldId(locationField)}-hint">${text.usageLocationHint}</p>
${errorText(locationField, errors)}</div>
<button type="submit" name="action" value="choose" class="secondary" formnovalidate>${text.showSubscriptions}</button>
</fieldset>
<fieldset id="items"${errors.fields.items ? html` aria-describedby="items-error"` : ''}><legend>${location ? text.subscriptionsLegend(locationName) : text.subscriptionsLegend('…')}</legend>
${
  location
    ? html`<p class="hint">${text.subscriptionsHint}</p>${errorText('items', errors)}
${strayErrors(errors, location)}
${subscriptionsFor(location).map((s) => subscriptionLine(s, location, values, errors, locale, text))}
${estimate(location, values, locale, text)}`
    : html`<p>${text.pickLocationFirst}</p>${errorText('items', errors)}`
}
</fieldset>
<fieldset><legend>${text.delegatedAdminLegend}</legend>
${context.certified ? checkbox('delegatedAdmin', text.delegatedAdmin, values, errors, text.delegatedAdminHint) : html`<p id="delegatedAdmin">${text.notCertified}</p>${errorText('delegatedAdmin', errors)}`}
</fieldset>
<fieldset><legend>${text.messageLegend}</legend>
<div class="field"><label for="locale">${text.offerLanguage}</label>
<select id="locale" name="locale"${describedBy('locale', true, errors)}>${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${(values.locale ?? locale) === l ? html` selected` : ''}>${text.languageNames[l]}</option>`)}</select>
<p class="hint" id="locale-hint">${text.offerLanguageHint}</p>${errorText('locale', errors)}</div>
${textInput('logoUrl', text.logoUrl, values, errors, { type: 'url', maxLength: TEXT_LIMITS.logoUrl, hint: text.logoUrlHint, optional: text.optional })}
${textArea('intro', text.intro, TEXT_LIMITS.intro, text.introHint, values, errors, text.optional)}
${textArea('closing', text.closing, TEXT_LIMITS.closing, text.closingHint, values, errors, text.optional)}
<p class="hint" id="contact-hint">${text.contactHint}</p>
${textInput('contactName', text.contactName, values, errors, { maxLength: TEXT_LIMITS.contactName, autocomplete: 'name', optional: text.optional })}
${textInput('contactEmail', text.contactEmail, values, errors, { type: 'email', maxLength: TEXT_LIMITS.email, autocomplete: 'email', optional: text.optional })}
${textInput('contactPhone', text.contactPhone, values, errors, { type: 'tel', maxLength: TEXT_LIMITS.phone, autocomplete: 'tel', optional: text.optional })}
</fieldset>
<fieldset><legend>${text.limitsLegend}</legend>
<div class="field"><label for="expiresOn">${text.expiresOn} <span class="hint">${text.optional}</span></label>
<input id="expiresOn" name="expiresOn" type="date" min="${today}" max="${lastDay}" value="${values.expiresOn ?? ''}"${describedBy('expiresOn', true, errors)}>
<p class="hint" id="expiresOn-hint">${text.expiresOnHint(MAX_OFFER_LIFETIME_DAYS)}${keeps}</p>${errorText('expiresOn', errors)}</div>
<div class="field"><label for="maxAcceptances">${text.maxAcceptances} <span class="hint">${text.optional}</span></label>
<input id="maxAcceptances" name="maxAcceptances" type="number" inputmode="numeric" min="1" max="${String(MAX_ACCEPTANCES_LIMIT)}" step="1" value="${values.maxAcceptances ?? ''}"${describedBy('maxAcceptances', true, errors)}>
<p class="hint" id="maxAcceptances-hint">${text.maxAcceptancesHint(MAX_ACCEPTANCES_LIMIT)}${keeps}</p>${errorText('maxAcceptances', errors)}</div>
${textInput('reference', text.reference, values, errors, { maxLength: TEXT_LIMITS.reference, hint: `${text.referenceHint}${keeps}`, optional: text.optional, autocomplete: 'off' })}
${checkbox('requireCustomerAgreement', text.requireAgreement, values, errors, text.requireAgreementHint)}
</fieldset>
<button type="submit" name="action" value="create">${context.submitLabel ?? text.create}</button>
</form>`;
}

/** The first values of a new form: the office when there is only one, and its country as the usage location. */
export function initialValues(offices: readonly Office[], locale: Locale): FormValues {
  const active = offices.filter((office) => office.active);
  const only = active.length === 1 ? active[0] : undefined;
  return {
    locale,
    ...(only ? { officeId: only.officeId } : {}),
    ...(only && isUsageLocation(only.country) ? { usageLocation: only.country } : {}),
  };
}
