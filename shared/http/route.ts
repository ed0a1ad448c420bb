import type * as z from 'zod/mini';
import { httpRoute } from './chain.ts';
import { problemErrors, type RequestSchemas, requirePartner, validatedInput, validateRequest } from './middleware.ts';
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
 * A partner API route (httpRoute's chain with the partner check, request validation and problem
 * details). The route function receives validated, typed input and the partner id, and returns a
 * response.
 */
export function partnerRoute<S extends RequestSchemas>(
  schemas: S,
  fn: (
    request: PartnerRequest<Out<S['path']>, Out<S['query']>, Out<S['headers']>, Out<S['body']>>,
  ) => Promise<ApiResult>,
): ApiHandler {
  return httpRoute([requirePartner(), validateRequest(schemas)], problemErrors(), async (event) => {
    // requirePartner has already rejected events without a partner id.
    const partnerId = event.requestContext.authorizer?.lambda?.partnerId as string;
    return fn({ ...toRequest<S>(event), partnerId });
  });
}

/** A public JSON route: the same chain without the partner check. */
export function publicRoute<S extends RequestSchemas>(
  schemas: S,
  fn: (request: HttpRequest<Out<S['path']>, Out<S['query']>, Out<S['headers']>, Out<S['body']>>) => Promise<ApiResult>,
): ApiHandler {
  return httpRoute([validateRequest(schemas)], problemErrors(), async (event) => fn(toRequest<S>(event)));
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
