import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * The console's session cookie: `__Host-console`, `HttpOnly`, `Secure`, `SameSite=Strict`,
 * `Path=/`, no `Domain` (the `__Host-` prefix makes browsers hold us to the last three). No
 * `Max-Age`: the cookie ends with the browser session; the server ends the session itself after
 * 8 h idle or 24 h in all (sessions.ts).
 *
 * Relaxed only for the local runtime on loopback (`npm start`: STAGE `local` and a public base URL
 * of `http://127.0.0.1` or `http://localhost`): without TLS the cookie is `console-session` and
 * not `Secure` (a `__Host-` cookie must be), so every browser keeps it on plain http. Chromium
 * would take the strict cookie on loopback too (measured with Chromium 156), Safari would not.
 */
export interface CookiePolicy {
  readonly name: string;
  readonly secure: boolean;
}

export const STRICT_COOKIE: CookiePolicy = { name: '__Host-console', secure: true };
export const LOCAL_COOKIE: CookiePolicy = { name: 'console-session', secure: false };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The policy for this deployment: strict unless both settings say "local runtime on loopback". */
export function cookiePolicyFor(stage: string | undefined, publicBaseUrl: string | undefined): CookiePolicy {
  if (stage !== 'local' || !publicBaseUrl || !URL.canParse(publicBaseUrl)) return STRICT_COOKIE;
  const url = new URL(publicBaseUrl);
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) ? LOCAL_COOKIE : STRICT_COOKIE;
}

/** A session id as the console issues them: 32 random bytes, base64url (43 characters). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session id the request carries, if it has the shape of one. Reads payload 2.0's `cookies`
 * (API Gateway moves the Cookie header there) and the header itself as a fallback. A name sent
 * twice (a cookie also set for a parent path or by a subdomain) counts only when every value
 * agrees: a browser orders same-named cookies by path, not by trust.
 */
export function sessionIdFrom(
  cookies: readonly string[] | undefined,
  cookieHeader: string | undefined,
  policy: CookiePolicy,
): string | undefined {
  const pairs = cookies ?? (cookieHeader ? cookieHeader.split(';') : []);
  const values = new Set<string>();
  for (const pair of pairs) {
    const value = parseCookie(pair.trim(), { decode: (raw) => raw })[policy.name];
    if (value !== undefined) values.add(value);
  }
  if (values.size !== 1) return undefined;
  const [id] = values;
  return id !== undefined && SESSION_ID_PATTERN.test(id) ? id : undefined;
}

/** The Set-Cookie value that hands the browser a new session id. */
export function sessionCookie(policy: CookiePolicy, id: string): string {
  return stringifySetCookie({
    name: policy.name,
    value: id,
    path: '/',
    httpOnly: true,
    secure: policy.secure,
    sameSite: 'strict',
  });
}

/** The Set-Cookie value that makes the browser drop its session cookie. */
export function clearedSessionCookie(policy: CookiePolicy): string {
  return stringifySetCookie({
    name: policy.name,
    value: '',
    path: '/',
    httpOnly: true,
    secure: policy.secure,
    sameSite: 'strict',
    maxAge: 0,
  });
}
