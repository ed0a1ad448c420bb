import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { errorForLog } from '../../shared/db/errors.ts';
import type { ApiEvent, ApiResult, PartnerAuthorizerContext } from '../../shared/http/types.ts';
import {
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  FALLBACK_FUNCTION,
  FUNCTIONS,
  type FunctionName,
  ROUTES,
  type Route,
  routeKey,
  routePattern,
} from '../../shared/routes.ts';

type Handler = (event: never, context: Context) => Promise<unknown>;

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly params: string[];
}

function compile(route: Route): CompiledRoute {
  return { route, ...routePattern(route.path) };
}

function lambdaContext(functionName: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A malformed escape (`%E0%A4%A`) is passed on as sent; the handler's validation rejects it. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * As an HTTP API passes a request body to Lambda (payload 2.0): as text only for `text/*`,
 * `application/json`, `application/xml` and `application/javascript`; every other type, a form
 * post and a body without Content-Type included, base64-encoded with `isBase64Encoded: true`.
 * AWS documents the mechanism, not the list; the list is the one measured against a live HTTP API
 * (ministackorg/ministack pull request 766, 2026-06). Bytes that are not UTF-8 are base64-encoded
 * whatever the type, so a handler sees exactly what was sent, never U+FFFD in their place.
 */
const TEXT_BODY_TYPES = /^(?:text\/[^;\s]*|application\/(?:json|xml|javascript))\s*(?:;|$)/i;
// ignoreBOM keeps a leading U+FEFF in the text (the decoder strips it by default): passed as sent.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function bodyAsText(raw: Buffer, contentType: string | undefined): string | undefined {
  if (!TEXT_BODY_TYPES.test(contentType ?? '')) return undefined;
  try {
    return strictUtf8.decode(raw);
  } catch {
    return undefined;
  }
}

export interface LocalGatewayOptions {
  /** Loads a function's handler; defaults to importing its entry from the repository. */
  readonly loadHandler?: (name: FunctionName) => Promise<Handler>;
  readonly routes?: readonly Route[];
  /** Called with each function's structured output errors (for the console). */
  readonly onError?: (error: unknown) => void;
  /** Every function's timeout in ms, instead of its spec's (tests). */
  readonly timeoutMs?: number;
  /**
   * Files served as they are for GET and HEAD at these exact paths, ahead of the routes: local
   * stand-ins for what lives elsewhere on AWS (the demo partner's logo).
   */
  readonly staticFiles?: Readonly<Record<string, { readonly contentType: string; readonly body: string }>>;
  /**
   * Called with each request a function answered (its route key, the event it got and its result):
   * the tests check these exchanges against the OpenAPI document.
   */
  readonly onExchange?: (exchange: {
    readonly routeKey: string;
    readonly event: ApiEvent;
    readonly result: ApiResult;
  }) => void;
}

/**
 * How `npm start` reports a request the gateway could not complete: one line through errorForLog,
 * never the error object, whose message, cause or `$response` may quote a signed request.
 */
export function logGatewayError(error: unknown, print: (...args: unknown[]) => void = console.error): void {
  print('gateway error', errorForLog(error));
}

const defaultLoader = async (name: FunctionName): Promise<Handler> => {
  const module = (await import(pathToFileURL(resolve(FUNCTIONS[name].entry)).href)) as { handler: Handler };
  return module.handler;
};

/**
 * A local stand-in for the HTTP API: it matches the same route table, runs the same authorizer
 * for partner routes, builds API Gateway payload v2 events and writes the handlers' results back.
 * Handlers read their environment at import, so set it before the first request.
 */
/** A function ran past its timeout: Lambda stops it, and API Gateway answers its bare 500. */
export class FunctionTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'FunctionTimeoutError';
  }
}

export function createLocalGateway(options: LocalGatewayOptions = {}): Server {
  const routes = (options.routes ?? ROUTES).map(compile);
  const load = options.loadHandler ?? defaultLoader;
  const handlers = new Map<FunctionName, Promise<Handler>>();
  const handlerFor = (name: FunctionName) => {
    let handler = handlers.get(name);
    if (!handler) {
      handler = load(name);
      handlers.set(name, handler);
    }
    return handler;
  };

  /**
   * Runs a handler as Lambda would: with its context and no longer than its timeout (the stack's
   * setting), so a handler that hangs locally fails the way it would on AWS instead of waiting.
   */
  const invoke = async <T>(name: FunctionName, requestId: string, call: (context: Context) => Promise<T>) => {
    const timeoutMs =
      options.timeoutMs ??
      ((FUNCTIONS[name] as { timeoutSeconds?: number }).timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(name, timeoutMs)), timeoutMs);
    });
    try {
      return await Promise.race([call(lambdaContext(name, requestId, timeoutMs)), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    const send = (result: ApiResult) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      headers['apigw-requestid'] ??= requestId;
      res.writeHead(result.statusCode ?? 200, headers);
      res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    };

    const file = options.staticFiles?.[url.pathname];
    if (file && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': file.contentType,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(method === 'HEAD' ? undefined : file.body);
      return;
    }

    const matches = routes
      .map((compiled) => ({ compiled, match: compiled.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null)
      // As API Gateway: a literal segment wins over a {parameter} (`/console/offers/new` over
      // `/console/offers/{summaryId}`).
      .sort((a, b) => a.compiled.params.length - b.compiled.params.length);
    const found = matches.find((candidate) => candidate.compiled.route.method === method);
    // Unmatched requests take API Gateway's `$default` route, as deployed.
    const route: Pick<Route, 'function' | 'auth'> = found?.compiled.route ?? {
      function: FALLBACK_FUNCTION,
      auth: 'public',
    };
    const params = found?.compiled.params ?? [];
    const key = found ? routeKey(found.compiled.route) : '$default';

    // API Gateway v2: lower-cased header names, repeated headers and query values joined by commas.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
    const pathParameters: Record<string, string> = {};
    params.forEach((name, index) => {
      pathParameters[name] = decodePathSegment(found?.match?.[index + 1] ?? '');
    });
    const raw = await readBody(req);
    const text = raw.length > 0 ? bodyAsText(raw, headers['content-type']) : undefined;
    const now = new Date();
    const requestContext = {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    };
    const base = {
      version: '2.0' as const,
      routeKey: key,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(params.length > 0 ? { pathParameters } : {}),
    };

    let authorizer: { lambda: PartnerAuthorizerContext } | undefined;
    if (route.auth === 'partner') {
      // As deployed: no identity source, so the authorizer runs for every partner request, with
      // or without an Authorization header.
      const authorize = (await handlerFor('authorizer')) as unknown as (
        event: APIGatewayRequestAuthorizerEventV2,
        context: Context,
      ) => Promise<{ isAuthorized: boolean; context?: PartnerAuthorizerContext }>;
      const decision = await invoke('authorizer', randomUUID(), (context) =>
        authorize(
          {
            ...base,
            type: 'REQUEST',
            routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${method}${url.pathname}`,
            identitySource: [],
            requestContext,
          } as unknown as APIGatewayRequestAuthorizerEventV2,
          context,
        ),
      );
      if (!decision.isAuthorized) {
        return send({
          statusCode: 403,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"Forbidden"}',
        });
      }
      authorizer = { lambda: decision.context ?? {} };
    }

    const event = {
      ...base,
      ...(raw.length > 0 ? { body: text ?? raw.toString('base64') } : {}),
      isBase64Encoded: raw.length > 0 && text === undefined,
      requestContext: { ...requestContext, ...(authorizer ? { authorizer } : {}) },
    } as ApiEvent;
    const handler = (await handlerFor(route.function)) as unknown as (e: ApiEvent, c: Context) => Promise<ApiResult>;
    const result = await invoke(route.function, requestId, (context) => handler(event, context));
    options.onExchange?.({ routeKey: key, event, result });
    send(result);
  };

  return createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      options.onError?.(error);
      // What API Gateway returns when the integration itself fails.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    });
  });
}
