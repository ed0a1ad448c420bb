import { jest } from '@jest/globals';

/**
 * Sets `Date` (in the test and in every handler or client running in this process) to `at`, ms since
 * the epoch, and keeps it there until set again. Timers stay real, so sockets, request timeouts and
 * DynamoDB Local run as usual. Call `jest.useRealTimers()` after each test.
 */
export function setClock(at: number): void {
  jest.useFakeTimers({
    now: at,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
