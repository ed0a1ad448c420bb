import { randomBytes } from 'node:crypto';

/**
 * Summary IDs name an offer in its link, on the phone and in DynamoDB. Crockford base32 (no I, L, O,
 * U) keeps them unambiguous when read aloud; 20 symbols carry 100 bits from the CSPRNG, shown in
 * five groups of four: `7K3M-Q9TX-…`. Input is forgiving the way Crockford intends: any case,
 * hyphens or spaces optional, I/L read as 1 and O as 0.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SYMBOLS = 20;
const GROUP = 4;
const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}$/;

export function generateSummaryId(): string {
  // 5 bits per symbol: take 13 random bytes (104 bits) and read 20 five-bit groups from them.
  const bytes = randomBytes(13);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let symbols = '';
  for (let i = 0; i < SYMBOLS; i++) symbols += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return group(symbols);
}

function group(symbols: string): string {
  return symbols.match(new RegExp(`.{${GROUP}}`, 'g'))?.join('-') ?? symbols;
}

/** The canonical form of a typed or linked summary ID, or undefined when it cannot be one. */
export function normalizeSummaryId(input: string): string | undefined {
  if (input.length > 40) return undefined;
  const symbols = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (symbols.length !== SYMBOLS) return undefined;
  const canonical = group(symbols);
  return CANONICAL.test(canonical) ? canonical : undefined;
}

// A pasted link's path segment is never longer than this; more is not worth decoding.
const MAX_LINK_SEGMENT = 200;
// Everything after the last letter or digit: punctuation and symbols of every script (`)`, `。`, `”`, `…`).
const TRAILING_JUNK = /[^\p{L}\p{N}]+$/u;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A broken escape (`%E2%80`) at the end is junk too: cut the trailing escapes instead.
    return segment.replace(/(?:%[0-9A-Fa-f]{0,2})+$/, '');
  }
}

/**
 * The summary ID in a link's code, forgiving what mail and chat add to a pasted link: trailing
 * punctuation, quotes, brackets, slashes and spaces (`CODE)`, `CODE.`, `CODE/`, `CODE%29`), raw or
 * percent-encoded (twice, at most, as some link rewriters do). Anything else about the code follows
 * normalizeSummaryId. Undefined when no summary ID is left.
 */
export function summaryIdFromLink(code: string): string | undefined {
  const segment = withoutTrailingJunk(code);
  return segment === undefined ? undefined : normalizeSummaryId(segment);
}

/**
 * A pasted link's path part without what mail and chat add to its end (see summaryIdFromLink),
 * percent-decoded; undefined when longer than any link of ours.
 */
export function withoutTrailingJunk(part: string): string | undefined {
  if (part.length > MAX_LINK_SEGMENT) return undefined;
  let segment = part;
  for (let round = 0; round < 3; round++) {
    const next = decodeSegment(segment).replace(TRAILING_JUNK, '');
    if (next === segment) break;
    segment = next;
  }
  return segment;
}
