import { canonicalOfferRedirect } from '../../shared/customer/links.ts';
import { messagePage, pageResponse } from '../../shared/customer/pages.ts';
import { MethodNotAllowedError, NotFoundError } from '../../shared/domain/errors.ts';
import { summaryIdFromLink } from '../../shared/domain/summary-id.ts';
import { publicRoute, withoutBody } from '../../shared/http/route.ts';
import type { ApiHandler } from '../../shared/http/types.ts';
import { negotiateLocale } from '../../shared/i18n/locale.ts';
import { methodsForPath } from '../../shared/routes.ts';

/** Customer links live under /o/: a mistyped one gets a page a person can read, not JSON. */
const CUSTOMER_PATH_PREFIX = '/o/';

/**
 * API Gateway's `$default` route: the request matched no route. A known path with another
 * method is a 405 naming the methods it takes (`Allow`, HEAD included wherever GET is); anything
 * else is a 404.
 */
const answer = publicRoute({}, async ({ event }) => {
  const path = event.rawPath;
  const allowed = methodsForPath(path);
  if (allowed.length > 0) throw new MethodNotAllowedError(event.requestContext.http.method, allowed);
  if (path.startsWith(CUSTOMER_PATH_PREFIX)) {
    // `/o/CODE/` and `/o/CODE/.` match no route: a pasted link with a trailing slash still lands.
    const method = event.requestContext.http.method;
    const summaryId = summaryIdFromLink(path.slice(CUSTOMER_PATH_PREFIX.length));
    if (summaryId && (method === 'GET' || method === 'HEAD')) return canonicalOfferRedirect(summaryId, event);
    return pageResponse(404, messagePage(negotiateLocale(event.headers?.['accept-language']), 'notFound'));
  }
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
