import { setTimeout as delay } from 'node:timers/promises';

/** What to do after a failed attempt: give up, back off with full jitter, or wait an exact time. */
export type RetryDecision = undefined | { readonly backoffBaseMs: number } | { readonly delayMs: number };

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /**
   * How the failure of attempt `attempt` (1-based) is handled: undefined rethrows it at once. A
   * backoff base waits a random time in [0, min(maxBackoffMs, base × 2^(attempt-1))) ("full
   * jitter": clients that failed together do not retry together).
   */
  readonly decide: (error: unknown, attempt: number) => RetryDecision;
  /** No attempt starts later than this (ms) after the first one began; the last error is thrown. */
  readonly budgetMs?: number;
  /** Time an attempt needs at least (ms): a retry that would start with less budget left is not made. */
  readonly minAttemptMs?: number;
  /** Cap on one backoff (ms); default 20,000. */
  readonly maxBackoffMs?: number;
  /** Turns the last error into the one thrown when attempts or budget run out. */
  readonly exhausted?: (error: unknown, attempts: number) => unknown;
  /** Stops a backoff wait early (rejects with AbortError). */
  readonly signal?: AbortSignal;
  /** Waits `ms`; tests pass a recorder. Defaults to node:timers/promises' setTimeout. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** ms since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
  /** In [0, 1); tests pass a fixed one. */
  readonly random?: () => number;
}

const DEFAULT_MAX_BACKOFF_MS = 20_000;

/** Waits `ms`; rejects with AbortError when `signal` aborts. The default `RetryPolicy.sleep`. */
export const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal ? { signal } : {});
};

/**
 * Runs `attempt` until it succeeds, the policy gives up, attempts run out or the budget would be
 * exceeded. `attempt` receives its 1-based number and the ms left in the budget (Infinity without
 * one), so each try can bound its own timeout by what is left.
 *
 * @throws the last attempt's error (or `policy.exhausted`'s translation of it when attempts or
 *   budget ran out while the error was still worth retrying).
 */
export async function retry<T>(
  attempt: (attemptNumber: number, remainingMs: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<T> {
  const now = policy.now ?? Date.now;
  const pause = policy.sleep ?? sleep;
  const random = policy.random ?? Math.random;
  const startedAt = now();
  const deadline = policy.budgetMs === undefined ? Number.POSITIVE_INFINITY : startedAt + policy.budgetMs;
  for (let number = 1; ; number++) {
    try {
      return await attempt(number, deadline - now());
    } catch (error) {
      const decision = policy.decide(error, number);
      if (decision === undefined) throw error;
      const exhausted = () => (policy.exhausted ? policy.exhausted(error, number) : error);
      if (number >= policy.maxAttempts) throw exhausted();
      const wait =
        'delayMs' in decision
          ? decision.delayMs
          : random() *
            Math.min(policy.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, decision.backoffBaseMs * 2 ** (number - 1));
      if (now() + wait > deadline - (policy.minAttemptMs ?? 0)) throw exhausted();
      if (wait > 0) await pause(wait, policy.signal);
    }
  }
}
