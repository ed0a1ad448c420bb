import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { lambdaContext, logger } from '../observability/logger.ts';
import { EDGE_PAGE_CSP, edgePage, edgeProblem, isApiPath } from './edge-responses.ts';
import { ORIGIN_VERIFY_HEADER, type OriginCheck, originCheckFromEnv, verifyOrigin } from './origin-check.ts';
import { mapError, problemResponse, ServiceUnavailableError } from './problem.ts';
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

/**
 * One log line per request (route, status, latency, partner) and the request id echoed back. The
 * request id is every line's `correlation_id` (requestContext, the chain's first step).
 */
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
    },
    after: ({ event, response }) => finish(event, response),
    onError: ({ event, response }) => finish(event, response),
  };
}

/**
 * The Lambda context and the API Gateway request id (`correlation_id`) on every log line of the
 * request; first in the chain, so its `after` runs last and drops the request's keys after the
 * access log line is written.
 */
export function requestContext(): Middleware {
  return lambdaContext<ApiEvent, ApiResult>((event) => event.requestContext.requestId);
}

export function securityHeaders(): Middleware {
  return {
    after: ({ response }) => withHeaders(response, SECURITY_HEADERS),
    onError: ({ response }) => withHeaders(response, SECURITY_HEADERS),
  };
}

/** The request did not come through CloudFront (thrown by `originVerification`). */
export class OriginRefusedError extends Error {
  override readonly name = 'OriginRefusedError';
}
/** The origin secret could not be read: the request cannot be judged now (503, Retry-After). */
export class OriginUnavailableError extends Error {
  override readonly name = 'OriginUnavailableError';
}

/** Read from the environment once per execution environment; on AWS the secret's first read starts here. */
const ORIGIN_CHECK: OriginCheck = originCheckFromEnv();

/**
 * Refuses requests that did not come through CloudFront (shared/http/origin-check.ts decides). The
 * first route step, so that nothing (the partner check, validation, the table) runs for them; off
 * on the local stage only.
 */
export function originVerification(check: OriginCheck = ORIGIN_CHECK): Middleware {
  return {
    before: async ({ event }) => {
      const verdict = await verifyOrigin(check, event.headers?.[ORIGIN_VERIFY_HEADER]);
      if (verdict === 'pass') return;
      if (verdict === 'unavailable') throw new OriginUnavailableError('The origin secret could not be read');
      if (check.mode === 'misconfigured') logger.error('origin check misconfigured', { reason: check.reason });
      else logger.warn('request refused: not through CloudFront', { routeKey: event.routeKey });
      throw new OriginRefusedError('The request did not come through CloudFront');
    },
  };
}

/**
 * The answer to an origin refusal, in the path's format: a problem under /v1, a page elsewhere
 * (customers, the console). Undefined for any other error.
 */
export function originErrorResponse(error: unknown, event: ApiEvent): ApiResult | undefined {
  const api = isApiPath(event.rawPath ?? '');
  if (error instanceof OriginRefusedError) {
    if (api) return problemResponse({ ...edgeProblem('edge-required'), requestId: event.requestContext.requestId });
    return edgePageResponse(403, edgePage('edge-required'));
  }
  if (error instanceof OriginUnavailableError) {
    const mapped = mapError(new ServiceUnavailableError(error.message), event.requestContext.requestId);
    if (api) return problemResponse(mapped.problem, mapped.headers);
    return edgePageResponse(503, edgePage('unavailable'), mapped.headers);
  }
  return undefined;
}

function edgePageResponse(statusCode: number, body: string, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': EDGE_PAGE_CSP, ...headers },
    body,
  };
}

/**
 * How long before the function's timeout a route that is still waiting gives up and answers (ms).
 * Every table call has its own budget, but a route makes several in a row, so together they can
 * outlast the function: then middy ends the wait with a TimeoutError, which every error policy
 * answers as the table unavailable (503, Retry-After). Middy's own default leaves 5 ms, too little
 * to render the error page, write the log line and hand the response back before Lambda stops the
 * function and API Gateway answers its bare 500 instead.
 */
export const ANSWER_BEFORE_TIMEOUT_MS = 500;

/**
 * API Gateway's longest wait for an HTTP API integration (ms): past it the caller gets API
 * Gateway's own bare 504, whatever the function's own timeout (AWS, "Amazon API Gateway quotas":
 * HTTP API integration timeout 30 seconds; AWS Knowledge Center "api-gateway-504-errors": a longer
 * integration is answered 504; both read 2026-11-30). A function that also serves a schedule has a
 * longer timeout (the office sync's 300 s), so routes count from this too.
 */
export const HTTP_API_TIMEOUT_MS = 30_000;

/**
 * The context as the route sees it: time left is the function's or API Gateway's, whichever ends
 * first, counted from when API Gateway took the request (`timeEpoch`). Without a deadline (the
 * tests' bare contexts) it is left alone.
 */
function withHttpApiDeadline(event: ApiEvent, context: Context): Context {
  const functionRemaining = context?.getRemainingTimeInMillis;
  if (typeof functionRemaining !== 'function') return context;
  const gatewayDeadline = (event.requestContext?.timeEpoch ?? Date.now()) + HTTP_API_TIMEOUT_MS;
  return {
    ...context,
    getRemainingTimeInMillis: () =>
      Math.max(0, Math.min(functionRemaining.call(context), gatewayDeadline - Date.now())),
  };
}

/**
 * One route's middy chain, the same for every route: the log context, the access log and security headers, the
 * origin check, then the route's own steps (`steps`, in order), then the error policy, then the
 * handler. The error policy is attached last so that its onError runs first (middy runs onError in
 * reverse) and the log line and headers see the response it made; origin refusals are answered
 * here, in the path's format, before the route's own policy sees any error.
 */
export function httpRoute(
  steps: readonly Middleware[],
  errors: ErrorPolicy,
  fn: (event: ApiEvent) => Promise<ApiResult>,
  check: OriginCheck = ORIGIN_CHECK,
): ApiHandler {
  const policy: ErrorPolicy = {
    onError: (request) => {
      const refusal = originErrorResponse(request.error, request.event);
      if (!refusal) return errors.onError(request);
      request.response = refusal;
    },
  };
  const chain = middy<ApiEvent, ApiResult, Error, Context>({ timeoutEarlyInMillis: ANSWER_BEFORE_TIMEOUT_MS })
    .use([requestContext(), accessLog(), securityHeaders(), originVerification(check), ...steps, policy])
    .handler((event) => fn(event));
  return (event, context) => chain(event, withHttpApiDeadline(event, context));
}
