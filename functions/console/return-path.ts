/**
 * Where sign-in sends the partner afterwards: the console page they asked for before being sent
 * to sign in. The value travels through a query string and a form field, so it is outside input:
 * only a path of this origin under `/console/` is ever taken, normalised as the browser would
 * (`/console/../x` is `/x`, refused); anything else (another host, `//host`, `/\host`, a scheme,
 * control characters, the sign-in routes themselves) is ignored for the default page.
 */
const BASE = 'https://console.invalid';
const MAX_LENGTH = 1_024;
/** Backslashes (browsers read them as slashes) and control characters (C0 and DEL). */
function hasUnsafeCharacter(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
/** Pages that make no sense to return to: sign-in itself and the POST-only routes beside it. */
const NOT_A_DESTINATION = new Set(['/console/sign-in', '/console/sign-out']);

export const DEFAULT_RETURN_PATH = '/console/offers';

/** The local path to return to, or undefined when `value` is not one we may redirect to. */
export function safeReturnPath(value: string | undefined): string | undefined {
  if (value === undefined || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/console/') || hasUnsafeCharacter(value)) return undefined;
  if (!URL.canParse(value, BASE)) return undefined;
  const url = new URL(value, BASE);
  if (url.origin !== BASE || !url.pathname.startsWith('/console/') || NOT_A_DESTINATION.has(url.pathname)) {
    return undefined;
  }
  return `${url.pathname}${url.search}`;
}

/** The path and query a GET asked for, as the return path of its sign-in redirect. */
export function requestedPath(rawPath: string, rawQueryString: string | undefined): string {
  return rawQueryString ? `${rawPath}?${rawQueryString}` : rawPath;
}
