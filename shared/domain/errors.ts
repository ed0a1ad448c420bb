/**
 * Domain errors say what went wrong in the product's terms: no status codes, no field paths. The
 * HTTP layer maps each kind to a status and each location to a field path exactly once
 * (shared/http/problem.ts). `type` is a stable slug partners can branch on.
 */
export type DomainErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'unprocessable'
  | 'too-many-requests';

/** Request parts that are not in a subscription line, named as the product names them. */
export type RequestField =
  | 'apiKey'
  | 'idempotencyKey'
  | 'office'
  | 'subscriptions'
  | 'delegatedAdministration'
  | 'expiry'
  | 'reference'
  /** A webhook endpoint's URL, its event types, and the partner's endpoints as a whole (the limit). */
  | 'webhookUrl'
  | 'webhookEvents'
  | 'webhookEndpoints'
  /** The endpoint a route addresses (its id in the path). */
  | 'webhookEndpointId';

/**
 * Where a broken rule sits, in the product's words rather than any wire format's:
 * `{ subscription: 2, field: 'licenseCount' }` is the license count of the third subscription
 * listed (0-based, in the order sent). The HTTP layer turns it into a field path.
 */
export type DomainLocation =
  | { readonly field: RequestField }
  | {
      readonly subscription: number;
      readonly field: 'sku' | 'licenseCount' | 'term' | 'billingFrequency' | 'termChoices';
    }
  /** One of the other terms a subscription lets the customer choose (0-based, in the order sent). */
  | { readonly subscription: number; readonly termChoice: number; readonly field: 'term' | 'billingFrequency' };

export interface RuleViolation {
  readonly at: DomainLocation;
  /** The rule that failed, machine-readable: `duplicate_sku`, `not_sold_in_usage_location`, `too_far`… */
  readonly rule: string;
  /** What is wrong with the value, phrased to follow its name: "must be in the future". */
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Stable problem slug, e.g. `office-not-found`; becomes the problem `type`. */
    readonly type: string,
    /** Short, human summary of the problem type (RFC 9457 `title`). */
    readonly title: string,
    /**
     * What happened this time and what to do about it (RFC 9457 `detail`). Undefined when the one
     * violation says it all: the HTTP layer then writes that violation's location and message.
     */
    readonly detail: string | undefined,
    /** Every rule the input broke, in the order the caller can fix them. */
    readonly violations: readonly RuleViolation[] = [],
    /**
     * RFC 9457 extension members: more machine-readable facts about this occurrence (say, the
     * offer that already holds a reference), added to the problem document as top-level members.
     */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized';
}
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}
/** The path exists, but not with this method; `allowed` becomes the Allow header. */
export class MethodNotAllowedError extends DomainError {
  readonly kind = 'method-not-allowed';
  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super(
      'method-not-allowed',
      'Method not allowed',
      `${method} is not supported here; this path takes ${allowed.join(', ')}.`,
    );
  }
}
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
}
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too-many-requests';
  constructor(
    type: string,
    title: string,
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(type, title, detail);
  }
}
