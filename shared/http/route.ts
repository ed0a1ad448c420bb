import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import {
  accessLog,
  problemErrors,
  type RequestSchemas,
  requirePartner,
  securityHeaders,
  validatedInput,
  validateRequest,
} from './middleware.ts';
import type { ApiEvent, ApiHandler, ApiResult, HttpRequest, PartnerRequest } from './types.ts';

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

function toRequest<S extends RequestSchemas>(
  event: ApiEvent,
): HttpRequest<Out<S['path']>, Out<S['query']>, Out<S['headers']>, Out<S['body']>> {
  const input = validatedInput.get(event);
  return {
    path: input?.path as Out<S['path']>,
    query: input?.query as Out<S['query']>,
    headers: input?.headers as Out<S['headers']>,
    body: input?.body as Out<S['body']>,
    requestId: event.requestContext.requestId,
    event,
  };
}

/**
 * A partner API route: every middleware attached in one place, error handler last. The route
 * function receives validated, typed input and the partner id, and returns a response.
 */
export function partnerRoute<S extends RequestSchemas>(
  schemas: S,
  fn: (
    request: PartnerRequest<Out<S['path']>, Out<S['query']>, Out<S['headers']>, Out<S['body']>>,
  ) => Promise<ApiResult>,
): ApiHandler {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(accessLog())
    .use(securityHeaders())
    .use(requirePartner())
    .use(validateRequest(schemas))
    .use(problemErrors())
    .handler(async (event) => {
      // requirePartner has already rejected events without a partner id.
      const partnerId = event.requestContext.authorizer?.lambda?.partnerId as string;
      return fn({ ...toRequest<S>(event), partnerId });
    });
}

/** A public JSON route: the same stack without the partner check. */
export function publicRoute<S extends RequestSchemas>(
  schemas: S,
  fn: (request: HttpRequest<Out<S['path']>, Out<S['query']>, Out<S['headers']>, Out<S['body']>>) => Promise<ApiResult>,
): ApiHandler {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(accessLog())
    .use(securityHeaders())
    .use(validateRequest(schemas))
    .use(problemErrors())
    .handler(async (event) => fn(toRequest<S>(event)));
}

/**
 * Routes one Lambda function's route keys to their handlers (a function serves a route group).
 * `HEAD <path>` without a handler of its own is answered by `GET <path>`'s, without the body
 * (shared/routes.ts gives every GET route a HEAD twin).
 */
export function routeGroup(handlers: Record<string, ApiHandler>): ApiHandler {
  return async (event, context) => {
    const handler = handlers[event.routeKey];
    if (handler) return handler(event, context);
    const get = headAsGet(event.routeKey, handlers);
    if (!get) throw new Error(`No handler for route ${event.routeKey}`);
    return withoutBody(await get(event, context));
  };
}

/** The GET handler that answers `routeKey` when it is a HEAD route without a handler of its own. */
export function headAsGet<H>(routeKey: string, handlers: Readonly<Record<string, H>>): H | undefined {
  return routeKey.startsWith('HEAD ') ? handlers[`GET ${routeKey.slice('HEAD '.length)}`] : undefined;
}

/**
 * A GET response as the answer to HEAD: the same status and headers, no body. Content-Length is
 * dropped rather than made up: the gateway sets it from the (empty) body.
 */
export function withoutBody(result: ApiResult): ApiResult {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-length'),
  );
  return { ...result, headers, body: '', isBase64Encoded: false };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
