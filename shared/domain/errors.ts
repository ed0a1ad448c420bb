/**
 * Domain errors say what went wrong in the product's terms; the HTTP layer maps each kind to a
 * status exactly once (shared/http/problem.ts). `type` is a stable slug partners can branch on.
 */
export type DomainErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'unprocessable'
  | 'too-many-requests';

export interface FieldError {
  /** Where the problem is: `body.items[2].licenses`, `query.usageLocation`, `header.authorization`. */
  readonly field: string;
  /** The rule that failed, machine-readable: `required`, `too_big`, `not_sold_in_usage_location`… */
  readonly rule: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    /** Stable problem slug, e.g. `office-not-found`; becomes the problem `type`. */
    readonly type: string,
    /** Short, human summary of the problem type (RFC 9457 `title`). */
    readonly title: string,
    /** What happened this time and what to do about it (RFC 9457 `detail`). */
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
    /**
     * RFC 9457 extension members: more machine-readable facts about this occurrence (say, the
     * offer that already holds a reference), added to the problem document as top-level members.
     */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
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
