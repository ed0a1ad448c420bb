import { optionalEnv } from '../../shared/config/env.ts';
import { DynamoApiKeyStore } from '../../shared/db/api-keys.ts';
import { DynamoConsoleSessionStore } from '../../shared/db/console-sessions.ts';
import { CachingKeyLookup } from '../../shared/domain/api-key.ts';
import { readFormBody, type UnreadableForm } from '../../shared/http/form-body.ts';
import { isCrossSitePost } from '../../shared/http/origin.ts';
import type { PageHandler } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { isLocale, type Locale, negotiateLocale } from '../../shared/i18n/locale.ts';
import { logger } from '../../shared/observability/logger.ts';
import { html } from '../../shared/render/html.ts';
import { AUTH_TEXT } from './auth-text.ts';
import { clearedSessionCookie, cookiePolicyFor, sessionIdFrom } from './cookie.ts';
import { consolePage } from './layout.ts';
import { messagePage, seeOther } from './messages.ts';
import { requestedPath } from './return-path.ts';
import { PUBLIC_BASE_URL, table } from './services.ts';
import { ConsoleSessions, csrfTokenMatches, KEY_RECHECK_MS, type LiveSession } from './sessions.ts';

/** A signed-in console session, as pages see it. */
export interface ConsoleSession {
  readonly partnerId: string;
  /** The per-session CSRF token: every form posts it back in its `csrf` field. */
  readonly csrfToken: string;
  /** The API key's label: the person the key was issued for, when the ops CLI named one. */
  readonly label?: string;
}

/** What a signed-in page gets. */
export interface ConsoleRequest {
  readonly event: ApiEvent;
  readonly session: ConsoleSession;
  /** `?lang=` (GET) or the form's `lang` field (POST) when it names one of ours, else Accept-Language. */
  readonly locale: Locale;
  /**
   * A POST's form fields, read once (strictly: shared/http/form-body.ts) and CSRF-checked; the
   * `csrf` field itself is taken out. Absent for GET.
   */
  readonly form?: Readonly<Record<string, string>>;
}

export type ConsolePage = (request: ConsoleRequest) => Promise<ApiResult>;

/** Largest console form body (bytes): the wizard's texts (intro, closing) fit well inside. */
export const MAX_CONSOLE_FORM_BYTES = 64 * 1024;

/** The cookie's name and attributes for this deployment (cookie.ts), decided at cold start. */
export const COOKIE_POLICY = cookiePolicyFor(optionalEnv('STAGE'), PUBLIC_BASE_URL);

/**
 * The sessions of this execution environment's table client. The clock is read per call (tests
 * move it); the key lookup is cached KEY_RECHECK_MS, so revoking a key ends its sessions within it.
 */
export const sessions = new ConsoleSessions({
  store: new DynamoConsoleSessionStore(table),
  keys: new CachingKeyLookup(new DynamoApiKeyStore(table), KEY_RECHECK_MS, () => Date.now()),
  now: () => new Date(),
});

/**
 * The console's language: `chosen` (a `?lang=` or a form's `lang`) when it names one of ours, else
 * the browser's Accept-Language.
 */
export function consoleLocale(event: ApiEvent, chosen?: string): Locale {
  const asked = chosen ?? event.queryStringParameters?.lang;
  if (asked !== undefined && isLocale(asked)) return asked;
  return negotiateLocale(event.headers?.['accept-language']);
}

/** `path` (a local path, query allowed) with its `lang` set to `locale`: keeps the language across a redirect. */
export function withLang(path: string, locale: Locale): string {
  const url = new URL(path, 'https://console.invalid');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

const UNREADABLE_STATUS: Record<UnreadableForm, number> = {
  mediaType: 415,
  encoding: 400,
  tooLarge: 413,
  duplicate: 422,
};

/** The session id the request's cookie carries, if it has the shape of one. */
export function sessionIdOf(event: ApiEvent): string | undefined {
  return sessionIdFrom(event.cookies, event.headers?.cookie, COOKIE_POLICY);
}

/**
 * A navigation from another site (a link in an email) arrives without the SameSite=Strict cookie
 * even when the browser holds a session. Rather than send a signed-in partner to sign in, the
 * console answers a page that loads the same address again at once (meta refresh); that load
 * starts from this site, so the browser sends the cookie (measured with Chromium 156). Only for GET
 * navigations the browser marks cross-site that carry no session cookie; the second load is
 * same-origin, so it cannot loop, and without a session it goes to sign-in as usual.
 */
export function sameSiteReload(event: ApiEvent, locale: Locale): ApiResult | undefined {
  const headers = event.headers ?? {};
  if (headers['sec-fetch-site'] !== 'cross-site' || headers['sec-fetch-mode'] !== 'navigate') return undefined;
  if (event.requestContext.http.method !== 'GET' || sessionIdOf(event) !== undefined) return undefined;
  const base = 'https://console.invalid';
  const url = new URL(requestedPath(event.rawPath, event.rawQueryString), base);
  if (url.origin !== base || !url.pathname.startsWith('/console')) return undefined;
  const target = `${url.pathname}${url.search}`;
  const text = AUTH_TEXT[locale].opening;
  const main = html`<h1>${text.title}</h1><p><a href="${target}">${text.link}</a></p>`;
  return consolePage(200, { locale, title: text.title, main, refreshTo: target });
}

type Checked =
  | { readonly done: ApiResult }
  | { readonly request: ConsoleRequest; readonly sessionId: string; readonly live: LiveSession };

/**
 * Every signed-in route's checks, in this order:
 * 1. a POST the browser says came from another site (Origin, Sec-Fetch-Site): 403, nothing read;
 * 2. no live session: a GET goes to sign-in with its path to come back to, a POST gets 403
 *    (`missingPost: 'redirect'` sends it to sign-in instead: sign-out); a stale cookie is cleared;
 * 3. a POST's body that is not a form of ours: 4xx, nothing done;
 * 4. a POST whose `csrf` field is not the session's token: 403, nothing done.
 * With SameSite=Strict the browser sends no cookie with another site's post anyway; the Origin
 * check and the token stand for browsers and clients that do not honour it.
 */
export async function checkConsoleRequest(
  event: ApiEvent,
  options: { missingPost?: 'forbidden' | 'redirect' } = {},
): Promise<Checked> {
  const post = event.requestContext.http.method === 'POST';
  const queryLocale = consoleLocale(event);
  const text = AUTH_TEXT[queryLocale];
  if (post && isCrossSitePost(event.headers ?? {}, PUBLIC_BASE_URL)) {
    logger.warn('cross-site console post refused', { routeKey: event.routeKey });
    return { done: messagePage(403, queryLocale, text.crossSite) };
  }
  const sessionId = sessionIdOf(event);
  const reload = sessionId ? undefined : sameSiteReload(event, queryLocale);
  if (reload) return { done: reload };
  const live = sessionId ? await sessions.resume(sessionId) : undefined;
  if (!sessionId || !live) {
    const cookies = sessionId ? [clearedSessionCookie(COOKIE_POLICY)] : [];
    if (!post || options.missingPost === 'redirect') {
      const back = post ? '' : `&next=${encodeURIComponent(requestedPath(event.rawPath, event.rawQueryString))}`;
      return { done: seeOther(`${withLang('/console', queryLocale)}${back}`, cookies) };
    }
    // In the language the form was posted in.
    const posted = readFormBody(
      event.body,
      event.isBase64Encoded,
      event.headers?.['content-type'],
      MAX_CONSOLE_FORM_BYTES,
    );
    const locale = consoleLocale(event, posted.fields.lang);
    const signIn = { href: withLang('/console', locale), text: AUTH_TEXT[locale].signInAgain };
    const ended = messagePage(403, locale, AUTH_TEXT[locale].sessionEnded, { link: signIn });
    return { done: cookies.length > 0 ? { ...ended, cookies } : ended };
  }
  const session: ConsoleSession = { partnerId: live.partnerId, csrfToken: live.csrfToken, label: live.label };
  if (!post) return { request: { event, session, locale: queryLocale }, sessionId, live };
  const read = readFormBody(event.body, event.isBase64Encoded, event.headers?.['content-type'], MAX_CONSOLE_FORM_BYTES);
  const locale = consoleLocale(event, read.fields.lang);
  const back = { link: { href: withLang('/console/offers', locale), text: AUTH_TEXT[locale].backToConsole }, session };
  if (!read.ok)
    return { done: messagePage(UNREADABLE_STATUS[read.problem], locale, AUTH_TEXT[locale].unreadableForm, back) };
  const { csrf, ...form } = read.fields;
  if (!csrfTokenMatches(live.csrfToken, csrf)) {
    logger.warn('console post without the session token refused', {
      routeKey: event.routeKey,
      posted: csrf !== undefined,
    });
    return { done: messagePage(403, locale, AUTH_TEXT[locale].staleForm, back) };
  }
  return { request: { event, session, locale, form }, sessionId, live };
}

/**
 * A page only a signed-in partner reaches: without a live session, GET redirects to the sign-in
 * page (coming back afterwards) and POST is refused; a POST must also pass the CSRF checks before
 * `page` runs (checkConsoleRequest).
 */
export function signedIn(page: ConsolePage): PageHandler {
  return async (event) => {
    const checked = await checkConsoleRequest(event);
    return 'done' in checked ? checked.done : page(checked.request);
  };
}
