import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DELIVERY_TIMEOUT_MS, MAX_LOGGED_RESPONSE_BYTES } from '../../shared/domain/webhook.ts';
import {
  assertPublicUrl,
  DnsUnavailableError,
  type PublicOnlyOptions,
  type PublicTarget,
  UnsafeUrlError,
} from '../../shared/net/public-address.ts';

/** What one POST to a receiver came to. */
export interface AttemptResult {
  /** 2xx only: a 3xx is not followed and counts as a failure. */
  readonly ok: boolean;
  /** The answer's HTTP status; absent when none came. */
  readonly status?: number;
  /** ms from the start of the attempt to the end of the answer (or the failure). */
  readonly latencyMs: number;
  /** At most MAX_LOGGED_RESPONSE_BYTES of the answer's body (UTF-8, cut on a character boundary). */
  readonly body?: string;
  /** Why it failed without an answer: `timeout`, `non-public address …`, the socket error's code. */
  readonly error?: string;
}

export interface AttemptOptions extends PublicOnlyOptions {
  /** Whole attempt, connecting included; default DELIVERY_TIMEOUT_MS (10 s). */
  readonly timeoutMs?: number;
  /** ms clock for the latency; tests may pass their own. */
  readonly now?: () => number;
}

/** The first `maxBytes` bytes of `text` as UTF-8, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number = MAX_LOGGED_RESPONSE_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character's first byte.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * POSTs `body` (JSON) with `headers` to `url`, once. Redirects are never followed. The URL is
 * checked again now (https, and every address its host resolves to public: the partner's DNS may
 * have changed since registration), and the socket connects to the checked address, never resolving
 * the name a second time. The whole attempt, the check included, has `timeoutMs`. Never throws:
 * every outcome is an AttemptResult.
 */
export async function postOnce(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: AttemptOptions = {},
): Promise<AttemptResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const latency = () => Math.max(0, now() - started);
  let checked: PublicTarget;
  try {
    checked = await assertPublicUrl(url, options);
  } catch (error) {
    if (error instanceof UnsafeUrlError) return { ok: false, latencyMs: latency(), error: `refused: ${error.message}` };
    if (error instanceof DnsUnavailableError) return { ok: false, latencyMs: latency(), error: 'DNS unavailable' };
    return { ok: false, latencyMs: latency(), error: 'URL check failed' };
  }
  const target = checked.url;
  const https = target.protocol === 'https:';
  const remainingMs = Math.max(1, (options.timeoutMs ?? DELIVERY_TIMEOUT_MS) - latency());
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'purchase-offers-webhooks/1',
        },
        // The address checked above, for whatever name the URL has (TLS still verifies that name).
        lookup: (_host, lookupOptions, callback) => {
          if (lookupOptions.all) {
            (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
              { address: checked.address, family: checked.family },
            ]);
          } else callback(null, checked.address, checked.family);
        },
        // A fresh connection per attempt: a pooled socket would skip the address check.
        agent: false,
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          // Only what the log keeps (plus a little, to cut on a character) is held in memory.
          if (kept <= MAX_LOGGED_RESPONSE_BYTES + 4) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          finish({
            ok: status >= 200 && status < 300,
            status,
            latencyMs: latency(),
            body: truncateUtf8(Buffer.concat(chunks).toString('utf8')),
          });
        });
        response.on('error', (error) =>
          finish({ ok: false, status: response.statusCode, latencyMs: latency(), error: errorName(error) }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, latencyMs: latency(), error: 'timeout' });
      request.destroy();
    }, remainingMs);
    request.on('error', (error) => finish({ ok: false, latencyMs: latency(), error: errorName(error) }));
    request.end(body);
  });
}

/** A short, secret-free reason: no URL, header or body is quoted. */
function errorName(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? error.name;
}
