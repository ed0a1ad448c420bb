import { logger } from '../observability/logger.ts';

/**
 * A value read from elsewhere (a secret, a set of keys) and kept in memory: read at once, so the
 * cold start and not the first request waits for it; read again once `refreshMs` have passed, a
 * failed refresh keeping the value it has; concurrent reads share one call.
 */
export interface RefreshingValue<T> {
  /** The value; the read's own error only while there has never been one. */
  get(): Promise<T>;
  /**
   * Read again now (a caller holding something no known value explains, e.g. a just-rotated
   * secret), at most once every `forcedMinMs`, so that bad input cannot make every request a read.
   * Undefined when skipped or when the read failed (logged).
   */
  forceRead(): Promise<T | undefined>;
  /** When the value was last read (ms since the epoch); undefined before the first success. */
  readAt(): number | undefined;
}

export interface RefreshingValueOptions<T> {
  /** Reads and parses the value; throws when it cannot. */
  readonly load: () => Promise<T>;
  /** Names the value in log lines (`<name> not loaded`, `<name> not refreshed`); never the value. */
  readonly name: string;
  /** ms between scheduled reads. */
  readonly refreshMs: number;
  /** ms between forced reads, at the least. */
  readonly forcedMinMs: number;
  /** ms since the epoch; tests pass a fake clock. */
  readonly now?: () => number;
}

export function refreshingValue<T>({
  load,
  name,
  refreshMs,
  forcedMinMs,
  now = Date.now,
}: RefreshingValueOptions<T>): RefreshingValue<T> {
  let cached: { value: T; readAt: number } | undefined;
  let pending: Promise<T> | undefined;
  let forcedAt = Number.NEGATIVE_INFINITY;
  const read = () => {
    pending ??= (async () => {
      try {
        const value = await load();
        cached = { value, readAt: now() };
        return value;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  const notRefreshed = (error: Error) =>
    logger.warn(`${name} not refreshed`, { errorName: error.name, error: error.message });
  // Started now; a failure here is retried by the first get().
  read().catch((error: Error) => logger.warn(`${name} not loaded`, { errorName: error.name, error: error.message }));
  return {
    async get() {
      if (!cached) return read();
      if (now() - cached.readAt > refreshMs) {
        const stale = cached.value;
        return read().catch((error: Error) => {
          notRefreshed(error);
          return stale;
        });
      }
      return cached.value;
    },
    async forceRead() {
      if (now() - forcedAt < forcedMinMs) return undefined;
      forcedAt = now();
      return read().catch((error: Error) => {
        notRefreshed(error);
        return undefined;
      });
    },
    readAt: () => cached?.readAt,
  };
}
