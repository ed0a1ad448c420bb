import { ConfigError } from '../config/env.ts';
import type { DirectoryOffice } from '../domain/office.ts';
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
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Told about every failed attempt that will be retried (for logs and metrics). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // An HTTP date names the day (`Wed, 21 Oct 2015 07:28:00 GMT`); anything else is garbage.
  if (!/^[A-Za-z]{3}, /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
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
 * retries with exponential backoff and full jitter on 429/5xx/timeouts/malformed pages (waiting at
 * least what Retry-After asks), and strict validation of every page and record.
 */
export class HttpDirectory implements OfficeDirectory {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly pageSize: number;
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
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? abortableSleep;
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

  async listOffices(query: DirectoryQuery, pageToken?: string, signal?: AbortSignal): Promise<DirectoryPage> {
    const url = this.url(query, pageToken);
    let refreshedCredential = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(url, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        // Our own misconfiguration (a malformed credential, say): retrying cannot fix it.
        if (error instanceof ConfigError) throw error;
        const failure =
          error instanceof AttemptError ? error : new AttemptError(`network error: ${describeFetchError(error)}`, true);
        // A rotated credential: fetch it again once before giving up.
        if ((failure.status === 401 || failure.status === 403) && !refreshedCredential) {
          refreshedCredential = true;
          this.options.credential.invalidate();
          continue;
        }
        const retryAfterTooLong =
          failure.retryAfterSeconds !== undefined && failure.retryAfterSeconds > this.maxRetryAfterSeconds;
        if (!failure.retryable || attempt >= this.maxAttempts || retryAfterTooLong) {
          throw new DirectoryError(
            `Directory request failed after ${attempt} attempt(s): ${failure.message}`,
            failure.retryable,
            failure.status,
            failure.retryAfterSeconds,
          );
        }
        const backoff = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.round(Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000));
        this.options.onRetry?.({ attempt, delayMs, reason: failure.message });
        await this.sleep(delayMs, signal);
      }
    }
  }

  private async attempt(url: string, outer?: AbortSignal): Promise<DirectoryPage> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let credential: string;
    try {
      credential = await this.options.credential.get();
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      // SSM throttled or unreachable: transient, retried like the directory itself.
      throw new AttemptError(`credential unavailable: ${describeFetchError(error)}`, true);
    }
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetch(url, {
        headers: { authorization: `Bearer ${credential}`, accept: 'application/json' },
        signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
      text = await response.text();
    } catch (error) {
      if (timeout.aborted && !outer?.aborted) throw new AttemptError(`timed out after ${this.timeoutMs} ms`, true);
      throw error;
    }
    if (status !== 200) {
      throw new AttemptError(`HTTP ${status}`, RETRYABLE_STATUS.has(status), status, parseRetryAfter(retryAfter));
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
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
