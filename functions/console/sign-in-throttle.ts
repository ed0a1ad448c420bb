import { createHash } from 'node:crypto';
import type { ApiEvent } from '../../shared/http/types.ts';

/**
 * Failed sign-ins a client may make per one-minute window before the console answers 429 for the
 * rest of it. A person mistyping or pasting a wrong key stays far below; a 256-bit key cannot be
 * guessed anyway, so the limit is about cost and noise. Successful sign-ins are not counted, so a
 * team behind one address is never locked out by its own use.
 */
export const SIGN_IN_FAILURES_PER_MINUTE = 10;

/**
 * The client a sign-in is counted against: the viewer's address CloudFront forwards
 * (`CloudFront-Viewer-Address`, `ip:port`; CloudFront sets it itself) when present, else the
 * connection's source address (the local runtime; behind CloudFront that would be an edge server
 * shared by many viewers).
 */
export function clientAddress(event: Pick<ApiEvent, 'headers' | 'requestContext'>): string {
  const viewer = event.headers?.['cloudfront-viewer-address']?.trim();
  const port = viewer?.lastIndexOf(':') ?? -1;
  if (viewer && port > 0) return viewer.slice(0, port);
  return event.requestContext.http.sourceIp;
}

/** The address as the counter's key holds it: hashed, the count needs no readable IP. */
export function clientHash(address: string): string {
  return createHash('sha256').update(address, 'utf8').digest('hex');
}

/** The one-minute window `nowMs` falls in (epoch minutes) and the whole seconds left in it (≥ 1). */
export function throttleWindow(nowMs: number): { minute: number; retryAfterSeconds: number } {
  const minute = Math.floor(nowMs / 60_000);
  return { minute, retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000)) };
}
