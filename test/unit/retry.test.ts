import { type RetryPolicy, retry } from '../../shared/retry.ts';

class Transient extends Error {
  constructor(readonly attempt: number) {
    super(`transient failure of attempt ${attempt}`);
    this.name = 'Transient';
  }
}

class Fatal extends Error {
  override name = 'Fatal';
}

/**
 * A fake clock and a sleep that only records the wait and moves that clock: no test waits for real.
 * `clock.now` may be moved by an attempt too, to stand for the time the attempt took.
 */
function fakeTime(start = 1_000_000) {
  const clock = { now: start };
  const sleeps: number[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  return {
    clock,
    sleeps,
    signals,
    policy: {
      now: () => clock.now,
      sleep: async (ms: number, signal?: AbortSignal) => {
        sleeps.push(ms);
        signals.push(signal);
        clock.now += ms;
      },
    } satisfies Partial<RetryPolicy>,
  };
}

/** An attempt that fails `failures` times with Transient, then answers `answer`; records its arguments. */
function failingTimes(failures: number, answer = 'done', onAttempt: () => void = () => undefined) {
  const seen: { attempt: number; remainingMs: number }[] = [];
  return {
    seen,
    attempt: async (attempt: number, remainingMs: number) => {
      seen.push({ attempt, remainingMs });
      onAttempt();
      if (attempt <= failures) throw new Transient(attempt);
      return answer;
    },
  };
}

const retryTransient = (backoffBaseMs: number) => (error: unknown) =>
  error instanceof Transient ? { backoffBaseMs } : undefined;

describe('retry', () => {
  it('answers with the first success, numbering attempts from 1, without waiting before the first', async () => {
    const time = fakeTime();
    const { attempt, seen } = failingTimes(2, 'the answer');

    const answer = await retry(attempt, {
      ...time.policy,
      maxAttempts: 5,
      decide: retryTransient(100),
      random: () => 0.5,
    });

    expect(answer).toBe('the answer');
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // Without a budget every attempt has all the time in the world.
    expect(seen.map((s) => s.remainingMs)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('waits random × min(cap, base × 2^(attempt−1)) after each failure (full jitter)', async () => {
    const time = fakeTime();
    const { attempt } = failingTimes(5);

    await retry(attempt, {
      ...time.policy,
      maxAttempts: 6,
      maxBackoffMs: 300,
      decide: retryTransient(100),
      random: () => 0.5,
    });

    // Bounds 100, 200, 400→300, 800→300, 1600→300, each times the fixed random 0.5.
    expect(time.sleeps).toEqual([50, 100, 150, 150, 150]);
  });

  it('never waits as long as the bound itself, and may not wait at all', async () => {
    const almostOne = 1 - 2 ** -52;
    const upper = fakeTime();
    const lower = fakeTime();

    await retry(failingTimes(3).attempt, {
      ...upper.policy,
      maxAttempts: 4,
      decide: retryTransient(100),
      random: () => almostOne,
    });
    await retry(failingTimes(3).attempt, {
      ...lower.policy,
      maxAttempts: 4,
      decide: retryTransient(100),
      random: () => 0,
    });

    expect(upper.sleeps).toHaveLength(3);
    upper.sleeps.forEach((ms, index) => {
      const bound = 100 * 2 ** index;
      expect(ms).toBeLessThan(bound);
      expect(ms).toBeGreaterThan(bound * 0.999);
    });
    // A wait of 0 ms is no wait: the sleep is not even called.
    expect(lower.sleeps).toEqual([]);
  });

  it('caps one backoff at 20,000 ms when the policy names no cap', async () => {
    const time = fakeTime();

    await retry(failingTimes(2).attempt, {
      ...time.policy,
      maxAttempts: 3,
      decide: retryTransient(15_000),
      random: () => 0.5,
    });

    expect(time.sleeps).toEqual([7_500, 10_000]);
  });

  it('gives up after maxAttempts, throwing the last error when no translation is given', async () => {
    const time = fakeTime();
    const { attempt, seen } = failingTimes(Number.POSITIVE_INFINITY);

    const failure = await retry(attempt, {
      ...time.policy,
      maxAttempts: 3,
      decide: retryTransient(100),
      random: () => 0.5,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Transient);
    expect((failure as Transient).attempt).toBe(3);
    expect(seen).toHaveLength(3);
    // No wait after the last attempt: nothing follows it.
    expect(time.sleeps).toEqual([50, 100]);
  });

  it('translates the last error with `exhausted`, given the number of attempts made', async () => {
    const time = fakeTime();
    const given: { error: unknown; attempts: number }[] = [];

    const failure = await retry(failingTimes(Number.POSITIVE_INFINITY).attempt, {
      ...time.policy,
      maxAttempts: 4,
      decide: retryTransient(10),
      random: () => 0.5,
      exhausted: (error, attempts) => {
        given.push({ error, attempts });
        return new Error(`busy after ${attempts} attempts`);
      },
    }).catch((error: unknown) => error);

    expect(failure).toEqual(new Error('busy after 4 attempts'));
    expect(given).toEqual([{ error: expect.any(Transient), attempts: 4 }]);
    expect(given[0]?.error).toMatchObject({ attempt: 4 });
  });

  it('rethrows at once, untranslated, an error `decide` answers with undefined', async () => {
    const time = fakeTime();
    const fatal = new Fatal('a bug, not an outage');
    let attempts = 0;
    let translated = false;
    const decided: { error: unknown; attempt: number }[] = [];

    const failure = await retry(
      async (attempt) => {
        attempts++;
        if (attempt === 1) throw new Transient(1);
        throw fatal;
      },
      {
        ...time.policy,
        maxAttempts: 10,
        decide: (error, attempt) => {
          decided.push({ error, attempt });
          return error instanceof Transient ? { backoffBaseMs: 100 } : undefined;
        },
        random: () => 0.5,
        exhausted: () => {
          translated = true;
          return new Error('translated');
        },
      },
    ).catch((error: unknown) => error);

    expect(failure).toBe(fatal);
    expect(attempts).toBe(2);
    expect(decided.map((d) => d.attempt)).toEqual([1, 2]);
    expect(decided[1]?.error).toBe(fatal);
    expect(time.sleeps).toEqual([50]);
    expect(translated).toBe(false);
  });

  it('rethrows an undecided error even on the last attempt, without translating it', async () => {
    const time = fakeTime();
    const fatal = new Fatal('refused');

    const failure = await retry(
      async () => {
        throw fatal;
      },
      { ...time.policy, maxAttempts: 1, decide: () => undefined, exhausted: () => new Error('translated') },
    ).catch((error: unknown) => error);

    expect(failure).toBe(fatal);
  });

  it('waits exactly delayMs when `decide` asks for it, whatever the random and the attempt', async () => {
    const time = fakeTime();

    await retry(failingTimes(3).attempt, {
      ...time.policy,
      maxAttempts: 4,
      decide: (_error, attempt) => ({ delayMs: attempt * 1_000 }),
      random: () => 0.5,
    });

    expect(time.sleeps).toEqual([1_000, 2_000, 3_000]);
  });

  it('tries again at once, without calling sleep, after a delayMs of 0', async () => {
    const time = fakeTime();
    const { attempt, seen } = failingTimes(1);

    expect(await retry(attempt, { ...time.policy, maxAttempts: 2, decide: () => ({ delayMs: 0 }) })).toBe('done');
    expect(seen).toHaveLength(2);
    expect(time.sleeps).toEqual([]);
  });

  it('hands each attempt what is left of the budget', async () => {
    const time = fakeTime();
    // Each attempt takes 300 ms before it fails.
    const { attempt, seen } = failingTimes(2, 'done', () => {
      time.clock.now += 300;
    });

    await retry(attempt, {
      ...time.policy,
      maxAttempts: 5,
      budgetMs: 2_000,
      decide: () => ({ delayMs: 100 }),
    });

    // 0 ms in; then 300 + 100 in; then 2 × 400 in.
    expect(seen.map((s) => s.remainingMs)).toEqual([2_000, 1_600, 1_200]);
  });

  it('starts no attempt past the budget, even with attempts left, and translates the last error', async () => {
    const time = fakeTime();
    const started = time.clock.now;
    // Each attempt takes 400 ms; each backoff is 100 ms: attempts start at 0, 500, 1000 ms.
    const { attempt, seen } = failingTimes(Number.POSITIVE_INFINITY, 'never', () => {
      time.clock.now += 400;
    });

    const failure = await retry(attempt, {
      ...time.policy,
      maxAttempts: 10,
      budgetMs: 1_400,
      decide: () => ({ delayMs: 100 }),
      exhausted: (error, attempts) => ({ error, attempts }),
    }).catch((error: unknown) => error);

    // A fourth attempt would start at 1500 ms, past the 1400 ms budget: no sleep towards it either.
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(time.sleeps).toEqual([100, 100]);
    expect(failure).toMatchObject({ attempts: 3 });
    expect(((failure as { error: unknown }).error as Transient).attempt).toBe(3);
    expect(time.clock.now - started).toBe(1_400);
  });

  it('starts an attempt that begins exactly at the end of the budget', async () => {
    const time = fakeTime();
    const { attempt, seen } = failingTimes(1, 'done', () => {
      time.clock.now += 900;
    });

    expect(
      await retry(attempt, { ...time.policy, maxAttempts: 3, budgetMs: 1_000, decide: () => ({ delayMs: 100 }) }),
    ).toBe('done');
    expect(seen.map((s) => s.remainingMs)).toEqual([1_000, 0]);
  });

  it('skips a retry that would have less than minAttemptMs of the budget left', async () => {
    const withMinimum = fakeTime();
    const without = fakeTime();
    // The first attempt takes 850 ms of the 1000 ms budget; the backoff is 0.
    const slowFirst = (time: ReturnType<typeof fakeTime>) =>
      failingTimes(1, 'done', () => {
        if (time.clock.now === 1_000_000) time.clock.now += 850;
      });
    const policy = { maxAttempts: 3, budgetMs: 1_000, decide: () => ({ delayMs: 0 }) };

    const skipped = slowFirst(withMinimum);
    const failure = await retry(skipped.attempt, { ...withMinimum.policy, ...policy, minAttemptMs: 200 }).catch(
      (error: unknown) => error,
    );
    const tried = slowFirst(without);
    const answer = await retry(tried.attempt, { ...without.policy, ...policy });

    // 150 ms left is less than the 200 ms an attempt needs: give up with the first error.
    expect(failure).toBeInstanceOf(Transient);
    expect(skipped.seen).toHaveLength(1);
    // Without the minimum, the same 150 ms are used.
    expect(answer).toBe('done');
    expect(tried.seen.map((s) => s.remainingMs)).toEqual([1_000, 150]);
  });

  it('passes its abort signal to the sleep', async () => {
    const time = fakeTime();
    const controller = new AbortController();

    await retry(failingTimes(1).attempt, {
      ...time.policy,
      maxAttempts: 2,
      decide: () => ({ delayMs: 10 }),
      signal: controller.signal,
    });

    expect(time.signals).toEqual([controller.signal]);
  });

  it('stops a backoff of its default sleep as soon as the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { attempt, seen } = failingTimes(1);

    // A one-hour backoff: only the abort can end it.
    const failure = await retry(attempt, {
      maxAttempts: 2,
      decide: () => ({ delayMs: 3_600_000 }),
      signal: controller.signal,
    }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(1);
  });
});
