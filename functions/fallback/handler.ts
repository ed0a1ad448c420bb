import { MethodNotAllowedError, NotFoundError } from '../../shared/domain/errors.ts';
import { publicRoute } from '../../shared/http/route.ts';
import { withoutBody } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiHandler, ApiResult } from '../../shared/http/types.ts';
import { negotiateLocale } from '../../shared/i18n/locale.ts';
import { messagePage, pageResponse } from '../../shared/offer-page/layout.ts';
import { offerLinkTarget, offerPageRedirect } from '../../shared/offer-page/links.ts';
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

/**
 * API Gateway's `$default` route: the request matched no route. A known path with another
 * method is a 405 naming the methods it takes (`Allow`, HEAD included wherever GET is); anything
 * else is a 404. Customer paths answer with pages, the API with problem details.
 */
const answer = publicRoute({}, async ({ event }) => {
  const path = event.rawPath;
  const method = event.requestContext.http.method;
  if (OFFER_PAGE_PATH_PREFIX.test(path)) return offerPagePathAnswer(event, method);
  const allowed = methodsForPath(path);
  if (allowed.length > 0) throw new MethodNotAllowedError(method, allowed);
  throw new NotFoundError(
    'not-found',
    'Not found',
    'There is no such endpoint. The partner API is under /v1 (see GET /v1/catalog, /v1/offers).',
  );
});

/** A HEAD request gets the same status and headers, without the body (RFC 9110 §9.3.2). */
export const handler: ApiHandler = async (event, context) => {
  const result = await answer(event, context);
  return event.requestContext.http.method === 'HEAD' ? withoutBody(result) : result;
};
