import type { Context } from 'aws-lambda';
import type { HeadTwinKey, RoutedFunction, RouteKey } from '../routes.ts';
import { type ErrorPolicy, httpRoute } from './chain.ts';
import type { ApiEvent, ApiHandler, ApiResult } from './types.ts';

/**
 * One function's handlers, by route key, checked against the route table: the map names every
 * route of F (a missing one, a typo or another function's route does not compile), except the
 * HEAD twins of GET routes, which it may name when HEAD needs more than GET without the body.
 */
export type RouteHandlers<F extends RoutedFunction, H = ApiHandler> = {
  readonly [K in Exclude<RouteKey<F>, HeadTwinKey<F>>]: H;
} & { readonly [K in HeadTwinKey<F>]?: H };

/** A function's route group: its Lambda handler, and the route keys it answers. */
export interface RouteGroup extends ApiHandler {
  /** The keys named in its map, and `HEAD <path>` for each `GET <path>` among them. */
  readonly routeKeys: readonly string[];
}

/**
 * Routes one Lambda function's route keys to their handlers (a function serves a route group).
 * `HEAD <path>` without a handler of its own is answered by `GET <path>`'s, without the body
 * (shared/routes.ts gives every GET route a HEAD twin). A route key the map does not name throws:
 * API Gateway only sends the function the routes the table gives it.
 */
export function routeGroup<F extends RoutedFunction>(fn: F, handlers: RouteHandlers<F>): RouteGroup {
  const byKey: Readonly<Record<string, ApiHandler>> = handlers;
  const named = Object.keys(byKey);
  const twins = named.flatMap((key) => (key.startsWith('GET ') ? [`HEAD ${key.slice('GET '.length)}`] : []));
  const group = async (event: ApiEvent, context: Context): Promise<ApiResult> => {
    const handler = byKey[event.routeKey];
    if (handler) return handler(event, context);
    const get = headAsGet(event.routeKey, byKey);
    if (!get) throw new Error(`No handler for route ${event.routeKey} in function ${fn}`);
    return withoutBody(await get(event, context));
  };
  return Object.assign(group, { routeKeys: [...new Set([...named, ...twins])] });
}

/** A page's route: the event in, the response out (a page reads its own path, query and form). */
export type PageHandler = (event: ApiEvent) => Promise<ApiResult>;

/**
 * An HTML route group: each route runs through the same chain as a JSON route (access log,
 * security headers, error policy last) without the JSON request validation, and errors are answered
 * by the group's own error policy (its HTML error pages) instead of problem details.
 */
export function htmlRouteGroup<F extends RoutedFunction>(
  fn: F,
  errors: ErrorPolicy,
  handlers: RouteHandlers<F, PageHandler>,
): RouteGroup {
  const pages: Readonly<Record<string, PageHandler>> = handlers;
  const routes = Object.fromEntries(Object.entries(pages).map(([key, page]) => [key, httpRoute([], errors, page)]));
  return routeGroup(fn, routes as RouteHandlers<F>);
}

/** The GET handler that answers `routeKey` when it is a HEAD route without a handler of its own. */
function headAsGet<H>(routeKey: string, handlers: Readonly<Record<string, H>>): H | undefined {
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
