import { domainToASCII } from 'node:url';
// The email module alone: the package index also loads URI and IP helpers with @hapi/hoek (~15 KB).
import { analyzeEmail } from '@hapi/address/dist/email.js';
import * as z from 'zod/mini';
import { hasInvisibleCharacters, UNSAFE_IN_LINE } from './text.ts';

/** RFC 5321 4.5.3.1: a local part is at most 64 octets, a whole address (a path) at most 254. */
export const MAX_EMAIL_LOCAL_OCTETS = 64;
export const MAX_EMAIL_OCTETS = 254;

/** The rule names email checks report (`errors[].rule` in the partner API). */
export type EmailRule = 'format:email' | 'email_local_part_too_long' | 'email_too_long';

export type EmailResult =
  | { readonly ok: true; readonly email: string }
  | { readonly ok: false; readonly rule: EmailRule };

const utf8Length = (value: string) => Buffer.byteLength(value, 'utf8');

/**
 * Checks an email address and returns the one form we store: the local part as typed (NFC: it may
 * be case-sensitive, RFC 5321 2.4) and the domain as lower-case ASCII (IDNA/punycode), so
 * `ana@пример.рф` and `ana@xn--e1afmkfd.xn--p1ai` (what a browser's email field submits) are the
 * same address, `ana@xn--e1afmkfd.xn--p1ai`. Syntax: RFC 5321 dot-atoms with RFC 6531 UTF-8 local
 * parts, internationalised domains of two labels or more ending in a letter-led TLD, checked by
 * @hapi/address; no quoted local parts, IP literals or comments. Octet limits are counted in UTF-8
 * on the stored form. Surrounding whitespace is ignored; hidden characters (see text.ts) are not.
 */
export function canonicalEmail(input: string): EmailResult {
  const value = input.trim();
  if (!value.isWellFormed() || UNSAFE_IN_LINE.test(value) || hasInvisibleCharacters(value)) {
    return { ok: false, rule: 'format:email' };
  }
  const normalized = value.normalize('NFC');
  const at = normalized.lastIndexOf('@');
  if (at < 1) return { ok: false, rule: 'format:email' };
  const local = normalized.slice(0, at);
  const domain = normalized.slice(at + 1);
  // '' when the domain is not a valid IDNA name; the syntax check below refuses it then.
  const asciiDomain = domainToASCII(domain).toLowerCase();
  const email = `${local}@${asciiDomain || domain}`;
  // Lengths first, so an address that is only too long is told so; they are counted here on the
  // stored form, in octets, rather than by the library (which counts UTF-16 units).
  if (utf8Length(local) > MAX_EMAIL_LOCAL_OCTETS) return { ok: false, rule: 'email_local_part_too_long' };
  if (utf8Length(email) > MAX_EMAIL_OCTETS) return { ok: false, rule: 'email_too_long' };
  if (analyzeEmail(normalized, { ignoreLength: true }) !== null || asciiDomain === '') {
    return { ok: false, rule: 'format:email' };
  }
  return { ok: true, email };
}

const MESSAGES: Record<EmailRule, string> = {
  'format:email': 'must be an email address such as name@example.com',
  email_local_part_too_long: `must have at most ${MAX_EMAIL_LOCAL_OCTETS} bytes (UTF-8) before the @`,
  email_too_long: `must be at most ${MAX_EMAIL_OCTETS} bytes (UTF-8) long`,
};

/**
 * The one email rule of partner fields and customer forms: output is the canonical form above;
 * a failure names its rule (`format:email`, `email_local_part_too_long`, `email_too_long`).
 */
export const emailAddress = z.pipe(
  // A cap before any parsing: a megabyte "address" is refused without being looked at.
  z.string().check(
    z.refine((value) => value.length <= MAX_EMAIL_OCTETS * 4, {
      error: MESSAGES.email_too_long,
      params: { rule: 'email_too_long' },
      abort: true,
    }),
  ),
  z.transform((value, context) => {
    const result = canonicalEmail(value);
    if (result.ok) return result.email;
    context.issues.push({
      code: 'custom',
      input: value,
      message: MESSAGES[result.rule],
      params: { rule: result.rule },
    });
    return z.NEVER;
  }),
);
