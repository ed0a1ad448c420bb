import * as z from 'zod/mini';
import { findSubscription } from '../../shared/catalog/catalog.ts';
import { checkQuantityRules } from '../../shared/catalog/quantity-rules.ts';
import type { AcceptedLine } from '../../shared/domain/acceptance.ts';
import { type LineTermOption, lineTerm, type Offer, type OfferLine } from '../../shared/domain/offer.ts';
import { queryInt } from '../../shared/http/query.ts';
import type { PageText } from '../../shared/offer-page/page-text.ts';
import { emailAddress, MAX_EMAIL_OCTETS } from '../../shared/schemas/email.ts';
import { nameText, paragraphText } from '../../shared/schemas/text.ts';
import type { FormText } from './form-text.ts';

// The submission token is checked (signature, offer, age) before the fields are: see the handler.
const submission = z.string();
const MAX_REASON = 500;

function licenseLimits(sku: string, offered: number): { min: number; max: number } {
  const subscription = findSubscription(sku);
  return { min: subscription?.minLicenses ?? 1, max: subscription?.maxLicenses ?? offered };
}

/** Stored lengths of the acceptance evidence fields (UTF-16 code units, after NFC and trimming). */
export const ACCEPT_FIELD_LIMITS = {
  company: 120,
  firstName: 100,
  lastName: 100,
  phone: 32,
  jobTitle: 100,
  purchaseOrder: 64,
} as const;

/** Fields a customer may leave empty: the form always sends them, so '' means "not given". */
const OPTIONAL_FIELDS = ['phone', 'jobTitle', 'purchaseOrder'] as const;

/** The checkbox's posted value; the box is only sent when ticked. */
export const AGREEMENT_FIELD = 'customerAgreement';

/** A line with choices posts its pick as `term.<line index>` = `<term>/<billingFrequency>`. */
export function termFieldName(index: number): string {
  return `term.${index}`;
}

/** A line the customer picks a term for: two options or more (one option is simply the line's term). */
export function hasTermChoice(item: OfferLine): item is OfferLine & { choices: readonly LineTermOption[] } {
  return (item.choices?.length ?? 0) >= 2;
}

export function termChoiceValue(option: LineTermOption): string {
  return `${option.term}/${option.billingFrequency}`;
}

/**
 * The same rule as the partner contact's phone (shared/schemas/offers.ts): digits, spaces, ( ) . -
 * and an optional leading +, at least 6 characters, ending in a digit.
 */
const phoneNumber = z.string().check(
  z.overwrite((value) => value.trim()),
  z.maxLength(ACCEPT_FIELD_LIMITS.phone),
  z.regex(/^\+?[0-9][0-9 ().-]{4,}[0-9]$/),
);

/**
 * Only the offer's SKUs, counts within each SKU's limits, a term among a line's choices (only for
 * lines that have them), the delegated-admin choice only if offered, the agreement only if required.
 */
function acceptSchema(offer: Offer) {
  const licenses: Record<string, ReturnType<typeof queryInt>> = {};
  for (const item of offer.items) {
    const { min, max } = licenseLimits(item.sku, item.licenses);
    licenses[`licenses.${item.sku}`] = queryInt(min, max);
  }
  const terms: Record<string, z.ZodMiniType<string>> = {};
  for (const [index, item] of offer.items.entries()) {
    if (hasTermChoice(item)) {
      terms[termFieldName(index)] = z.enum(item.choices.map(termChoiceValue));
    }
  }
  return z.strictObject({
    submission,
    lang: z.optional(z.string()),
    // The same text and email rules as partner fields (shared/schemas): stored NFC, trimmed, the
    // email's domain as lower-case ASCII.
    company: nameText(ACCEPT_FIELD_LIMITS.company),
    firstName: nameText(ACCEPT_FIELD_LIMITS.firstName),
    lastName: nameText(ACCEPT_FIELD_LIMITS.lastName),
    email: emailAddress,
    phone: z.optional(phoneNumber),
    jobTitle: z.optional(nameText(ACCEPT_FIELD_LIMITS.jobTitle)),
    purchaseOrder: z.optional(nameText(ACCEPT_FIELD_LIMITS.purchaseOrder)),
    ...licenses,
    ...terms,
    ...(offer.delegatedAdmin ? { delegatedAdmin: z.enum(['yes', 'no']) } : {}),
    ...(offer.requireCustomerAgreement ? { [AGREEMENT_FIELD]: z.literal('yes') } : {}),
  });
}

const declineSchema = z.strictObject({
  submission,
  lang: z.optional(z.string()),
  // The reason is a textarea: it keeps tabs and line breaks.
  reason: z.optional(paragraphText(MAX_REASON, { trim: true, allowEmpty: true })),
});

export type FormResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Record<string, string>; formError?: string; values: Record<string, string> };

/** The customer's answer, checked: what the acceptance snapshot is made of (see evidence.ts). */
export interface AcceptForm {
  readonly companyName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone?: string;
  readonly jobTitle?: string;
  readonly purchaseOrder?: string;
  /** In offer order: the counts and terms chosen, named and priced from the offer's snapshot. */
  readonly items: AcceptedLine[];
  readonly delegatedAdmin: boolean;
  /** The customer ticked the agreement checkbox (only ever true when the offer requires it). */
  readonly agreedToCustomerAgreement: boolean;
}

/** The message for a text or email rule (shared/schemas) a filled-in field broke. */
function ruleMessage(field: string, issue: z.core.$ZodIssue, text: PageText): string {
  const rule = issue.code === 'custom' ? issue.params?.rule : undefined;
  if (rule === 'email_local_part_too_long') return text.errors.emailLocalPartTooLong;
  if (rule === 'email_too_long') return text.errors.tooLong(MAX_EMAIL_OCTETS);
  if (field === 'email') return text.errors.email;
  if (rule === 'needs_letter_or_digit') return text.errors.needsLetterOrDigit;
  if (rule === 'not_blank') return text.errors.required;
  if (issue.code === 'custom') return text.errors.hiddenCharacters;
  return text.errors.required;
}

/** Turns zod issues into one customer-facing message per field, in the page's language. */
function customerErrors(
  issues: readonly z.core.$ZodIssue[],
  fields: Record<string, string>,
  offer: Offer,
  text: PageText,
  formText?: FormText,
): { errors: Record<string, string>; formError?: string } {
  const errors: Record<string, string> = {};
  let formError: string | undefined;
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    // A missing or forged hidden field, or an SKU the offer does not have: the form is not ours.
    if (issue.code === 'unrecognized_keys' || field === 'submission') {
      formError = text.errors.stale;
      continue;
    }
    if (errors[field]) continue;
    // An empty email is missing, not malformed: say "fill in", not "enter an address such as".
    const missing = issue.code === 'invalid_type' || !fields[field]?.trim();
    if (field.startsWith('licenses.')) {
      const sku = field.slice('licenses.'.length);
      const { min, max } = licenseLimits(sku, offer.items.find((item) => item.sku === sku)?.licenses ?? 1);
      errors[field] = text.errors.licenses(min, max);
    } else if (field === 'delegatedAdmin') errors[field] = text.errors.choice;
    else if (field.startsWith('term.') && formText) errors[field] = formText.errors.termChoice;
    else if (field === AGREEMENT_FIELD && formText) errors[field] = formText.errors.agreementRequired;
    else if (missing) errors[field] = text.errors.required;
    else if (issue.code === 'too_big') errors[field] = text.errors.tooLong(Number(issue.maximum));
    else if (field === 'phone' && formText) errors[field] = formText.errors.phone;
    else errors[field] = ruleMessage(field, issue, text);
  }
  return formError ? { errors, formError } : { errors };
}

/**
 * The vendor's cross-line quantity rules (the Business-family seat cap) on the counts chosen: an
 * error on each line a broken rule counts, naming the limit and the lines. Counts must be valid.
 */
function quantityErrors(
  counts: readonly { sku: string; licenses: number }[],
  formText: FormText,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const violation of checkQuantityRules(counts)) {
    const names = violation.lines.map((line) => findSubscription(line.sku)?.name ?? line.sku);
    const message = formText.errors.quantityCap(violation.limit, violation.total, names);
    for (const line of violation.lines) errors[`licenses.${line.sku}`] ??= message;
  }
  return errors;
}

/** The posted counts, when every one of them is a valid count (no issue on any licenses field). */
function postedCounts(
  offer: Offer,
  fields: Record<string, string>,
  issues: readonly z.core.$ZodIssue[],
): { sku: string; licenses: number }[] | undefined {
  if (issues.some((issue) => String(issue.path[0] ?? '').startsWith('licenses.'))) return undefined;
  return offer.items.map((item) => ({ sku: item.sku, licenses: Number(fields[`licenses.${item.sku}`]) }));
}

/** The line as accepted: the chosen term (or the line's own) priced from the offer's snapshot. */
function acceptedLine(item: OfferLine, licenses: number, chosen: string | undefined): AcceptedLine {
  const option = chosen === undefined ? undefined : item.choices?.find((choice) => termChoiceValue(choice) === chosen);
  const { term, billingFrequency } = option ?? lineTerm(item);
  const unitPrice = option ? option.unitPrice : item.unitPrice;
  return {
    sku: item.sku,
    name: findSubscription(item.sku)?.name ?? item.sku,
    licenses,
    term,
    billingFrequency,
    ...(unitPrice ? { unitPrice } : {}),
  };
}

/**
 * Checks the accept form against the offer: each field's rule (errors in the page's language, next
 * to the field), then the vendor's cross-line quantity rules on the counts chosen. Optional fields
 * sent empty are left out of the answer.
 */
export function parseAcceptForm(
  fields: Record<string, string>,
  offer: Offer,
  text: PageText,
  formText: FormText,
): FormResult<AcceptForm> {
  const input: Record<string, string> = { ...fields };
  for (const name of OPTIONAL_FIELDS) if (input[name] !== undefined && input[name].trim() === '') delete input[name];
  const parsed = acceptSchema(offer).safeParse(input);
  if (!parsed.success) {
    const { errors, formError } = customerErrors(parsed.error.issues, fields, offer, text, formText);
    const counts = postedCounts(offer, fields, parsed.error.issues);
    const all = counts ? { ...quantityErrors(counts, formText), ...errors } : errors;
    return { ok: false, values: fields, errors: all, ...(formError ? { formError } : {}) };
  }
  const data = parsed.data as Record<string, unknown> & z.output<ReturnType<typeof acceptSchema>>;
  const items = offer.items.map((item, index) =>
    acceptedLine(item, data[`licenses.${item.sku}`] as number, data[termFieldName(index)] as string | undefined),
  );
  const capped = quantityErrors(items, formText);
  if (Object.keys(capped).length > 0) return { ok: false, values: fields, errors: capped };
  return {
    ok: true,
    value: {
      companyName: data.company,
      firstName: data.firstName,
      lastName: data.lastName,
      email: data.email,
      ...(data.phone ? { phone: data.phone } : {}),
      ...(data.jobTitle ? { jobTitle: data.jobTitle } : {}),
      ...(data.purchaseOrder ? { purchaseOrder: data.purchaseOrder } : {}),
      items,
      delegatedAdmin: data.delegatedAdmin === 'yes',
      agreedToCustomerAgreement: data[AGREEMENT_FIELD] === 'yes',
    },
  };
}

export function parseDeclineForm(
  fields: Record<string, string>,
  offer: Offer,
  text: PageText,
): FormResult<{ reason?: string }> {
  const parsed = declineSchema.safeParse(fields);
  if (!parsed.success)
    return { ok: false, values: fields, ...customerErrors(parsed.error.issues, fields, offer, text) };
  const { reason } = parsed.data;
  return { ok: true, value: reason ? { reason } : {} };
}
