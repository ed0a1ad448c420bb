/**
 * When a failed delivery is tried again. Waits grow exponentially with full jitter (each wait is
 * uniform in [0, ceiling): receivers that failed together are not hit together again), and attempts
 * go on until the retry window closes, about 3 days after the first attempt; the last attempt is
 * made at the window's end. Then the delivery is dead-lettered.
 */

/** Ceiling of the first retry's wait: 5 s. */
export const FIRST_RETRY_CEILING_MS = 5_000;
/** Each ceiling is this many times the previous one: 5 s, 20 s, 80 s, 5.3 min, 21 min, 85 min, 5.7 h, 12 h… */
export const RETRY_GROWTH = 4;
/** No single wait is longer than this: 12 h. */
export const MAX_RETRY_WAIT_MS = 12 * 3_600_000;
/** Attempts are made until this long after the first: 3 days. */
export const RETRY_WINDOW_MS = 3 * 24 * 3_600_000;

/** The wait's ceiling after failed attempt `attempt` (1-based). */
export function retryCeilingMs(attempt: number): number {
  return Math.min(MAX_RETRY_WAIT_MS, FIRST_RETRY_CEILING_MS * RETRY_GROWTH ** (attempt - 1));
}

/**
 * When to try again after attempt `attempt` failed at `now` (ms since the epoch), for a delivery
 * whose first attempt was at `firstAttemptAt`; undefined once the window is over (dead-letter it).
 * `random` in [0, 1); tests pass a fixed one.
 */
export function nextAttemptAt(
  attempt: number,
  firstAttemptAt: number,
  now: number,
  random: () => number = Math.random,
): number | undefined {
  const windowEnd = firstAttemptAt + RETRY_WINDOW_MS;
  if (now >= windowEnd) return undefined;
  return Math.min(windowEnd, now + Math.floor(random() * retryCeilingMs(attempt)));
}
