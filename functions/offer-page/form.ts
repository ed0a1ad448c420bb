import * as z from 'zod/mini';
import { findSubscription } from '../../shared/catalog/catalog.ts';
import type { PageText } from '../../shared/customer/page-text.ts';
import { SUBMISSION_ID_PATTERN } from '../../shared/customer/visitors.ts';
import type { Offer, OfferLine } from '../../shared/domain/offer.ts';
import { queryInt } from '../../shared/http/middleware.ts';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const submission = z.string().check(z.regex(SUBMISSION_ID_PATTERN));
const MAX_REASON = 500;

function licenseLimits(sku: string, offered: number): { min: number; max: number } {
  const subscription = findSubscription(sku);
  return { min: subscription?.minLicenses ?? 1, max: subscription?.maxLicenses ?? offered };
}

/** Only the offer's SKUs, counts within each SKU's limits, the delegated-admin choice only if offered. */
function acceptSchema(offer: Offer) {
  const licenses: Record<string, ReturnType<typeof queryInt>> = {};
  for (const item of offer.items) {
    const { min, max } = licenseLimits(item.sku, item.licenses);
    licenses[`licenses.${item.sku}`] = queryInt(min, max);
  }
  return z.strictObject({
    submission,
    lang: z.optional(z.string()),
    company: text(120),
    name: text(120),
    email: z.email().check(z.maxLength(254)),
    ...licenses,
    ...(offer.delegatedAdmin ? { delegatedAdmin: z.enum(['yes', 'no']) } : {}),
  });
}

const declineSchema = z.strictObject({
  submission,
  lang: z.optional(z.string()),
  reason: z.optional(z.string().check(z.trim(), z.maxLength(MAX_REASON))),
});

export type FormResult<T> =
  | { ok: true; value: T }
  | { ok: false; errors: Record<string, string>; formError?: string; values: Record<string, string> };

export interface AcceptForm {
  readonly submissionId: string;
  readonly companyName: string;
  readonly contactName: string;
  readonly email: string;
  readonly items: OfferLine[];
  readonly delegatedAdmin: boolean;
}

/** Turns zod issues into one customer-facing message per field, in the page's language. */
function customerErrors(
  issues: readonly z.core.$ZodIssue[],
  offer: Offer,
  text: PageText,
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
    const missing = issue.code === 'invalid_type' || (issue.code === 'too_small' && issue.origin === 'string');
    if (field.startsWith('licenses.')) {
      const sku = field.slice('licenses.'.length);
      const { min, max } = licenseLimits(sku, offer.items.find((item) => item.sku === sku)?.licenses ?? 1);
      errors[field] = text.errors.licenses(min, max);
    } else if (field === 'delegatedAdmin') errors[field] = text.errors.choice;
    else if (missing) errors[field] = text.errors.required;
    else if (issue.code === 'too_big') errors[field] = text.errors.tooLong(Number(issue.maximum));
    else if (field === 'email') errors[field] = text.errors.email;
    else errors[field] = text.errors.required;
  }
  return formError ? { errors, formError } : { errors };
}

export function parseAcceptForm(fields: Record<string, string>, offer: Offer, text: PageText): FormResult<AcceptForm> {
  const parsed = acceptSchema(offer).safeParse(fields);
  if (!parsed.success) return { ok: false, values: fields, ...customerErrors(parsed.error.issues, offer, text) };
  const data = parsed.data as Record<string, unknown> & z.output<ReturnType<typeof acceptSchema>>;
  return {
    ok: true,
    value: {
      submissionId: data.submission,
      companyName: data.company,
      contactName: data.name,
      email: data.email,
      items: offer.items.map((item) => ({ sku: item.sku, licenses: data[`licenses.${item.sku}`] as number })),
      delegatedAdmin: data.delegatedAdmin === 'yes',
    },
  };
}

export function parseDeclineForm(
  fields: Record<string, string>,
  offer: Offer,
  text: PageText,
): FormResult<{ submissionId: string; reason?: string }> {
  const parsed = declineSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, values: fields, ...customerErrors(parsed.error.issues, offer, text) };
  const { submission: submissionId, reason } = parsed.data;
  return { ok: true, value: reason ? { submissionId, reason } : { submissionId } };
}
