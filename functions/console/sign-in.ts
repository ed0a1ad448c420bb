import { DynamoApiKeyStore } from '../../shared/db/api-keys.ts';
import { DynamoSignInAttemptStore } from '../../shared/db/console-sign-in-attempts.ts';
import { hashApiKey, isWellFormedApiKey } from '../../shared/domain/api-key.ts';
import { readFormBody } from '../../shared/http/form-body.ts';
import { isCrossSitePost } from '../../shared/http/origin.ts';
import type { PageHandler } from '../../shared/http/route-group.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { logger } from '../../shared/observability/logger.ts';
import { html } from '../../shared/render/html.ts';
import { AUTH_TEXT } from './auth-text.ts';
import { clearedSessionCookie, sessionCookie } from './cookie.ts';
import { consolePage } from './layout.ts';
import { messagePage, seeOther } from './messages.ts';
import { DEFAULT_RETURN_PATH, safeReturnPath } from './return-path.ts';
import { PUBLIC_BASE_URL, table } from './services.ts';
import {
  COOKIE_POLICY,
  checkConsoleRequest,
  consoleLocale,
  sameSiteReload,
  sessionIdOf,
  sessions,
  withLang,
} from './session.ts';
import { clientAddress, clientHash, SIGN_IN_FAILURES_PER_MINUTE, throttleWindow } from './sign-in-throttle.ts';

// Keys are read straight from the table at sign-in (no cache): a key revoked a second ago is refused.
const apiKeys = new DynamoApiKeyStore(table);
const attempts = new DynamoSignInAttemptStore(table);

/** A body that is not a readable form: the form again, as a wrong key would get it (nothing counted). */
const UNREADABLE_STATUS = 400;

/** The sign-in page offers the other language, named in that language. */
const OTHER_LANGUAGE: Record<Locale, { locale: Locale; name: string }> = {
  en: { locale: 'pt-BR', name: 'Português (Brasil)' },
  'pt-BR': { locale: 'en', name: 'English' },
};

interface SignInForm {
  readonly locale: Locale;
  readonly next: string | undefined;
  readonly error?: string;
  readonly notice?: string;
}

/** The sign-in page: one field, its hint, and (after a failed attempt) the error next to it and in a summary. */
function signInForm(statusCode: number, form: SignInForm): ApiResult {
  const text = AUTH_TEXT[form.locale].signIn;
  const summary = form.error
    ? html`<div class="alert" role="alert" tabindex="-1" autofocus id="error-summary" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">${text.errorSummary}</h2>
<ul><li><a href="#apiKey">${form.error}</a></li></ul>
</div>`
    : '';
  const notice = form.notice ? html`<p class="notice" role="status">${form.notice}</p>` : '';
  const describedBy = form.error ? 'apiKey-hint apiKey-error' : 'apiKey-hint';
  const other = OTHER_LANGUAGE[form.locale];
  const switchTo = `/console?lang=${other.locale}${form.next ? `&next=${encodeURIComponent(form.next)}` : ''}`;
  const main = html`${summary}${notice}<h1>${text.title}</h1>
<p><a href="${switchTo}" hreflang="${other.locale}" lang="${other.locale}">${other.name}</a></p>
<p>${text.intro}</p>
<form method="post" action="/console/sign-in" novalidate>
<input type="hidden" name="lang" value="${form.locale}">
${form.next ? html`<input type="hidden" name="next" value="${form.next}">` : ''}
<div class="field">
<label for="apiKey">${text.apiKey}</label>
<p class="hint" id="apiKey-hint">${text.apiKeyHint}</p>
${form.error ? html`<p class="error" id="apiKey-error">${form.error}</p>` : ''}
<input type="password" id="apiKey" name="apiKey" autocomplete="current-password" spellcheck="false" autocapitalize="off" required aria-describedby="${describedBy}"${form.error ? html` aria-invalid="true"` : ''}>
</div>
<button type="submit">${text.submit}</button>
</form>`;
  return consolePage(statusCode, {
    locale: form.locale,
    title: form.error ? `${text.errorSummary}: ${text.title}` : text.title,
    main,
  });
}

/** GET /console: the sign-in page, or straight to the offers for a partner already signed in. */
export const signInPage: PageHandler = async (event) => {
  const locale = consoleLocale(event);
  const next = safeReturnPath(event.queryStringParameters?.next);
  const id = sessionIdOf(event);
  // Only a request without the cookie can be the cross-site navigation that needs a reload.
  const reload = id ? undefined : sameSiteReload(event, locale);
  if (reload) return reload;
  if (id && (await sessions.resume(id))) return seeOther(withLang(next ?? DEFAULT_RETURN_PATH, locale));
  const notice = event.queryStringParameters?.signedOut === '1' ? AUTH_TEXT[locale].signIn.signedOut : undefined;
  const page = signInForm(200, { locale, next, ...(notice ? { notice } : {}) });
  // A cookie that no longer signs anyone in is dropped.
  return id ? { ...page, cookies: [clearedSessionCookie(COOKIE_POLICY)] } : page;
};

/**
 * POST /console/sign-in: a cross-site post is refused (login CSRF: there is no session to carry a
 * token yet, so the Origin check is the defence); a client over its failed-attempt limit gets 429
 * with Retry-After; then the key is checked by the API's own rules (shape, known, not revoked).
 * Every rejected key gets the same message, whatever the reason. A partner that may not create
 * offers still signs in (the wizard then says why it cannot create one).
 */
export const signIn: PageHandler = async (event) => {
  const read = readFormBody(event.body, event.isBase64Encoded, event.headers?.['content-type']);
  const locale = consoleLocale(event, read.fields.lang);
  const text = AUTH_TEXT[locale];
  if (isCrossSitePost(event.headers ?? {}, PUBLIC_BASE_URL)) {
    logger.warn('cross-site console sign-in refused');
    return messagePage(403, locale, text.crossSite, {
      link: { href: withLang('/console', locale), text: text.signInAgain },
    });
  }
  const { minute: windowMinute, retryAfterSeconds: retryAfter } = throttleWindow(Date.now());
  const client = clientHash(clientAddress(event));
  if ((await attempts.failures(client, windowMinute)) >= SIGN_IN_FAILURES_PER_MINUTE) {
    logger.warn('console sign-in throttled');
    return messagePage(429, locale, text.throttled(retryAfter), { headers: { 'retry-after': String(retryAfter) } });
  }
  const next = safeReturnPath(read.fields.next);
  if (!read.ok) return signInForm(UNREADABLE_STATUS, { locale, next, error: text.signIn.invalidKey });
  const key = (read.fields.apiKey ?? '').trim();
  if (key === '') return signInForm(422, { locale, next, error: text.signIn.missingKey });
  const wellFormed = isWellFormedApiKey(key);
  const record = wellFormed ? await apiKeys.getByHash(hashApiKey(key)) : undefined;
  if (!record || record.revokedAt !== undefined) {
    await attempts.addFailure(client, windowMinute);
    logger.info('console sign-in refused', {
      reason: !wellFormed ? 'malformed' : record ? 'revoked' : 'unknown',
    });
    return signInForm(401, { locale, next, error: text.signIn.invalidKey });
  }
  // A session the browser still had (another person's, or an old one of this one) ends here: one
  // browser, one session, and a fresh id on every sign-in. The two writes touch different items, so
  // they run side by side (one round trip); if ending fails, the new session's cookie is never sent.
  const previous = sessionIdOf(event);
  const [{ id }] = await Promise.all([sessions.start(record), previous ? sessions.end(previous) : undefined]);
  logger.info('console sign-in', { partnerId: record.partnerId, keyId: record.keyId });
  return seeOther(withLang(next ?? DEFAULT_RETURN_PATH, locale), [sessionCookie(COOKIE_POLICY, id)]);
};

/**
 * POST /console/sign-out: ends the session (its cookie signs nobody in from now on), clears the
 * cookie and goes to the sign-in page. Needs the session's CSRF token like every console POST;
 * without a live session there is nothing to end, and it goes to sign-in all the same.
 */
export const signOut: PageHandler = async (event) => {
  const checked = await checkConsoleRequest(event, { missingPost: 'redirect' });
  if ('done' in checked) return checked.done;
  await sessions.end(checked.sessionId);
  logger.info('console sign-out', { partnerId: checked.live.partnerId, keyId: checked.live.keyId });
  return seeOther(`${withLang('/console', checked.request.locale)}&signedOut=1`, [clearedSessionCookie(COOKIE_POLICY)]);
};
