import * as z from 'zod/mini';
import { errorForLog } from '../db/errors.ts';
import { UnauthorizedError } from '../domain/errors.ts';
import { logger } from '../observability/logger.ts';
import type { ErrorPolicy, Middleware } from './chain.ts';
import { type FieldError, mapError, problemResponse, RequestError, ServiceUnavailableError } from './problem.ts';
import type { ApiEvent } from './types.ts';
import { fieldPath, repeatedError, repeatedParameters, toFieldErrors } from './validation.ts';

// The JSON API's own steps (request validation, the partner check, RFC 9457 problems); the steps
// every route runs, JSON or HTML, are in chain.ts.

/** Parsed, validated request parts, attached to the event by `validateRequest`. */
export interface ValidatedInput {
  path: unknown;
  query: unknown;
  headers: unknown;
  body: unknown;
}
export const validatedInput = new WeakMap<ApiEvent, ValidatedInput>();

export interface RequestSchemas {
  readonly path?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  readonly headers?: z.ZodMiniType;
  readonly body?: z.ZodMiniType;
}

const MAX_BODY_BYTES = 64 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * API Gateway base64-encodes a body it cannot pass as text; a JSON body must still be UTF-8
 * (RFC 8259), so bytes that are not are refused rather than turned into U+FFFD.
 */
function decodeBody(event: ApiEvent): string | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  if (!event.isBase64Encoded) return event.body;
  try {
    return strictUtf8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw new RequestError(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid UTF-8.', [
      { field: 'body', rule: 'utf8', message: 'is not valid UTF-8' },
    ]);
  }
}

function header(event: ApiEvent, name: string): string | undefined {
  // API Gateway v2 lower-cases header names; the local gateway does the same.
  return event.headers?.[name];
}

/**
 * What an action route that takes no body (rotate a secret, ping, sync) accepts when a client sends
 * one anyway: `{}`, as many JSON clients post, or `null`, what .NET's `PostAsJsonAsync(url, null)`
 * and `JSON.stringify(null)` send. Anything else is refused as any body would be (malformed JSON,
 * another media type, a field, another JSON type), so a malformed request changes nothing.
 */
export const NO_BODY_FIELDS = z.nullable(z.strictObject({}));

/** Whether a route of this method without a body schema still checks a body it is sent (POST, DELETE). */
export function checksUndeclaredBody(method: string): boolean {
  // Content in a GET or HEAD has no defined meaning (RFC 9110 §9.3.1): ignored.
  return method !== 'GET' && method !== 'HEAD';
}

/** A body the request carries (API Gateway leaves `body` out when there is none). */
function hasContent(event: ApiEvent): boolean {
  return typeof event.body === 'string' && event.body !== '';
}

/** The body schema the route runs: its own, or for a write without one, only `{}` if any body is sent. */
function bodySchemaOf(schemas: RequestSchemas, event: ApiEvent): z.ZodMiniType | undefined {
  if (schemas.body) return schemas.body;
  // API Gateway's `$default`: no route took the request, so its 404 or 405 answers it, whatever the body.
  if (event.routeKey === '$default') return undefined;
  const method = event.requestContext.http?.method ?? event.routeKey.split(' ')[0] ?? 'GET';
  return checksUndeclaredBody(method) && hasContent(event) ? NO_BODY_FIELDS : undefined;
}

/**
 * Parses and validates every declared part of the request with its zod schema. Undeclared parts
 * are ignored except the body: a route that takes one requires JSON, and a write that takes none
 * (POST, DELETE) accepts no body or `{}` only; a GET's body is ignored.
 */
export function validateRequest(schemas: RequestSchemas): Middleware {
  return {
    before: ({ event }) => {
      const errors: FieldError[] = [];
      const input: ValidatedInput = { path: undefined, query: undefined, headers: undefined, body: undefined };
      const check = (
        location: keyof ValidatedInput,
        prefix: string,
        schema: z.ZodMiniType | undefined,
        value: unknown,
      ) => {
        if (!schema) return;
        // reportInput lets a wrong-typed field be told apart from a missing one (rule invalid_type vs required).
        const result = schema.safeParse(value, { reportInput: true });
        if (result.success) input[location] = result.data;
        else errors.push(...toFieldErrors(prefix, result.error.issues));
      };
      check('path', 'path', schemas.path, event.pathParameters ?? {});
      if (schemas.query) {
        // API Gateway joins a repeated parameter's values with commas (`?limit=5&limit=6` arrives
        // as limit "5,6"): say it was repeated rather than judge the joined value.
        const repeated = repeatedParameters(event.rawQueryString ?? '');
        const before = errors.length;
        check('query', 'query', schemas.query, event.queryStringParameters ?? {});
        const fields = new Set(repeated.map((name) => fieldPath('query', [name])));
        const own = errors.splice(before).filter((error) => !fields.has(error.field));
        errors.push(...repeated.map((name) => repeatedError(name)), ...own);
      }
      check('headers', 'header', schemas.headers, event.headers ?? {});
      const schema = bodySchemaOf(schemas, event);
      const raw = schema ? decodeBody(event) : undefined;
      // A write that takes no body and was sent only whitespace (base64-encoded or not) got none.
      const bodySchema = schemas.body ?? (raw?.trim() ? schema : undefined);
      if (bodySchema) {
        if (raw === undefined || raw.trim() === '') {
          throw new RequestError(400, 'missing-body', 'Request body required', 'This endpoint takes a JSON body.', [
            { field: 'body', rule: 'required', message: 'is required' },
          ]);
        }
        if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
          throw new RequestError(
            413,
            'body-too-large',
            'Request body too large',
            `The body may be at most ${MAX_BODY_BYTES} bytes.`,
            [{ field: 'body', rule: 'max_bytes', message: `must be at most ${MAX_BODY_BYTES} bytes` }],
          );
        }
        const contentType = header(event, 'content-type') ?? '';
        if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
          throw new RequestError(
            415,
            'unsupported-media-type',
            'Unsupported media type',
            'Send the body as application/json.',
            [{ field: 'header.content-type', rule: 'media_type', message: 'must be application/json' }],
          );
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new RequestError(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.', [
            { field: 'body', rule: 'json', message: 'is not valid JSON' },
          ]);
        }
        check('body', 'body', bodySchema, parsed);
      }
      if (errors.length > 0) {
        throw new RequestError(
          400,
          'invalid-request',
          'Invalid request',
          'One or more fields are invalid; see errors.',
          errors,
        );
      }
      validatedInput.set(event, input);
    },
  };
}

const DENIAL_DETAIL: Record<string, string> = {
  missing: 'Send your API key as "Authorization: Bearer <key>".',
  malformed: 'The Authorization header must be "Bearer <key>" with a key issued to you.',
  unknown: 'The API key is not recognised.',
  revoked: 'The API key has been revoked; ask for a new one.',
};

/** Fails closed: a partner route runs only with a partner id from the authorizer. */
export function requirePartner(): Middleware {
  return {
    before: ({ event }) => {
      const auth = event.requestContext.authorizer?.lambda;
      // The authorizer could not read the key: an outage, not a caller error.
      if (auth?.keyLookupUnavailable) throw new ServiceUnavailableError('The API key lookup failed');
      if (!auth?.partnerId) {
        const reason = auth?.denied ?? 'missing';
        throw new UnauthorizedError(
          'unauthorized',
          'Unauthorized',
          DENIAL_DETAIL[reason] ?? DENIAL_DETAIL.missing ?? '',
          [{ at: { field: 'apiKey' }, rule: reason, message: DENIAL_DETAIL[reason] ?? '' }],
        );
      }
    },
  };
}

/** The JSON API's error policy: every error becomes an RFC 9457 problem (mapError). */
export function problemErrors(): ErrorPolicy {
  return {
    onError: (request) => {
      const mapped = mapError(request.error, request.event.requestContext.requestId);
      if (mapped.unexpected) logger.error('unhandled error', { error: errorForLog(request.error) });
      else if (mapped.problem.status === 503) logger.warn('table unavailable', { error: errorForLog(request.error) });
      request.response = problemResponse(mapped.problem, mapped.headers);
    },
  };
}
