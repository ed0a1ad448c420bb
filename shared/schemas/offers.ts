import * as z from 'zod/mini';
import type { OfferPosition } from '../domain/offer.ts';
import { normalizeSummaryId } from '../domain/summary-id.ts';
import { queryInt } from '../http/query.ts';
import { LOCALES } from '../i18n/locale.ts';
import { nullAsAbsent, usageLocationSchema, wholeNumber } from './common.ts';
import { emailAddress } from './email.ts';
import { nameText, noUnsafeCharacters, paragraphText, UNSAFE_IN_LINE } from './text.ts';

/**
 * Request schemas for the offers API. Everything here is shape and size: a failure is a 400
 * `invalid-request` naming the field. Rules that need the catalog, the partner or the office
 * (SKU sold in the country, licenses within limits, term and billing sold for the SKU, the vendor's
 * quantity rules across lines, 1..20 items, office usable, expiry in the future) are business rules
 * checked by the offers service and answered with their own 422/403.
 *
 * Every text field has a length cap and follows the text rules of shared/schemas/text.ts (no
 * control, text-direction or invisible characters, well-formed, stored NFC; the contact name needs
 * a letter or digit); multi-line fields (intro, closing, deactivation message) may hold tabs and
 * line breaks. Optional fields sent as `null` are treated as absent (many JSON clients send them).
 */
export const TEXT_LIMITS = {
  officeId: 64,
  reference: 64,
  sku: 64,
  term: 16,
  intro: 2000,
  closing: 1000,
  contactName: 100,
  email: 254,
  phone: 32,
  logoUrl: 2048,
  deactivationMessage: 500,
  idempotencyKey: 255,
  cursor: 512,
} as const;

export const MAX_ACCEPTANCES_LIMIT = 100_000;

/** Office ids and references are identifiers: printable ASCII, no surrounding spaces. */
const identifier = (max: number) =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(max),
      z.regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'must be printable ASCII without surrounding spaces'),
    );

export const contactSchema = nullAsAbsent({
  name: nameText(TEXT_LIMITS.contactName),
  email: emailAddress,
  phone: z.optional(
    z
      .string()
      .check(
        z.maxLength(TEXT_LIMITS.phone),
        z.regex(
          /^\+?[0-9][0-9 ().-]{4,}[0-9]$/,
          'must be a phone number: digits, spaces, ( ) . - and an optional leading +',
        ),
      ),
  ),
});

/**
 * Only https: the logo is loaded by the customer's mail client and browser. The URL parser
 * silently drops tabs and line breaks anywhere and control characters and spaces around the URL,
 * so "https://x/a\nb\t\u0001" would parse while being stored, and sent, as written: such input is
 * refused instead, and what is stored is the parser's normalised href (the URL browsers will load),
 * checked again for length since normalising can percent-encode it longer.
 */
export const logoUrlSchema = z.pipe(
  z.pipe(
    z.string().check(
      z.maxLength(TEXT_LIMITS.logoUrl),
      noUnsafeCharacters(UNSAFE_IN_LINE),
      z.refine((value) => value.trim() === value, {
        error: 'must not start or end with spaces',
        params: { rule: 'no_surrounding_whitespace' },
        abort: true,
      }),
      z.refine((value) => URL.canParse(value), {
        error: 'must be an absolute URL',
        params: { rule: 'url' },
        abort: true,
      }),
      z.refine((value) => new URL(value).protocol === 'https:', {
        error: 'must be an https:// URL',
        params: { rule: 'https_only' },
      }),
    ),
    z.transform((value) => new URL(value).href),
  ),
  z
    .string()
    .check(z.maxLength(TEXT_LIMITS.logoUrl, `must be at most ${TEXT_LIMITS.logoUrl} characters long once normalised`)),
);

export const customizationSchema = nullAsAbsent({
  logoUrl: z.optional(logoUrlSchema),
  intro: z.optional(paragraphText(TEXT_LIMITS.intro)),
  closing: z.optional(paragraphText(TEXT_LIMITS.closing)),
  contact: z.optional(contactSchema),
});

/**
 * A term or billing frequency as sent: any short printable word. Whether it is a term we know
 * (`P1M`, `P1Y`, `P3Y`; `monthly`, `annual`, `triennial`) and whether the SKU is sold on it are
 * catalog rules (422 term-not-sold naming the rule), like the SKU itself.
 */
const termWord = () => identifier(TEXT_LIMITS.term);

/** The most term choices one line can list: every term and billing the catalog knows (1 + 2 + 3). */
export const MAX_TERM_CHOICES = 6;

export const termChoiceSchema = nullAsAbsent({
  term: termWord(),
  // Absent: the term's up-front billing (P1M monthly, P1Y annual, P3Y triennial).
  billingFrequency: z.optional(termWord()),
});

export const offerLineSchema = nullAsAbsent({
  sku: z.string().check(z.minLength(1), z.maxLength(TEXT_LIMITS.sku), z.regex(/^[A-Z0-9_]+$/, 'must be a catalog SKU')),
  // Only "a whole number" here: the SKU's own min/max is a business rule (422
  // licenses-out-of-range naming that range), which any whole number outside it breaks, 1e308
  // included, rather than a generic "at most 9007199254740991" from a safe-integer check.
  licenses: wholeNumber(),
  // Absent: P1Y; a billing frequency left out is the term's up-front one (P1M monthly, P1Y annual).
  term: z.optional(termWord()),
  billingFrequency: z.optional(termWord()),
  // Other terms the customer may choose instead of the line's own (which is always a choice).
  termChoices: z.optional(z.array(termChoiceSchema).check(z.maxLength(MAX_TERM_CHOICES))),
});

export const createOfferBody = nullAsAbsent({
  officeId: identifier(TEXT_LIMITS.officeId),
  usageLocation: usageLocationSchema,
  // 1..20 items is a business rule (422 item-count-out-of-range); the body size cap bounds the array.
  items: z.array(offerLineSchema),
  delegatedAdmin: z._default(z.boolean(), false),
  locale: z._default(z.enum(LOCALES), 'en'),
  customization: z.optional(customizationSchema),
  // An instant with an explicit offset; "in the future" is checked at create time (422 invalid-expiry).
  expiresAt: z.optional(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })),
  maxAcceptances: z.optional(wholeNumber().check(z.minimum(1), z.maximum(MAX_ACCEPTANCES_LIMIT))),
  reference: z.optional(identifier(TEXT_LIMITS.reference)),
  // Absent means false; not defaulted here, so a body without it hashes as before (Idempotency-Key).
  requireCustomerAgreement: z.optional(z.boolean()),
});
export type CreateOfferBody = z.output<typeof createOfferBody>;

/**
 * A revision: the create body with every field optional and no defaults, so a field left out (or
 * sent as null) keeps the revised offer's value. Each field sent replaces that value whole (`items`
 * the whole list, `customization` the whole object).
 */
export const reviseOfferBody = nullAsAbsent({
  officeId: z.optional(identifier(TEXT_LIMITS.officeId)),
  usageLocation: z.optional(usageLocationSchema),
  items: z.optional(z.array(offerLineSchema)),
  delegatedAdmin: z.optional(z.boolean()),
  locale: z.optional(z.enum(LOCALES)),
  customization: z.optional(customizationSchema),
  expiresAt: z.optional(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })),
  maxAcceptances: z.optional(wholeNumber().check(z.minimum(1), z.maximum(MAX_ACCEPTANCES_LIMIT))),
  reference: z.optional(identifier(TEXT_LIMITS.reference)),
  requireCustomerAgreement: z.optional(z.boolean()),
});
export type ReviseOfferBody = z.output<typeof reviseOfferBody>;

/** RFC draft "The Idempotency-Key HTTP Header Field": any visible ASCII, we cap the length. */
export const createOfferHeaders = z.object({
  'idempotency-key': z.optional(
    z
      .string()
      .check(
        z.maxLength(TEXT_LIMITS.idempotencyKey),
        z.regex(/^[\x21-\x7e]+$/, 'must be 1 to 255 visible ASCII characters'),
      ),
  ),
});

/** Summary IDs are normalised by the route, so a malformed one is a 404, like any unknown offer. */
export const summaryIdPath = z.object({ summaryId: z.string() });

/**
 * List cursors are opaque to partners: base64url of the last offer's position. They carry no
 * partner id (the list is always the caller's own), so a cursor cannot reach another partner.
 */
export function encodeCursor(position: OfferPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.summaryId]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): OfferPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, summaryId] = value as unknown[];
    if (typeof createdAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(createdAt))
      return undefined;
    if (typeof summaryId !== 'string' || normalizeSummaryId(summaryId) !== summaryId) return undefined;
    return { createdAt, summaryId };
  } catch {
    return undefined;
  }
}

export const listOffersQuery = z.strictObject({
  limit: z.optional(queryInt(1, 100)),
  cursor: z.optional(
    z.pipe(
      z.string().check(
        z.maxLength(TEXT_LIMITS.cursor),
        z.refine((value) => decodeCursor(value) !== undefined, {
          error: 'is not a cursor from a previous page',
          params: { rule: 'invalid_cursor' },
        }),
      ),
      z.transform((value) => decodeCursor(value) as OfferPosition),
    ),
  ),
  status: z.optional(z.enum(['active', 'deactivated', 'expired', 'exhausted'])),
});

export const messageQuery = z.strictObject({ locale: z.optional(z.enum(LOCALES)) });

export const deactivateBody = nullAsAbsent({
  message: z.optional(paragraphText(TEXT_LIMITS.deactivationMessage)),
});
