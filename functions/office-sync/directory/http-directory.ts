import { parseRfc7231DateTime } from '@smithy/core/serde';
import { ConfigError } from '../../../shared/config/env.ts';
import { errorSummary } from '../../../shared/db/errors.ts';
import type { DirectoryOffice } from '../../../shared/domain/office.ts';
import { retry, sleep } from '../../../shared/retry.ts';
import type { Credential } from './credential.ts';
import { DirectoryError, type DirectoryPage, type DirectoryQuery, type OfficeDirectory } from './directory.ts';
import { directoryPageSchema, parseDirectoryOffice } from './schema.ts';

export interface HttpDirectoryOptions {
  /** e.g. `https://directory.partner-network.example`; `/v1/offices` is appended. */
  readonly baseUrl: string;
  readonly credential: Credential;
  /** Per request, headers and body included. */
  readonly timeoutMs?: number;
  /** Attempts per page, the first one included. */
  readonly maxAttempts?: number;
  /** Exponential backoff with full jitter: random(0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the page fails (the next run resumes). */
  readonly maxRetryAfterSeconds?: number;
  readonly pageSize?: number;
  /**
   * Largest page body accepted, in bytes (default 8 MiB: 1,000 offices of about 1 KB each, eight
   * times over). A larger page is not read further and counts as malformed (retried, then the run fails).
   */
  readonly maxPageBytes?: number;
  readonly fetch?: typeof fetch;
  /** Waits between attempts (ms); rejects when `signal` aborts. Tests pass a recorder. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): the jitter's draw. Tests pass a fixed one. */
  readonly random?: () => number;
  /** Told about every failed attempt retried after a wait (for logs and metrics). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** 8 MiB. */
export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;

/**
 * Retry-After (RFC 9110 §10.2.3) in seconds from `now` (ms since the epoch): delay-seconds, or an
 * HTTP-date in any of the three formats a recipient must accept (§5.6.7): IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`, a two-digit year
 * more than 50 years ahead meaning the past century) and asctime (`Sun Nov  6 08:49:37 1994`, UTC).
 * Dates are parsed by the AWS SDK's HTTP-date parser; `Date.parse` reads asctime in the machine's
 * time zone. A date in the past is 0; anything else is undefined (no wait asked).
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  let at: Date | undefined;
  try {
    at = parseRfc7231DateTime(trimmed);
  } catch {
    return undefined;
  }
  return at === undefined ? undefined : Math.max(0, Math.ceil((at.getTime() - now) / 1000));
}

/**
 * Reads a response body of at most `maxBytes`, as it arrives: past the cap it stops reading and
 * cancels the body, which closes the connection, so an oversized page is never held in memory.
 * A Content-Length over the cap is refused before reading. Throws BodyTooLargeError.
 */
export async function readCappedBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received);
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`response body over ${maxBytes} bytes`);
  }
}

/**
 * Describes a failed fetch by error name and cause code (`TypeError (ECONNREFUSED)`), never by its
 * message: fetch quotes an invalid header, the bearer credential included, in its message, and
 * these descriptions end up in logs, the sync state and the dead-letter queue.
 */
export function describeFetchError(error: unknown): string {
  const safe = (value: unknown) =>
    typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : undefined;
  // Duck-typed: errors from another realm (fetch's own, under a test VM) are not `instanceof Error`.
  const name = safe((error as { name?: unknown } | undefined)?.name) ?? 'Error';
  const cause = (error as { cause?: { code?: unknown; name?: unknown } } | undefined)?.cause;
  const code = safe(cause?.code) ?? safe((error as { code?: unknown } | undefined)?.code) ?? safe(cause?.name);
  return code ? `${name} (${code})` : name;
}

/** A failed attempt: whether to try again, and how long the directory asked us to wait. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * HTTP adapter for the partner network directory: bearer credential, per-request timeout,
 * retries with exponential backoff and full jitter on 429/5xx/timeouts/malformed pages (or the
 * wait a non-zero Retry-After asks), and strict validation of every page and record.
 */
export class HttpDirectory implements OfficeDirectory {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly pageSize: number;
  private readonly maxPageBytes: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: HttpDirectoryOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 8_000;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 60;
    this.pageSize = options.pageSize ?? 500;
    this.maxPageBytes = options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  url(query: DirectoryQuery, pageToken?: string): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}/v1/offices`);
    if (query.changedSince !== undefined) url.searchParams.set('changedSince', query.changedSince);
    if (query.partnerId !== undefined) url.searchParams.set('partnerId', query.partnerId);
    if (pageToken !== undefined) url.searchParams.set('pageToken', pageToken);
    url.searchParams.set('pageSize', String(this.pageSize));
    return url.href;
  }

  /**
   * One page, with retries. Every failure of the directory, the credential or the caller's `signal`
   * (its budget ran out) is a DirectoryError, so callers can tell the directory's failures from the
   * table's, whose timeouts carry the same names (TimeoutError, AbortError). A ConfigError (our own
   * misconfiguration) passes through as is.
   */
  async listOffices(query: DirectoryQuery, pageToken?: string, signal?: AbortSignal): Promise<DirectoryPage> {
    try {
      return await this.listOfficesWithRetries(this.url(query, pageToken), signal);
    } catch (error) {
      if (error instanceof DirectoryError || error instanceof ConfigError) throw error;
      if (signal?.aborted) {
        throw new DirectoryError(`Directory listing stopped by its caller: ${errorSummary(signal.reason)}`, true);
      }
      throw error;
    }
  }

  /**
   * Attempts of one page under shared/retry.ts: 429/5xx, timeouts, network errors and malformed
   * pages are retried with full-jitter backoff, or after what Retry-After asks; a 401/403 re-reads
   * the credential once and tries again at once. Whatever ends the retries is a DirectoryError
   * naming the attempts made, except a ConfigError and the caller's abort (its reason).
   */
  private async listOfficesWithRetries(url: string, signal?: AbortSignal): Promise<DirectoryPage> {
    let refreshedCredential = false;
    let attempts = 0;
    // The failure being retried, told to onRetry as the next attempt starts: decide knows why,
    // sleep how long (the retry helper does not call sleep for a wait of 0 ms).
    let retrying: { attempt: number; reason: string; delayMs: number } | undefined;
    try {
      return await retry(
        async (attempt) => {
          attempts = attempt;
          if (retrying) this.options.onRetry?.(retrying);
          retrying = undefined;
          try {
            return await this.attempt(url, signal);
          } catch (error) {
            if (error instanceof AttemptError || error instanceof ConfigError || signal?.aborted) throw error;
            throw new AttemptError(`network error: ${describeFetchError(error)}`, true);
          }
        },
        {
          maxAttempts: this.maxAttempts,
          maxBackoffMs: this.maxDelayMs,
          random: this.random,
          ...(signal ? { signal } : {}),
          decide: (error, attempt) => {
            // Aborted by the caller, or our own misconfiguration (a malformed credential, say):
            // retrying cannot help.
            if (signal?.aborted || !(error instanceof AttemptError)) return undefined;
            // A rotated credential: fetch it again once before giving up.
            if ((error.status === 401 || error.status === 403) && !refreshedCredential) {
              refreshedCredential = true;
              this.options.credential.invalidate();
              return { delayMs: 0 };
            }
            const retryAfterTooLong =
              error.retryAfterSeconds !== undefined && error.retryAfterSeconds > this.maxRetryAfterSeconds;
            if (!error.retryable || retryAfterTooLong) return undefined;
            retrying = { attempt, reason: error.message, delayMs: 0 };
            // `Retry-After: 0` asks for no wait in particular: the backoff still spreads the clients out.
            return error.retryAfterSeconds
              ? { delayMs: error.retryAfterSeconds * 1000 }
              : { backoffBaseMs: this.baseDelayMs };
          },
          sleep: async (ms, abort) => {
            const delayMs = Math.round(ms);
            if (retrying) retrying = { ...retrying, delayMs };
            await this.sleep(delayMs, abort);
          },
        },
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (!(error instanceof AttemptError)) throw error;
      throw new DirectoryError(
        `Directory request failed after ${attempts} attempt(s): ${error.message}`,
        error.retryable,
        error.status,
        error.retryAfterSeconds,
      );
    }
  }

  private async attempt(url: string, outer?: AbortSignal): Promise<DirectoryPage> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let credential: string;
    try {
      // Bound by this attempt's timeout and the caller's budget: SSM may hang as the directory may.
      credential = await this.options.credential.get(signal);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      // SSM throttled or unreachable: transient, retried like the directory itself.
      throw new AttemptError(`credential unavailable: ${describeFetchError(error)}`, true);
    }
    let status: number;
    let bytes: Uint8Array;
    let retryAfter: string | null;
    try {
      const response = await this.fetch(url, {
        headers: { authorization: `Bearer ${credential}`, accept: 'application/json' },
        signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
      // An error answer's body is not needed: it is dropped unread (and never buffered).
      if (status !== 200) await response.body?.cancel().catch(() => undefined);
      bytes = status === 200 ? await readCappedBody(response, this.maxPageBytes) : new Uint8Array();
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new AttemptError(`malformed page: larger than ${error.maxBytes} bytes`, true, 200);
      }
      if (timeout.aborted && !outer?.aborted) throw new AttemptError(`timed out after ${this.timeoutMs} ms`, true);
      throw error;
    }
    if (status !== 200) {
      throw new AttemptError(`HTTP ${status}`, RETRYABLE_STATUS.has(status), status, parseRetryAfter(retryAfter));
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new AttemptError('malformed page: not JSON', true, status);
    }
    const envelope = directoryPageSchema.safeParse(body);
    if (!envelope.success) {
      const where = envelope.error.issues.map((i) => i.path.join('.') || '(page)').join(', ');
      throw new AttemptError(`malformed page: invalid ${where}`, true, status);
    }
    const offices: DirectoryOffice[] = [];
    const invalid: DirectoryPage['invalid'][number][] = [];
    envelope.data.offices.forEach((raw, index) => {
      const parsed = parseDirectoryOffice(raw);
      if (parsed.ok) offices.push(parsed.office);
      else {
        const { ok: _ok, ...rest } = parsed;
        invalid.push({ index, ...rest });
      }
    });
    return {
      offices,
      invalid,
      cursor: envelope.data.cursor,
      ...(envelope.data.nextPageToken !== undefined ? { nextPageToken: envelope.data.nextPageToken } : {}),
    };
  }
}
