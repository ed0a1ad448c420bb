import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseSetCookie, type SetCookie } from 'cookie';
import { consoleSessionKeys } from '../../shared/db/console-sessions.ts';
import { table } from './local-api.ts';

/** The session cookie's name outside the local runtime (the integration tests' setting). */
export const CONSOLE_COOKIE = '__Host-console';

/** A signed-in console browser, as tests drive it: the Cookie header value and the session's CSRF token. */
export interface ConsoleBrowser {
  readonly sessionId: string;
  /** `Cookie` header value carrying the session. */
  readonly cookie: string;
  readonly csrfToken: string;
}

/** The form body a browser posts (application/x-www-form-urlencoded). */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** POST /console/sign-in as a browser on `baseUrl` would send it (same-origin, no redirect followed). */
export function postSignIn(
  baseUrl: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl, ...headers },
    body: formBody(fields),
  });
}

/** The response's Set-Cookie for `name`, parsed (undefined when it sets none). */
export function setCookieOf(response: Response, name = CONSOLE_COOKIE): SetCookie | undefined {
  return response.headers
    .getSetCookie()
    .map((value) => parseSetCookie(value))
    .find((cookie) => cookie.name === name);
}

/** The stored session item of a session id (read straight from the table). */
export async function sessionItem(sessionId: string): Promise<Record<string, unknown> | undefined> {
  const idHash = createHash('sha256').update(sessionId, 'utf8').digest('hex');
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: consoleSessionKeys.pk(idHash), SK: consoleSessionKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/**
 * Signs in with `key` through the real sign-in form and answers the browser's session: the cookie
 * from Set-Cookie and the CSRF token every console form carries (read from the session item).
 */
export async function signInToConsole(baseUrl: string, key: string): Promise<ConsoleBrowser> {
  const response = await postSignIn(baseUrl, { apiKey: key, lang: 'en' });
  const cookie = setCookieOf(response);
  if (response.status !== 303 || !cookie?.value) {
    throw new Error(`console sign-in failed: ${response.status} ${await response.text()}`);
  }
  const item = await sessionItem(cookie.value);
  if (typeof item?.csrfToken !== 'string') throw new Error('console sign-in stored no session');
  return { sessionId: cookie.value, cookie: `${CONSOLE_COOKIE}=${cookie.value}`, csrfToken: item.csrfToken };
}

/** A console POST from a signed-in browser: same-origin, with the session cookie, the fields as a form. */
export function consolePost(
  baseUrl: string,
  path: string,
  browser: Pick<ConsoleBrowser, 'cookie'>,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: baseUrl,
      cookie: browser.cookie,
      ...headers,
    },
    body: formBody(fields),
  });
}

/** A console GET from a browser holding `cookie` (none: signed out); redirects are not followed. */
export function consoleGet(baseUrl: string, path: string, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
}
