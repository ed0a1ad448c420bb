import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import type { ApiEvent, ApiHandler, ApiResult } from './types.ts';

/**
 * The steps every HTTP route runs through, JSON or HTML alike. Kept apart from the JSON steps
 * (request validation, partner check, problem details) so that a page imports only these.
 */
export type Middleware = MiddlewareObj<ApiEvent, ApiResult, Error, Context>;

/**
 * How a route group answers an error its routes throw: an `onError` step that sets the response.
 * The JSON API answers RFC 9457 problems (problemErrors); the customer page answers HTML pages.
 */
export type ErrorPolicy = Middleware & Required<Pick<Middleware, 'onError'>>;

/** Header values that must be set on every response unless the route chose its own. */
const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function withHeaders(response: ApiResult | null | undefined, headers: Record<string, string>): void {
  if (!response) return;
  response.headers ??= {};
  const existing = response.headers;
  const present = new Set(Object.keys(existing).map((k) => k.toLowerCase()));
  for (const [name, value] of Object.entries(headers)) {
    if (!present.has(name)) existing[name] = value;
  }
}

/** One log line per request (route, status, latency, partner) and the request id echoed back. */
export function accessLog(): Middleware {
  const startedAt = new WeakMap<ApiEvent, number>();
  const finish = (event: ApiEvent, response: ApiResult | null | undefined) => {
    withHeaders(response, { 'x-request-id': event.requestContext.requestId });
    logger.info('request', {
      routeKey: event.routeKey,
      status: response?.statusCode,
      latencyMs: Math.round(performance.now() - (startedAt.get(event) ?? performance.now())),
      partnerId: event.requestContext.authorizer?.lambda?.partnerId,
    });
  };
  return {
    before: ({ event }) => {
      startedAt.set(event, performance.now());
      logger.appendKeys({ requestId: event.requestContext.requestId });
    },
    after: ({ event, response }) => finish(event, response),
    onError: ({ event, response }) => finish(event, response),
  };
}

export function securityHeaders(): Middleware {
  return {
    after: ({ response }) => withHeaders(response, SECURITY_HEADERS),
    onError: ({ response }) => withHeaders(response, SECURITY_HEADERS),
  };
}

/**
 * One route's middy chain, the same for every route: the access log and security headers, then
 * the route's own steps (`steps`, in order), then the error policy, then the handler. The error
 * policy is attached last so that its onError runs first (middy runs onError in reverse) and the
 * log line and headers see the response it made.
 */
export function httpRoute(
  steps: readonly Middleware[],
  errors: ErrorPolicy,
  fn: (event: ApiEvent) => Promise<ApiResult>,
): ApiHandler {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use([accessLog(), securityHeaders(), ...steps, errors])
    .handler((event) => fn(event));
}
