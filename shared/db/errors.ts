/**
 * Telling an outage from a bug, and keeping secrets out of logs, for errors of both DynamoDB
 * adapters (the SDK's and DynamoDbLite's) and of the other AWS calls: errors are read by name,
 * status and socket code, never by class. The port's own errors are in shared/db/port.ts.
 */

/**
 * DynamoDB's throttling answers, as exception names. TransactionInProgressException joins them
 * because of ClientRequestToken: a retry that overtakes its own first attempt still in flight gets it.
 */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
]);

/**
 * Node's socket errors meaning no answer came: refused, reset, unreachable, name not resolved, or
 * timed out.
 */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/**
 * Names of failures that mean "DynamoDB did not answer in time": the SDK's and DynamoDbLite's
 * timeouts, the per-operation budget's abort (shared/config/aws-sdk.ts), DynamoDbLite's NetworkError.
 */
const NO_ANSWER_ERRORS: ReadonlySet<string> = new Set(['TimeoutError', 'AbortError', 'NetworkError', 'RequestTimeout']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * True when DynamoDB was unavailable rather than the request wrong: a timeout, throttling, a 5xx,
 * a refused or dropped connection, a budget exhausted. Works for the SDK clients' errors and for
 * DynamoDbLite's alike (both are read by name, status and socket code). Callers answer these with
 * 503 and Retry-After; anything else stays a bug or a caller error.
 */
export function isServiceUnavailable(error: unknown): boolean {
  // Not `instanceof Error`: socket errors made in another realm (a VM context) are errors too.
  for (let current = error, depth = 0; isErrorLike(current) && depth < 4; depth++) {
    const shape = current as ErrorShape & { message?: unknown };
    const name = typeof shape.name === 'string' ? shape.name : '';
    const status = typeof shape.statusCode === 'number' ? shape.statusCode : shape.$metadata?.httpStatusCode;
    if (THROTTLING_ERRORS.has(name) || NO_ANSWER_ERRORS.has(name)) return true;
    if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
    if (shape.$fault === 'server') return true;
    if (typeof shape.code === 'string' && NETWORK_ERROR_CODES.has(shape.code)) return true;
    // A transaction cancelled only because DynamoDB was busy, not because a condition failed.
    if (name === 'TransactionCanceledException' && cancelledForLoad(current as { CancellationReasons?: unknown })) {
      return true;
    }
    // The SDK's retry middleware wraps a throwable it does not take for an Error into
    // `new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED …")`, dropping its code;
    // Node's socket errors name their code in the message, so that is what is left to read.
    if (name === 'Error' && typeof shape.message === 'string' && socketCodeIn(shape.message)) return true;
    // The SDK wraps some socket errors; the cause carries the code.
    current = shape.cause;
  }
  return false;
}

function isErrorLike(value: unknown): value is object {
  return typeof value === 'object' && value !== null && ('name' in value || 'code' in value || 'message' in value);
}

/** Cancellation reason codes that mean "try again later" (DynamoDB API reference, TransactWriteItems). */
const TRANSIENT_CANCELLATION_CODES: ReadonlySet<string> = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
]);

function cancelledForLoad(error: { CancellationReasons?: unknown }): boolean {
  const codes = Array.isArray(error.CancellationReasons)
    ? error.CancellationReasons.map((reason: { Code?: unknown }) => reason?.Code)
    : [];
  return (
    codes.some((code) => typeof code === 'string' && TRANSIENT_CANCELLATION_CODES.has(code)) &&
    !codes.includes('ConditionalCheckFailed')
  );
}

function socketCodeIn(message: string): boolean {
  return [...message.matchAll(/\bE[A-Z]+\b/g)].some(([code]) => NETWORK_ERROR_CODES.has(code));
}

/** What a log line may say about an error. */
export interface LoggableError {
  readonly name: string;
  readonly code?: string;
  /** HTTP status of the service's answer, when there was one. */
  readonly statusCode?: number;
  readonly message: string;
  /** Stack frames only (`at …` lines): the first line of a stack repeats the message. */
  readonly stack?: readonly string[];
}

/** Characters of an error message kept in logs. */
export const MAX_LOGGED_MESSAGE_LENGTH = 200;
const MAX_STACK_FRAMES = 8;

/**
 * Things that must never reach a log, even inside an error message: DynamoDB's signature errors
 * quote the whole canonical request (session token included) after a blank line; some errors
 * quote `Credential=AKIA…/…`, `Signature=…` or an `X-Amz-Security-Token` header or query value;
 * API keys have a recognisable prefix.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /x-amz-security-token[:=]\s*\S+/gi,
  /x-amz-credential[:=]\s*\S+/gi,
  /x-amz-signature[:=]\s*\S+/gi,
  /authorization[:=]\s*[^\n,]+/gi,
  /Credential=[^\s,]+/g,
  /Signature=[0-9a-f]+/gi,
  /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g,
  /\bpok_[A-Za-z0-9_-]{10,}/g,
];

/**
 * An error message fit for a log: its first paragraph only (DynamoDB quotes the canonical request
 * after a blank line), without quoted text after "should have been", credential-like strings
 * replaced by `[redacted]`, at most MAX_LOGGED_MESSAGE_LENGTH characters.
 */
export function loggableMessage(message: string): string {
  let text = message.split(/\r?\n\s*\r?\n/)[0] ?? '';
  // "The Canonical String for this request should have been\n'POST\n/…'": the quote is the request.
  text = text.replace(/(should have been)[\s\S]*$/i, '$1 [redacted]');
  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, '[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_LOGGED_MESSAGE_LENGTH ? `${text.slice(0, MAX_LOGGED_MESSAGE_LENGTH)}…` : text;
}

/**
 * The one way an error goes into a log line: name, code, status and a trimmed, redacted message
 * (loggableMessage), never the error object itself, whose message, cause or `$response` may quote
 * a signed request. Use as `logger.error('…', { error: errorForLog(error) })`.
 */
export function errorForLog(error: unknown): LoggableError {
  if (!isErrorLike(error)) return { name: typeof error, message: loggableMessage(String(error)) };
  const shape = error as ErrorShape & { name?: unknown; message?: unknown; stack?: unknown };
  const status = typeof shape.statusCode === 'number' ? shape.statusCode : shape.$metadata?.httpStatusCode;
  const frames = (typeof shape.stack === 'string' ? shape.stack : '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, MAX_STACK_FRAMES);
  return {
    name: typeof shape.name === 'string' ? shape.name : 'Error',
    ...(typeof shape.code === 'string' ? { code: shape.code } : {}),
    ...(typeof status === 'number' ? { statusCode: status } : {}),
    message: loggableMessage(typeof shape.message === 'string' ? shape.message : ''),
    ...(frames.length > 0 ? { stack: frames } : {}),
  };
}

/** `Name: message` from errorForLog, for places that store or log one string. */
export function errorSummary(error: unknown): string {
  const { name, code, message } = errorForLog(error);
  return `${name}${code ? ` (${code})` : ''}: ${message}`;
}

/**
 * An error safe to throw out of a function: Lambda logs what a handler throws whole (type, message,
 * stack) and copies its message into the dead-letter queue's `ErrorMessage`, so a raw SDK error there
 * would publish the signed request it quotes. Carries only what errorForLog keeps: the original
 * name, code and status, the redacted message and the stack frames; no `cause`, no `$response`.
 */
export class SanitizedError extends Error {
  readonly code?: string;
  readonly statusCode?: number;

  constructor(logged: LoggableError) {
    super(logged.message);
    this.name = logged.name;
    if (logged.code !== undefined) this.code = logged.code;
    if (logged.statusCode !== undefined) this.statusCode = logged.statusCode;
    this.stack = [`${logged.name}: ${this.message}`, ...(logged.stack ?? []).map((frame) => `    ${frame}`)].join('\n');
  }
}

/** What to rethrow instead of `error` where the runtime would log it or forward its message. */
export function sanitizedError(error: unknown): SanitizedError {
  return error instanceof SanitizedError ? error : new SanitizedError(errorForLog(error));
}
