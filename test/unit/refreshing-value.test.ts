import { describe, expect, it } from '@jest/globals';
import { refreshingValue } from '../../shared/config/refreshing-value.ts';

/** A source whose answers the test scripts: each read takes the next one (a value or an Error). */
function scriptedSource(answers: Array<string | Error>) {
  const calls = { count: 0 };
  const load = async () => {
    const answer = answers[Math.min(calls.count, answers.length - 1)];
    calls.count += 1;
    if (answer instanceof Error) throw answer;
    return answer as string;
  };
  return { load, calls };
}

describe('refreshingValue', () => {
  it('reads at once, then serves the value from memory until refreshMs have passed', async () => {
    // Arrange
    let now = 1_000;
    const source = scriptedSource(['first', 'second']);
    const value = refreshingValue({ ...source, name: 'test value', refreshMs: 100, forcedMinMs: 10, now: () => now });

    // Act
    const first = await value.get();
    now += 100;
    const stillFirst = await value.get();
    now += 1;
    const second = await value.get();

    // Assert
    expect([first, stillFirst, second]).toEqual(['first', 'first', 'second']);
    expect(source.calls.count).toBe(2);
    expect(value.readAt()).toBe(1_101);
  });

  it('keeps the value it has when a refresh fails, and fails only while it never had one', async () => {
    // Arrange
    let now = 0;
    const never = refreshingValue({
      ...scriptedSource([new Error('down')]),
      name: 'test value',
      refreshMs: 100,
      forcedMinMs: 10,
      now: () => now,
    });
    const source = scriptedSource(['kept', new Error('down')]);
    const once = refreshingValue({ ...source, name: 'test value', refreshMs: 100, forcedMinMs: 10, now: () => now });
    await once.get();

    // Act
    now += 500;
    const afterFailedRefresh = await once.get();

    // Assert
    await expect(never.get()).rejects.toThrow('down');
    expect(never.readAt()).toBeUndefined();
    expect(afterFailedRefresh).toBe('kept');
  });

  it('forces a read at most once every forcedMinMs, and answers undefined when skipped or failed', async () => {
    // Arrange
    let now = 0;
    const source = scriptedSource(['v1', 'v2', new Error('down')]);
    const value = refreshingValue({
      ...source,
      name: 'test value',
      refreshMs: 10_000,
      forcedMinMs: 30,
      now: () => now,
    });
    await value.get();

    // Act
    const forced = await value.forceRead();
    now += 29;
    const skipped = await value.forceRead();
    now += 1;
    const failed = await value.forceRead();

    // Assert
    expect([forced, skipped, failed]).toEqual(['v2', undefined, undefined]);
    expect(await value.get()).toBe('v2');
    expect(source.calls.count).toBe(3);
  });

  it('shares one read between concurrent callers', async () => {
    // Arrange
    const source = scriptedSource(['only']);
    const value = refreshingValue({ ...source, name: 'test value', refreshMs: 100, forcedMinMs: 10 });

    // Act
    const answers = await Promise.all([value.get(), value.get(), value.get()]);

    // Assert
    expect(answers).toEqual(['only', 'only', 'only']);
    expect(source.calls.count).toBe(1);
  });
});
