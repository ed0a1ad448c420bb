import { findSubscription } from '../../shared/catalog/catalog.ts';
import { MICROSOFT_CUSTOMER_AGREEMENT } from '../../shared/catalog/customer-agreement.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import { lineTerm, type Offer, type OfferStatus, offerContact, offerLogoUrl } from '../../shared/domain/offer.ts';
import { formatDateTime, formatNumber } from '../../shared/i18n/format.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { layout } from '../../shared/offer-page/layout.ts';
import { offerPath } from '../../shared/offer-page/links.ts';
import { liveTotalsScript } from '../../shared/offer-page/live-totals.ts';
import { PAGE_TEXT, type PageText, termText } from '../../shared/offer-page/page-text.ts';
import { disclosures } from '../../shared/render/disclosures.ts';
import { html, type SafeHtml } from '../../shared/render/html.ts';
import { ACCEPT_FIELD_LIMITS, AGREEMENT_FIELD, hasTermChoice, termFieldName } from './form.ts';
import { FORM_TEXT, type FormText } from './form-text.ts';
import {
  canShowLiveTotals,
  chosenOption,
  commitmentSummary,
  costSummary,
  lineCost,
  postedCount,
  quantityRuleNotes,
  type ShownLine,
  termPart,
} from './pricing-view.ts';

/** Form values as the customer typed them, and the errors to show next to each field. */
export interface FormState {
  readonly values: Record<string, string>;
  readonly errors: Record<string, string>;
}

const EMPTY_FORM: FormState = { values: {}, errors: {} };

function fieldError(id: string, message: string | undefined): SafeHtml {
  return html`${message ? html`<p class="error" id="${id}-error">${message}</p>` : ''}`;
}

function describedBy(id: string, hasHint: boolean, error: string | undefined): string {
  return [hasHint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

function textField(
  id: string,
  name: string,
  label: string,
  type: 'text' | 'email' | 'tel',
  autocomplete: string,
  maxLength: number,
  form: FormState,
  required = true,
): SafeHtml {
  const error = form.errors[name];
  const aria = describedBy(id, false, error);
  return html`<div class="field"><label for="${id}">${label}</label>
<input id="${id}" name="${name}" type="${type}" autocomplete="${autocomplete}" maxlength="${maxLength}"${required ? html` required` : ''} value="${form.values[name] ?? ''}"${error ? html` aria-invalid="true"` : ''}${aria ? html` aria-describedby="${aria}"` : ''}>
${fieldError(id, error)}</div>`;
}

/**
 * The required checkbox of an offer that asks the customer to accept the vendor's customer
 * agreement; it links to the agreement's address from the catalog data, never from input.
 */
function agreementChoice(form: FormState, words: FormText): SafeHtml {
  const error = form.errors[AGREEMENT_FIELD];
  const aria = describedBy('customer-agreement', true, error);
  return html`<fieldset class="agreement">
<legend>${words.agreementLegend}</legend>
<label class="choice"><input type="checkbox" id="customer-agreement" name="${AGREEMENT_FIELD}" value="yes" required${form.values[AGREEMENT_FIELD] === 'yes' ? html` checked` : ''}${error ? html` aria-invalid="true"` : ''} aria-describedby="${aria}"> ${words.agreementBefore}<a href="${MICROSOFT_CUSTOMER_AGREEMENT.url}" rel="noopener noreferrer" target="_blank">${words.agreementName}</a>${words.agreementAfter}</label>
<p class="hint" id="customer-agreement-hint">${words.agreementHint}</p>
${fieldError('customer-agreement', error)}
</fieldset>`;
}

/**
 * The language switch links to the offer page itself (absolute path): the same page may be the
 * answer to a POST to /o/{code}/accept, where a relative `?lang=` would point at the form action.
 * `before` goes above the heading (the error summary).
 */
function partnerHeader(
  offer: Offer,
  locale: Locale,
  text: PageText,
  title: string,
  before?: SafeHtml,
  switchPath = `/o/${offer.summaryId}`,
): SafeHtml {
  const logo = offerLogoUrl(offer);
  const otherLocale: Locale = locale === 'en' ? 'pt-BR' : 'en';
  return html`<header>
${logo ? html`<img src="${logo}" alt="${offer.partner.name}">` : ''}
<a class="lang" href="${switchPath}?lang=${otherLocale}" hreflang="${otherLocale}" lang="${otherLocale}">${text.switchLanguage}</a>
</header>
${before ?? ''}<h1>${title}</h1>`;
}

/** Text the partner wrote is in the offer's language, which the page's may not be. */
function partnerLang(offer: Offer, locale: Locale): SafeHtml {
  return offer.locale === locale ? html`` : html` lang="${offer.locale}"`;
}

function contactFooter(offer: Offer, text: PageText): SafeHtml {
  const contact = offerContact(offer);
  // Phone numbers were checked to be digits, spaces, ( ) . - and a leading +; the link keeps + and digits.
  const phone = contact.phone
    ? html`<br><a href="tel:${contact.phone.replace(/[^\d+]/g, '')}">${contact.phone}</a>`
    : '';
  return html`<footer>
<h2>${text.contactHeading}</h2>
<p>${offer.partner.name}<br>${contact.name}<br><a href="mailto:${contact.email}">${contact.email}</a>${phone}</p>
<p>${text.offerRef(offer.summaryId)}</p>
</footer>`;
}

/**
 * At the top of a page whose form has errors: what went wrong for the whole form, and a link to
 * each invalid field. Focused on load (no script needed), so the keyboard and screen readers start here.
 */
function errorSummary(text: PageText, formError: string | undefined, invalid: readonly InvalidField[]): SafeHtml {
  return html`<div class="alert" role="alert" tabindex="-1" autofocus aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${text.errorSummaryTitle}</h2>
${formError ? html`<p>${formError}</p>` : ''}
${invalid.length > 0 ? html`<ul>${invalid.map((field) => html`<li><a href="#${field.id}">${field.label}: ${field.message}</a></li>`)}</ul>` : ''}
</div>
`;
}

interface InvalidField {
  readonly id: string;
  readonly label: string;
  readonly message: string;
}

export interface OfferPageInput {
  readonly offer: Offer;
  readonly locale: Locale;
  /** The server-issued submission token both forms carry (shared/offer-page/submission-token.ts). */
  readonly submissionToken: string;
  readonly form?: FormState;
  readonly formError?: string;
  /** The form posted was the decline form: its section opens, whatever the errors. */
  readonly declining?: boolean;
  /** "If purchased now": the instant the commitment clock starts from (defaults to the current time). */
  readonly now?: Date;
}

export function offerPage({
  offer,
  locale,
  submissionToken,
  form = EMPTY_FORM,
  formError,
  declining = false,
  now = new Date(),
}: OfferPageInput): string {
  const text = PAGE_TEXT[locale];
  const partner = offer.partner.name;
  const contact = offerContact(offer);
  // In page order, so the summary lists the fields as the customer meets them.
  const invalid: InvalidField[] = [];
  const check = (name: string, id: string, label: string) => {
    const message = form.errors[name];
    if (message) invalid.push({ id, label, message });
  };
  // Prices, totals and the commitment follow what the form holds: the posted counts and term
  // choices when it came back with errors, the offer's own otherwise.
  const shown: ShownLine[] = [];
  // Totals that follow the counts as they are typed: only where there is a price to add up.
  const live = canShowLiveTotals(offer.items);
  const items = offer.items.map((item, index) => {
    const subscription = findSubscription(item.sku);
    const min = subscription?.minLicenses ?? 1;
    const max = subscription?.maxLicenses ?? item.licenses;
    const id = `licenses-${item.sku}`;
    const name = `licenses.${item.sku}`;
    const error = form.errors[name];
    const label = text.licensesFor(subscription?.name ?? item.sku);
    check(name, id, label);
    const chosen = chosenOption(item, form.values[termFieldName(index)]);
    const line: ShownLine = {
      sku: item.sku,
      term: chosen.term,
      billingFrequency: chosen.billingFrequency,
      ...(chosen.unitPrice ? { unitPrice: chosen.unitPrice } : {}),
      licenses: postedCount(form.values[name], item.licenses, min, max),
    };
    shown.push(line);
    // Read out with the field, so nobody accepts licenses their organisation cannot buy.
    const existingOnly = subscription?.existingSubscribersOnly === true;
    const rules = quantityRuleNotes(item.sku, locale, text);
    const describedByIds = [
      describedBy(id, true, error),
      existingOnly ? `${id}-note` : '',
      rules.length > 0 ? `${id}-rule` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return html`<div class="line"><div class="field"><label for="${id}">${label}</label>
<input id="${id}" name="${name}" type="number" inputmode="numeric" min="${min}" max="${max}" step="1" required value="${form.values[name] ?? String(item.licenses)}" aria-describedby="${describedByIds}"${error ? html` aria-invalid="true"` : ''}>
<p class="hint" id="${id}-hint">${text.licenseRange(min, max)}</p>
${existingOnly ? html`<p class="hint existing-only" id="${id}-note">${text.existingSubscribersOnly(subscription.name)}</p>` : ''}
${rules.length > 0 ? html`<p class="hint quantity-rule" id="${id}-rule">${rules.join(' ')}</p>` : ''}
${fieldError(id, error)}</div>
${termPart(item, index, chosen, locale, text, form.errors[termFieldName(index)], live)}
${lineCost(line, locale, text, `${id}-price`, live ? chosen : undefined)}</div>`;
  });
  const notes = disclosures(locale, { partnerName: partner, contact, delegatedAdmin: offer.delegatedAdmin });
  const words = FORM_TEXT[locale];
  // A term error only comes from a forged value (the radios offer only the line's choices).
  for (const [index, item] of offer.items.entries()) {
    const name = findSubscription(item.sku)?.name ?? item.sku;
    if (hasTermChoice(item)) check(termFieldName(index), `term-${index}-0`, text.termChoiceLegend(name));
  }
  check('company', 'company', text.companyName);
  check('firstName', 'first-name', words.firstName);
  check('lastName', 'last-name', words.lastName);
  check('email', 'email', text.email);
  check('phone', 'phone', words.phone);
  check('jobTitle', 'job-title', words.jobTitle);
  check('purchaseOrder', 'purchase-order', words.purchaseOrder);
  const daError = form.errors.delegatedAdmin;
  if (offer.delegatedAdmin) check('delegatedAdmin', 'delegated-admin', text.delegatedAdminLegend);
  if (offer.requireCustomerAgreement) check(AGREEMENT_FIELD, 'customer-agreement', words.agreementLegend);
  check('reason', 'reason', text.declineReason);
  const hasErrors = formError !== undefined || invalid.length > 0;
  const title = text.offerTitle(partner);
  const daInvalid = daError ? html` aria-invalid="true"` : '';
  const daChoice = offer.delegatedAdmin
    ? html`<fieldset${daError ? html` aria-describedby="delegated-admin-error"` : ''}>
<legend>${text.delegatedAdminLegend}</legend>
<p>${notes.find((note) => note.id === 'delegated-admin')?.text}</p>
<label class="choice"><input type="radio" id="delegated-admin" name="delegatedAdmin" value="yes" required${form.values.delegatedAdmin === 'yes' ? html` checked` : ''}${daInvalid}> ${text.delegatedAdminYes}</label>
<label class="choice"><input type="radio" name="delegatedAdmin" value="no"${form.values.delegatedAdmin === 'no' ? html` checked` : ''}${daInvalid}> ${text.delegatedAdminNo}</label>
${fieldError('delegated-admin', daError)}
</fieldset>`
    : '';
  const action = (verb: string) => `/o/${offer.summaryId}/${verb}`;

  return layout(
    locale,
    hasErrors ? text.titleWithErrors(title) : title,
    html`${partnerHeader(offer, locale, text, title, hasErrors ? errorSummary(text, formError, invalid) : undefined)}
<p>${text.offerLead(partner)}</p>
${offer.expiresAt ? html`<p class="expires">${text.validUntil(formatDateTime(locale, offer.expiresAt, offer.usageLocation))}</p>` : ''}
${offer.customization.intro ? html`<p class="intro"${partnerLang(offer, locale)}>${offer.customization.intro}</p>` : ''}
<form method="post" action="${action('accept')}"${live ? html` data-live-totals` : ''}>
<input type="hidden" name="submission" value="${submissionToken}">
<input type="hidden" name="lang" value="${locale}">
<h2>${text.subscriptions}</h2>
${items}
${costSummary(shown, locale, text, live)}
${commitmentSummary(
  shown.map((line) => line.term),
  now,
  locale,
  offer.usageLocation,
  text,
  live ? offer.items.flatMap((item) => (item.choices ?? []).map((option) => option.term)) : [],
)}
<h2>${text.yourDetails}</h2>
${textField('company', 'company', text.companyName, 'text', 'organization', ACCEPT_FIELD_LIMITS.company, form)}
${textField('first-name', 'firstName', words.firstName, 'text', 'given-name', ACCEPT_FIELD_LIMITS.firstName, form)}
${textField('last-name', 'lastName', words.lastName, 'text', 'family-name', ACCEPT_FIELD_LIMITS.lastName, form)}
${textField('email', 'email', text.email, 'email', 'email', 254, form)}
${textField('phone', 'phone', words.phone, 'tel', 'tel', ACCEPT_FIELD_LIMITS.phone, form, false)}
${textField('job-title', 'jobTitle', words.jobTitle, 'text', 'organization-title', ACCEPT_FIELD_LIMITS.jobTitle, form, false)}
${textField('purchase-order', 'purchaseOrder', words.purchaseOrder, 'text', 'off', ACCEPT_FIELD_LIMITS.purchaseOrder, form, false)}
${daChoice}
<h2>${text.beforeYouAccept}</h2>
<ul class="disclosures">${notes.filter((n) => n.id !== 'delegated-admin').map((n) => html`<li>${n.text}</li>`)}</ul>
${offer.requireCustomerAgreement ? agreementChoice(form, words) : ''}
<button type="submit">${text.accept}</button>
</form>
<details${declining || form.errors.reason ? html` open` : ''}><summary>${text.declineSummary}</summary>
<form method="post" action="${action('decline')}">
<input type="hidden" name="submission" value="${submissionToken}">
<input type="hidden" name="lang" value="${locale}">
<div class="field"><label for="reason">${text.declineReason}</label>
<textarea id="reason" name="reason" rows="3" maxlength="500"${form.errors.reason ? html` aria-invalid="true" aria-describedby="reason-error"` : ''}>${form.values.reason ?? ''}</textarea>
${fieldError('reason', form.errors.reason)}</div>
<button type="submit" class="secondary">${text.decline}</button>
</form></details>
${offer.customization.closing ? html`<p class="closing"${partnerLang(offer, locale)}>${offer.customization.closing}</p>` : ''}
${contactFooter(offer, text)}${live ? liveTotalsScript() : ''}`,
  );
}

/** Deactivated, expired or exhausted: a clear page, the partner's message if any, and no form. */
export function statusPage(offer: Offer, status: Exclude<OfferStatus, 'active'>, locale: Locale): string {
  const text = PAGE_TEXT[locale];
  const message = status === 'deactivated' ? offer.deactivationMessage : undefined;
  return layout(
    locale,
    text.statusTitle[status],
    html`${partnerHeader(offer, locale, text, text.statusTitle[status])}
<p>${text.statusBody[status](offer.partner.name)}</p>
${status === 'expired' && offer.expiresAt ? html`<p class="expires">${text.wasValidUntil(formatDateTime(locale, offer.expiresAt, offer.usageLocation))}</p>` : ''}
${
  message
    ? html`<p class="quote-by">${text.partnerMessage(offer.partner.name)}</p>
<blockquote class="deactivation-message"${partnerLang(offer, locale)}><p>${message}</p></blockquote>`
    : ''
}
${contactFooter(offer, text)}`,
  );
}

/**
 * The link of an offer that was revised: it says the offer was replaced and links to the new one
 * (`revisedBy`), with no form.
 */
export function replacedPage(offer: Offer & { revisedBy: string }, locale: Locale): string {
  const text = PAGE_TEXT[locale];
  return layout(
    locale,
    text.replacedTitle,
    html`${partnerHeader(offer, locale, text, text.replacedTitle)}
<p>${text.replacedBody(offer.partner.name)}</p>
<p><a class="button" href="${offerPath(offer.revisedBy)}">${text.replacedLink}</a></p>
${contactFooter(offer, text)}`,
  );
}

export function declinedPage(offer: Offer, locale: Locale): string {
  const text = PAGE_TEXT[locale];
  return layout(
    locale,
    text.declinedTitle,
    html`${partnerHeader(offer, locale, text, text.declinedTitle)}
<p>${text.declinedBody(offer.partner.name)}</p>
${contactFooter(offer, text)}`,
  );
}

/** Seconds the confirmation page shows before it continues to the checkout by itself. */
export const CHECKOUT_CONTINUE_SECONDS = 5;

export interface AcceptedPageInput {
  readonly offer: Offer;
  readonly acceptance: Acceptance;
  readonly locale: Locale;
  /** Built from the configured template only (checkout.ts). */
  readonly checkoutUrl: string;
  /** This page's own path, for the language switch. */
  readonly path: string;
}

/**
 * After accepting: what was accepted, what happens next, and the way on to the checkout, by a
 * link and by a meta refresh (a navigation the CSP allows without script). It is reached by a
 * plain GET and reads the recorded acceptance, so the customer can come back to it.
 */
export function acceptedPage({ offer, acceptance, locale, checkoutUrl, path }: AcceptedPageInput): string {
  const text = PAGE_TEXT[locale];
  const partner = offer.partner.name;
  const title = text.acceptedTitle(partner);
  // Acceptances recorded before terms existed hold plain lines: the catalog's name, lineTerm's defaults, no price.
  const shown: ShownLine[] = [];
  const lines = acceptance.items.map((item, index) => {
    const name = ('name' in item ? item.name : undefined) ?? findSubscription(item.sku)?.name ?? item.sku;
    const { term, billingFrequency } = lineTerm(item);
    const line: ShownLine = {
      sku: item.sku,
      term,
      billingFrequency,
      ...(item.unitPrice ? { unitPrice: item.unitPrice } : {}),
      licenses: item.licenses,
    };
    shown.push(line);
    return html`<li>${text.acceptedLicenses(name, formatNumber(locale, item.licenses))}
<p class="term">${termText(term, billingFrequency, text)}</p>
${lineCost(line, locale, text, `accepted-${index}-price`)}</li>`;
  });
  // The record of what was accepted: the clock counts from the acceptance, whenever the page is read.
  const acceptedAt = new Date(acceptance.acceptedAt);
  const delegatedAdmin = offer.delegatedAdmin
    ? html`<li>${acceptance.delegatedAdmin ? text.acceptedWithDelegatedAdmin : text.acceptedWithoutDelegatedAdmin}</li>`
    : '';
  return layout(
    locale,
    title,
    html`${partnerHeader(offer, locale, text, title, undefined, path)}
<p>${text.acceptedNext(partner)}</p>
<p><a class="button" href="${checkoutUrl}">${text.continueToCheckout}</a></p>
<p class="hint">${text.continuingIn(CHECKOUT_CONTINUE_SECONDS)}</p>
<h2>${text.acceptedWhat}</h2>
<ul class="accepted">${lines}${delegatedAdmin}</ul>
${costSummary(shown, locale, text)}
${commitmentSummary(
  shown.map((line) => line.term),
  acceptedAt,
  locale,
  offer.usageLocation,
  text,
  [],
  text.commitmentAsAccepted(formatDateTime(locale, acceptance.acceptedAt, offer.usageLocation)),
)}
<p>${text.acceptedBy(acceptance.contactName, acceptance.companyName, acceptance.email)}</p>
${contactFooter(offer, text)}`,
    html`<meta http-equiv="refresh" content="${CHECKOUT_CONTINUE_SECONDS};url=${checkoutUrl}">
`,
  );
}
