import { MethodNotAllowedError, NotFoundError } from '../../shared/domain/errors.ts';
import { publicRoute } from '../../shared/http/route.ts';
import { routeGroup, withoutBody } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiHandler, ApiResult } from '../../shared/http/types.ts';
import { isLocale, type Locale, negotiateLocale } from '../../shared/i18n/locale.ts';
import { layout, messagePage, pageResponse } from '../../shared/offer-page/layout.ts';
import { offerLinkTarget, offerPageRedirect } from '../../shared/offer-page/links.ts';
import { html } from '../../shared/render/html.ts';
import { SITE_ICON_CACHE_CONTROL, SITE_ICON_PATH, SITE_ICON_SVG } from '../../shared/render/site-icon.ts';
import { methodsForPath } from '../../shared/routes.ts';

/**
 * Customer links live under /o/ (typed `/O/` too): every answer there is a page a person can read,
 * never JSON.
 */
const OFFER_PAGE_PATH_PREFIX = /^\/o\//i;

/**
 * An offer page path that matched no route: a known path with another method is a 405 page naming
 * the methods it takes (`Allow`); a GET or HEAD of a pasted or mistyped link is redirected to where
 * it belongs (offerLinkTarget); anything else is the 404 page.
 */
function offerPagePathAnswer(event: ApiEvent, method: string): ApiResult {
  const path = event.rawPath;
  const locale = negotiateLocale(event.headers?.['accept-language']);
  const allowed = methodsForPath(path);
  if (allowed.length > 0) {
    return pageResponse(405, messagePage(locale, 'methodNotAllowed'), { headers: { allow: allowed.join(', ') } });
  }
  const target = method === 'GET' || method === 'HEAD' ? offerLinkTarget(path.slice(3)) : undefined;
  if (target) return offerPageRedirect(target, event);
  return pageResponse(404, messagePage(locale, 'notFound'));
}

/** The partner console's pages (any case: a typed address). */
const CONSOLE_PATH_PREFIX = /^\/console(\/|$)/i;

const CONSOLE_TEXT: Record<
  Locale,
  { notFound: readonly [string, string]; methodNotAllowed: readonly [string, string]; offers: string }
> = {
  en: {
    notFound: ['Page not found', 'There is no such page in the console. Check the address, or go to your offers.'],
    methodNotAllowed: [
      'This address cannot be used this way',
      'Use the console’s own links and forms: go to your offers and start from there.',
    ],
    offers: 'Go to your offers',
  },
  'pt-BR': {
    notFound: [
      'Página não encontrada',
      'Não existe esta página no console. Confira o endereço ou vá para suas ofertas.',
    ],
    methodNotAllowed: [
      'Este endereço não pode ser usado assim',
      'Use os links e formulários do próprio console: vá para suas ofertas e comece por lá.',
    ],
    offers: 'Ir para suas ofertas',
  },
};

/**
 * A console path that matched no route: a known page with a trailing slash is redirected to it;
 * anything else is a page a partner can read (the console's language choice,
 * `?lang=`, first), with a link back to the offers (which send to sign-in without a session). The
 * frame is the customer pages' (already in this bundle, same strict CSP: no script, styles by hash,
 * never framed) rather than the console's own layout: the fallback then needs nothing from the
 * console function and shows no session, since it reads none.
 */
function consolePathAnswer(event: ApiEvent, method: string): ApiResult {
  const bare = event.rawPath.replace(/\/+$/, '');
  if ((method === 'GET' || method === 'HEAD') && bare !== event.rawPath && methodsForPath(bare).includes('GET')) {
    // `/console/` as people type it (and any console page with a trailing slash): the page itself.
    // The target is a path of the route table, under /console, so it cannot lead off the site.
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    return { statusCode: 308, headers: { location: `${bare}${query}`, 'cache-control': 'no-store' }, body: '' };
  }
  const asked = event.queryStringParameters?.lang;
  const locale = asked !== undefined && isLocale(asked) ? asked : negotiateLocale(event.headers?.['accept-language']);
  const text = CONSOLE_TEXT[locale];
  const allowed = methodsForPath(event.rawPath);
  const [title, body] = allowed.length > 0 ? text.methodNotAllowed : text.notFound;
  const page = layout(
    locale,
    title,
    html`<h1>${title}</h1><p>${body}</p><p><a href="/console/offers?lang=${locale}">${text.offers}</a></p>`,
  );
  if (allowed.length > 0) return pageResponse(405, page, { headers: { allow: allowed.join(', ') } });
  return pageResponse(404, page);
}

/**
 * API Gateway's `$default` route: the request matched no route. A known path with another
 * method is a 405 naming the methods it takes (`Allow`, HEAD included wherever GET is); anything
 * else is a 404. Customer and console paths answer with pages, the API with problem details.
 */
const answer = publicRoute({}, async ({ event }) => {
  const path = event.rawPath;
  const method = event.requestContext.http.method;
  if (OFFER_PAGE_PATH_PREFIX.test(path)) return offerPagePathAnswer(event, method);
  if (CONSOLE_PATH_PREFIX.test(path)) return consolePathAnswer(event, method);
  const allowed = methodsForPath(path);
  if (allowed.length > 0) throw new MethodNotAllowedError(method, allowed);
  throw new NotFoundError(
    'not-found',
    'Not found',
    'There is no such endpoint. The partner API is under /v1 (see GET /v1/catalog, /v1/offers).',
  );
});

/**
 * GET /favicon.svg: the service's icon, the same bytes for everyone, so browsers and CloudFront
 * may keep it (SITE_ICON_CACHE_CONTROL); the chain adds the security headers every answer carries
 * (its CSP `default-src 'none'` also keeps an SVG opened on its own inert).
 */
const siteIcon = publicRoute({}, async () => ({
  statusCode: 200,
  headers: { 'content-type': 'image/svg+xml', 'cache-control': SITE_ICON_CACHE_CONTROL },
  body: SITE_ICON_SVG,
}));

/**
 * GET /favicon.ico, which browsers ask for on a page that declares no icon and crawlers ask for
 * blindly: a permanent redirect to the SVG rather than an ICO copy of it, so there is one icon to
 * keep; 301 rather than 308, which browsers old enough to ask blindly may not know. Cacheable as
 * long as the icon: a browser or edge that followed it once does not ask again.
 */
const legacyIcon = publicRoute({}, async () => ({
  statusCode: 301,
  headers: { location: SITE_ICON_PATH, 'cache-control': SITE_ICON_CACHE_CONTROL },
  body: '',
}));

/** The fallback's own routes of the route table (the icon's); everything else reaches `handler` as `$default`. */
export const api = routeGroup('fallback', { 'GET /favicon.svg': siteIcon, 'GET /favicon.ico': legacyIcon });

/**
 * The icon's routes by their route keys, every other request (`$default`) by `answer`. A HEAD
 * request gets the same status and headers, without the body (RFC 9110 §9.3.2).
 */
export const handler: ApiHandler = async (event, context) => {
  const result = api.routeKeys.includes(event.routeKey) ? await api(event, context) : await answer(event, context);
  return event.requestContext.http.method === 'HEAD' ? withoutBody(result) : result;
};
