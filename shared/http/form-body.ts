// Form posts as the HTML functions read them: strictly, once, before any field is looked at.

/** The default limit of a form body, in bytes (after base64 decoding). */
export const MAX_FORM_BYTES = 16 * 1024;

/** Why a posted body could not be read as our form, before any field is looked at. */
export type UnreadableForm = 'mediaType' | 'encoding' | 'tooLarge' | 'duplicate';

export type ReadFormResult =
  | { readonly ok: true; readonly fields: Record<string, string> }
  | { readonly ok: false; readonly problem: UnreadableForm; readonly fields: Record<string, string> };

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** Percent-decoding works on bytes (latin1 maps them 1:1), then the bytes must be UTF-8. */
function decodeComponent(latin1: string): string {
  const bytes = latin1
    .replace(/\+/g, ' ')
    .replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return STRICT_UTF8.decode(Buffer.from(bytes, 'latin1'));
}

/**
 * Reads an `application/x-www-form-urlencoded` body strictly: the WHATWG parser would turn bad
 * UTF-8 into U+FFFD and keep the last of repeated keys; here either makes the form unreadable.
 * A browser posting our form sends neither, so such a body is forged, mangled or not ours.
 * Shared by the HTML functions that take form posts (the customer page, the console).
 */
export function readFormBody(
  body: string | undefined,
  isBase64Encoded: boolean,
  contentType: string | undefined,
  maxBytes: number = MAX_FORM_BYTES,
): ReadFormResult {
  const none: Record<string, string> = {};
  if (!body) return { ok: true, fields: none };
  if (!FORM_TYPE.test(contentType ?? '')) return { ok: false, problem: 'mediaType', fields: none };
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return { ok: false, problem: 'mediaType', fields: none };
  // Base64 is 4/3 of the bytes: refuse a huge body before decoding it.
  if (body.length > (maxBytes * 4) / 3 + 4) return { ok: false, problem: 'tooLarge', fields: none };
  if (!isBase64Encoded && !body.isWellFormed()) return { ok: false, problem: 'encoding', fields: none };
  const bytes = Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.byteLength > maxBytes) return { ok: false, problem: 'tooLarge', fields: none };
  const fields = new Map<string, string>();
  let duplicate = false;
  try {
    STRICT_UTF8.decode(bytes);
    for (const pair of bytes.toString('latin1').split('&')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      const name = decodeComponent(at < 0 ? pair : pair.slice(0, at));
      const value = decodeComponent(at < 0 ? '' : pair.slice(at + 1));
      if (fields.has(name)) duplicate = true;
      else fields.set(name, value);
    }
  } catch {
    return { ok: false, problem: 'encoding', fields: none };
  }
  // fromEntries defines own properties: a field named __proto__ stays a field (and an unknown key).
  const read = Object.fromEntries(fields);
  return duplicate ? { ok: false, problem: 'duplicate', fields: read } : { ok: true, fields: read };
}
