import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { messagePage, pageCsp } from '../../shared/customer/pages.ts';
import { accessLog, problemErrors, securityHeaders } from '../../shared/http/middleware.ts';
import { PROBLEM_TYPE_PREFIX, problemResponse } from '../../shared/http/problem.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { negotiateLocale } from '../../shared/i18n/locale.ts';
import { methodsForPath } from '../../shared/routes.ts';

/** Customer links live under /o/: a mistyped one gets a page a person can read, not JSON. */
const CUSTOMER_PATH_PREFIX = '/o/';

function notFoundPage(event: ApiEvent): ApiResult {
  return {
    statusCode: 404,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      // The page has no form and no script: the page CSP with no extra form target.
      'content-security-policy': pageCsp("'self'"),
      'cache-control': 'no-store, private',
    },
    body: messagePage(negotiateLocale(event.headers?.['accept-language']), 'notFound'),
  };
}

/**
 * API Gateway's `$default` route: the request matched no route. A known path with another
 * method is a 405 naming the methods it takes; anything else is a 404.
 */
async function unmatched(event: ApiEvent): Promise<ApiResult> {
  const path = event.rawPath;
  const method = event.requestContext.http.method;
  const requestId = event.requestContext.requestId;
  const allowed = methodsForPath(path);
  if (allowed.length > 0) {
    const allow = allowed.join(', ');
    return problemResponse(
      {
        type: `${PROBLEM_TYPE_PREFIX}method-not-allowed`,
        title: 'Method not allowed',
        status: 405,
        detail: `${method} is not supported here; this path takes ${allow}.`,
        requestId,
      },
      { allow },
    );
  }
  if (path.startsWith(CUSTOMER_PATH_PREFIX)) return notFoundPage(event);
  return problemResponse({
    type: `${PROBLEM_TYPE_PREFIX}not-found`,
    title: 'Not found',
    status: 404,
    detail: 'There is no such endpoint. The partner API is under /v1 (see GET /v1/catalog, /v1/offers).',
    requestId,
  });
}

export const handler = middy<ApiEvent, ApiResult, Error, Context>()
  .use(accessLog())
  .use(securityHeaders())
  .use(problemErrors())
  .handler(unmatched);
