import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isServiceUnavailable } from '../db/errors.ts';
import {
  DomainError,
  type DomainErrorKind,
  type DomainLocation,
  MethodNotAllowedError,
  type RequestField,
  type RuleViolation,
  TooManyRequestsError,
} from '../domain/errors.ts';
import { fieldPath } from './validation.ts';

/** Problem types are URNs: stable identifiers that do not pretend to be documentation URLs. */
export const PROBLEM_TYPE_PREFIX = 'urn:purchase-offers:problem:';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One broken rule as the problem document names it: where in the request, which rule, what is wrong. */
export interface FieldError {
  /** Where the problem is: `body.items[2].licenses`, `query.usageLocation`, `header.authorization`. */
  readonly field: string;
  /** The rule that failed, machine-readable: `required`, `too_big`, `not_sold_in_usage_location`… */
  readonly rule: string;
  readonly message: string;
}

/**
 * RFC 9457 problem details, plus the field errors, the request id to quote to support, and any
 * extension members the error carries (DomainError.extensions).
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly requestId?: string;
  readonly [extension: string]: unknown;
}

/**
 * Errors about the HTTP exchange itself (malformed JSON, wrong media type, invalid fields), as
 * opposed to domain rules. Thrown by the middleware stack before any domain code runs.
 */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly type: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail);
    this.name = 'RequestError';
  }
}

/**
 * The table could not be reached although the request was fine: thrown where no DynamoDB error
 * is at hand, e.g. when the authorizer could not look the API key up (it flags the request with
 * `keyLookupUnavailable`, as an HTTP API authorizer cannot shape its own response).
 */
export class ServiceUnavailableError extends Error {
  constructor(
    message = 'The table did not answer',
    /** What the caller is told instead of the database wording, when something else did not answer. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

/**
 * Seconds a client should wait after a 503: DynamoDB throttling and brief outages usually pass
 * within seconds; a shorter wait would only add load while it recovers.
 */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  unprocessable: 422,
  'too-many-requests': 429,
};

export interface MappedError {
  readonly problem: ProblemDetails;
  readonly headers: Record<string, string>;
  /** Only unexpected errors are worth an error-level log line and an alarm. */
  readonly unexpected: boolean;
}

/**
 * A problem document lists at most this many field errors. A request cannot make the answer larger
 * than its own mistakes are worth: 6,000 unknown keys in a 59 KB body would otherwise answer half a
 * megabyte. The first errors are enough to fix a request; the count says how many more there are.
 */
export const MAX_PROBLEM_ERRORS = 20;
/** Longer field paths (an unknown key can be as long as the body) are cut, marked with "…". */
export const MAX_FIELD_LENGTH = 200;

function cut(field: string): string {
  const head = field.slice(0, MAX_FIELD_LENGTH);
  // Never end on half of a surrogate pair.
  return `${head.isWellFormed() ? head : head.slice(0, -1)}…`;
}

/** `errors` (the first MAX_PROBLEM_ERRORS) and `errorsOmitted` (how many more), or nothing. */
export function cappedErrors(errors: readonly FieldError[]): { errors?: FieldError[]; errorsOmitted?: number } {
  if (errors.length === 0) return {};
  const shown = errors
    .slice(0, MAX_PROBLEM_ERRORS)
    .map((error) => (error.field.length > MAX_FIELD_LENGTH ? { ...error, field: cut(error.field) } : error));
  const omitted = errors.length - shown.length;
  return omitted > 0 ? { errors: shown, errorsOmitted: omitted } : { errors: shown };
}

/** Where each request part travels: a header, or a member of the create request's JSON body. */
const REQUEST_FIELD_PATHS: Record<RequestField, string> = {
  apiKey: 'header.authorization',
  idempotencyKey: 'header.idempotency-key',
  office: fieldPath('body', ['officeId']),
  subscriptions: fieldPath('body', ['items']),
  delegatedAdministration: fieldPath('body', ['delegatedAdmin']),
  expiry: fieldPath('body', ['expiresAt']),
  reference: fieldPath('body', ['reference']),
  webhookUrl: fieldPath('body', ['url']),
  webhookEvents: fieldPath('body', ['events']),
  // The limit is about the registration as a whole, not one of its members.
  webhookEndpoints: 'body',
  webhookEndpointId: fieldPath('path', ['endpointId']),
};
const SUBSCRIPTION_MEMBERS = {
  sku: 'sku',
  licenseCount: 'licenses',
  term: 'term',
  billingFrequency: 'billingFrequency',
  termChoices: 'termChoices',
} as const;

/**
 * The field path of a domain location: `{ subscription: 2, field: 'licenseCount' }` →
 * `body.items[2].licenses`; `{ subscription: 0, termChoice: 1, field: 'term' }` →
 * `body.items[0].termChoices[1].term`.
 */
export function fieldOf(at: DomainLocation): string {
  if (!('subscription' in at)) return REQUEST_FIELD_PATHS[at.field];
  if ('termChoice' in at) {
    return fieldPath('body', ['items', at.subscription, 'termChoices', at.termChoice, SUBSCRIPTION_MEMBERS[at.field]]);
  }
  return fieldPath('body', ['items', at.subscription, SUBSCRIPTION_MEMBERS[at.field]]);
}

function fieldErrorOf({ at, rule, message }: RuleViolation): FieldError {
  return { field: fieldOf(at), rule, message };
}

/**
 * The error's own detail, or, when it leaves that to its one violation, the violation's field
 * (without the `body.` every body field shares) and message: "items[0].licenses must be between…".
 */
function detailOf(error: DomainError): string {
  if (error.detail !== undefined) return error.detail;
  const [first] = error.violations;
  return first ? `${fieldOf(first.at).replace(/^body\./, '')} ${first.message}.` : error.title;
}

/** The one place an error becomes an HTTP status. Unknown errors leak nothing but the request id. */
export function mapError(error: unknown, requestId: string): MappedError {
  if (error instanceof DomainError || error instanceof RequestError) {
    const status = error instanceof RequestError ? error.status : STATUS_BY_KIND[error.kind];
    const headers: Record<string, string> = {};
    if (error instanceof TooManyRequestsError) headers['retry-after'] = String(error.retryAfterSeconds);
    if (status === 401) headers['www-authenticate'] = 'Bearer realm="purchase-offers"';
    if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
    return {
      problem: {
        ...(error instanceof DomainError ? error.extensions : {}),
        type: PROBLEM_TYPE_PREFIX + error.type,
        title: error.title,
        status,
        detail: error instanceof DomainError ? detailOf(error) : error.detail,
        ...cappedErrors(error instanceof DomainError ? error.violations.map(fieldErrorOf) : error.errors),
        requestId,
      },
      headers,
      unexpected: false,
    };
  }
  if (error instanceof ServiceUnavailableError || isServiceUnavailable(error)) {
    return {
      problem: {
        type: `${PROBLEM_TYPE_PREFIX}service-unavailable`,
        title: 'Service unavailable',
        status: 503,
        detail:
          (error instanceof ServiceUnavailableError ? error.detail : undefined) ??
          `Our database did not answer in time. Retry after ${SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS} seconds; a create retried with the same Idempotency-Key is never applied twice.`,
        requestId,
      },
      headers: { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
      unexpected: false,
    };
  }
  return {
    problem: {
      type: `${PROBLEM_TYPE_PREFIX}internal-error`,
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side. Retry later, and quote the request id if it persists.',
      requestId,
    },
    headers: {},
    unexpected: true,
  };
}

export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(problem),
  };
}
