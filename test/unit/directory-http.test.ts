import { jest } from '@jest/globals';
import type { Credential } from '../../functions/office-sync/directory/credential.ts';
import { DirectoryError, listAllPages } from '../../functions/office-sync/directory/directory.ts';
import {
  HttpDirectory,
  type HttpDirectoryOptions,
  parseRetryAfter,
} from '../../functions/office-sync/directory/http-directory.ts';

const record = (officeId: string, overrides: Record<string, unknown> = {}) => ({
  partnerId: 'p1',
  officeId,
  name: `Office ${officeId}`,
  city: 'Lisboa',
  country: 'PT',
  status: 'active',
  updatedAt: '2026-01-02T03:04:05Z',
  ...overrides,
});

type Reply = Response | Error | ((init: RequestInit) => Promise<Response>);
const page = (body: unknown, init: ResponseInit = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, ...init });

function setup(replies: Reply[], options: Partial<HttpDirectoryOptions> = {}) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const sleeps: number[] = [];
  const credential: Credential & { invalidations: number } = {
    invalidations: 0,
    get: async () => 'secret-token',
    invalidate() {
      this.invalidations++;
    },
  };
  const fetchFake = (async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string> });
    const reply = replies.shift();
    if (!reply) throw new Error('no more replies');
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(init) : reply;
  }) as unknown as typeof fetch;
  const directory = new HttpDirectory({
    baseUrl: 'https://directory.example/',
    credential,
    fetch: fetchFake,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    pageSize: 2,
    ...options,
  });
  return { directory, calls, sleeps, credential };
}

describe('HttpDirectory', () => {
  it('sends the bearer credential and the query, and validates records', async () => {
    const { directory, calls } = setup([
      page({ offices: [record('a'), record('b', { updatedAt: '2026-01-02T05:04:05+02:00' })], cursor: 'c1' }),
    ]);
    const result = await directory.listOffices({ changedSince: 'c0', partnerId: 'p1' }, 't1');
    expect(calls[0]?.url).toBe(
      'https://directory.example/v1/offices?changedSince=c0&partnerId=p1&pageToken=t1&pageSize=2',
    );
    expect(calls[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(result.cursor).toBe('c1');
    expect(result.nextPageToken).toBeUndefined();
    // Normalised to UTC with milliseconds, so stored values compare as strings.
    expect(result.offices.map((o) => o.updatedAt)).toEqual(['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.000Z']);
  });

  it('skips and reports invalid records, keeping the valid ones', async () => {
    const { directory } = setup([
      page({
        offices: [
          record('a'),
          record('b', { country: 'Portugal' }),
          record('c#1'),
          record('d', { status: 'archived', extra: true }),
          record('e', { extra: 'ignored' }),
          { officeId: 'f' },
          null,
        ],
        cursor: 'c1',
      }),
    ]);
    const result = await directory.listOffices({});
    expect(result.offices.map((o) => o.officeId)).toEqual(['a', 'e']);
    expect(result.offices[1]).not.toHaveProperty('extra');
    expect(result.invalid.map((r) => [r.index, r.officeId])).toEqual([
      [1, 'b'],
      [2, 'c#1'],
      [3, 'd'],
      [5, 'f'],
      [6, undefined],
    ]);
    expect(result.invalid[0]?.problems).toEqual(['record.country must be an ISO 3166-1 alpha-2 code in upper case']);
    expect(result.invalid[3]?.problems).toEqual(
      expect.arrayContaining(['record.partnerId is required', 'record.name is required']),
    );
  });

  it.each([
    ['500', () => new Response('oops', { status: 500 })],
    ['502', () => new Response('', { status: 502 })],
    ['503', () => new Response('', { status: 503 })],
    ['504', () => new Response('', { status: 504 })],
    ['a network error', () => new TypeError('fetch failed')],
    ['a body that is not JSON', () => page('<html>')],
    ['a page without a cursor', () => page({ offices: [] })],
    ['a page whose offices is not an array', () => page({ offices: {}, cursor: 'c' })],
  ])('retries after %s', async (_label, failure) => {
    const { directory, calls, sleeps } = setup([failure(), page({ offices: [record('a')], cursor: 'c1' })]);
    const result = await directory.listOffices({});
    expect(result.offices).toHaveLength(1);
    expect(calls).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it.each([
    [1, [100, 200, 400, 800, 1000, 1000]],
    [0.5, [50, 100, 200, 400, 500, 500]],
    [0.25, [25, 50, 100, 200, 250, 250]],
  ])('backs off exponentially with full jitter, capped (random %p)', async (random, expected) => {
    // Arrange
    const failures = Array.from({ length: 6 }, () => new Response('', { status: 500 }));
    const { directory, sleeps } = setup([...failures, page({ offices: [], cursor: 'c' })], {
      maxAttempts: 7,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      random: () => random,
    });

    // Act
    await directory.listOffices({});

    // Assert: the delay is the random fraction of the capped exponential ceiling.
    expect(sleeps).toEqual(expected);
  });

  it('draws a fresh jitter for every retry', async () => {
    // Arrange
    const draws = [0.25, 0.75, 0.1];
    const failures = Array.from({ length: 3 }, () => new Response('', { status: 503 }));
    const { directory, sleeps } = setup([...failures, page({ offices: [], cursor: 'c' })], {
      maxAttempts: 4,
      baseDelayMs: 400,
      maxDelayMs: 10_000,
      random: () => draws.shift() ?? 0,
    });

    // Act
    await directory.listOffices({});

    // Assert
    expect(sleeps).toEqual([100, 600, 160]);
  });

  it('waits what Retry-After asks (seconds or an HTTP date)', async () => {
    // The HTTP date is read against the machine's clock: set to a whole second (the date's precision).
    jest.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') });
    const inTwoSeconds = new Date(Date.parse('2026-11-27T10:00:02Z')).toUTCString();
    const { directory, sleeps } = setup([
      new Response('', { status: 429, headers: { 'retry-after': '3' } }),
      new Response('', { status: 503, headers: { 'retry-after': inTwoSeconds } }),
      page({ offices: [], cursor: 'c' }),
    ]);
    try {
      await directory.listOffices({});
    } finally {
      jest.useRealTimers();
    }
    expect(sleeps).toEqual([3000, 2000]);
  });

  it('waits a short Retry-After exactly, and backs off after a Retry-After of 0', async () => {
    // Arrange: backoff ceilings of 2,000 ms then 4,000 ms, each drawn at 90 %.
    const { directory, sleeps } = setup(
      [
        new Response('', { status: 503, headers: { 'retry-after': '1' } }),
        new Response('', { status: 503, headers: { 'retry-after': '0' } }),
        page({ offices: [], cursor: 'c' }),
      ],
      { baseDelayMs: 2_000, maxDelayMs: 10_000, random: () => 0.9 },
    );

    // Act
    await directory.listOffices({});

    // Assert: 1 s as asked (not the 1,800 ms backoff), then the backoff's 3,600 ms.
    expect(sleeps).toEqual([1000, 3600]);
  });

  it('gives up on a Retry-After longer than it may wait', async () => {
    const { directory, calls } = setup([new Response('', { status: 429, headers: { 'retry-after': '120' } })], {
      maxRetryAfterSeconds: 60,
    });
    await expect(directory.listOffices({})).rejects.toMatchObject({
      name: 'DirectoryError',
      status: 429,
      retryAfterSeconds: 120,
      retryable: true,
    });
    expect(calls).toHaveLength(1);
  });

  it('times out a request that does not answer, and retries it', async () => {
    // Arrange: like a server that never answers, this fetch settles only when its signal aborts,
    // so only the client's own timeout can end the attempt.
    const hangsUntilAborted = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
      });
    const reasons: string[] = [];
    const { directory, sleeps } = setup([hangsUntilAborted, page({ offices: [], cursor: 'c' })], {
      timeoutMs: 20,
      onRetry: ({ reason }) => reasons.push(reason),
    });

    // Act
    const result = await directory.listOffices({});

    // Assert
    expect(result).toMatchObject({ cursor: 'c' });
    expect(reasons).toEqual(['timed out after 20 ms']);
    expect(sleeps).toHaveLength(1);
  }, 2_000);

  it('fails after maxAttempts with a retryable DirectoryError', async () => {
    const { directory, calls } = setup(
      Array.from({ length: 3 }, () => new Response('', { status: 500 })),
      { maxAttempts: 3 },
    );
    const error = await directory.listOffices({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error).toMatchObject({ retryable: true, status: 500 });
    expect((error as Error).message).toContain('after 3 attempt(s)');
    expect(calls).toHaveLength(3);
  });

  it('does not retry other client errors', async () => {
    const { directory, calls } = setup([new Response('', { status: 400 })]);
    await expect(directory.listOffices({})).rejects.toMatchObject({ retryable: false, status: 400 });
    expect(calls).toHaveLength(1);
  });

  it('re-reads the credential once after a 401, then gives up', async () => {
    const { directory, calls, credential } = setup([
      new Response('', { status: 401 }),
      new Response('', { status: 401 }),
    ]);
    await expect(directory.listOffices({})).rejects.toMatchObject({ retryable: false, status: 401 });
    expect(credential.invalidations).toBe(1);
    expect(calls).toHaveLength(2);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    const { directory } = setup([new Response('', { status: 500 })], {
      sleep: async () => {
        controller.abort(new Error('deadline'));
        throw new Error('deadline');
      },
    });
    await expect(directory.listOffices({}, undefined, controller.signal)).rejects.toThrow('deadline');
  });

  it('follows page tokens to the end and refuses a token that loops', async () => {
    const { directory } = setup([
      page({ offices: [record('a')], nextPageToken: 't1', cursor: 'c' }),
      page({ offices: [record('b')], nextPageToken: 't2', cursor: 'c' }),
      page({ offices: [record('c')], cursor: 'c' }),
    ]);
    const pages = [];
    for await (const p of listAllPages(directory, {})) pages.push(p.offices.map((o) => o.officeId));
    expect(pages).toEqual([['a'], ['b'], ['c']]);

    const looping = setup([
      page({ offices: [], nextPageToken: 't1', cursor: 'c' }),
      page({ offices: [], nextPageToken: 't1', cursor: 'c' }),
    ]).directory;
    await expect(async () => {
      for await (const _ of listAllPages(looping, {})) {
        // drain
      }
    }).rejects.toThrow('repeated page token');
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['5', 5],
    [' 0 ', 0],
    ['', undefined],
    ['soon', undefined],
    ['-3', undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it.each([
    ['IMF-fixdate', 'Thu, 01 Jan 2026 00:00:30 GMT'],
    ['RFC 850', 'Thursday, 01-Jan-26 00:00:30 GMT'],
    ['asctime', 'Thu Jan  1 00:00:30 2026'],
  ])('reads an %s date (RFC 9110 §5.6.7)', (_format, value) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(30);
  });

  it('reads an RFC 850 two-digit year as the nearest one not more than 50 years ahead', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    // 99 → 1999 (2099 would be 73 years ahead): long past, so no wait.
    expect(parseRetryAfter('Friday, 31-Dec-99 23:59:59 GMT', now)).toBe(0);
  });

  it.each([
    'Thu, 01 Jan 2026 00:00:30 PST',
    'thu, 01 jan 2026 00:00:30 gmt',
    'Thu Jan 1 00:00:30 2026',
    '2026-01-01T00:00:30Z',
  ])('ignores what is not an HTTP-date: %j', (value) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('office names and cities from the directory', () => {
  it.each([
    ['a text-direction override', { name: 'Contoso \u202eSP' }, 'record.name', 'control or text-direction'],
    ['a zero-width space', { name: 'Contoso\u200bSP' }, 'record.name', 'invisible'],
    ['a Hangul filler for a city', { city: '\u3164' }, 'record.city', 'invisible'],
    ['a line separator', { city: 'São\u2028Paulo' }, 'record.city', 'control or text-direction'],
    ['no letter or digit', { name: '...' }, 'record.name', 'letter or a digit'],
    ['a lone surrogate', { name: 'Contoso \ud800' }, 'record.name', 'well-formed'],
  ])('skips a record whose text holds %s, naming the field', async (_what, overrides, field, problem) => {
    const { directory } = setup([page({ offices: [record('ok'), record('bad', overrides)], cursor: 'c' })]);

    const result = await directory.listOffices({});

    expect(result.offices.map((o) => o.officeId)).toEqual(['ok']);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0]?.problems.join('; ')).toContain(field);
    expect(result.invalid[0]?.problems.join('; ')).toContain(problem);
  });

  it('stores names and cities trimmed and in NFC', async () => {
    const { directory } = setup([
      page({ offices: [record('o1', { name: '  Sa\u0303o Paulo HQ ', city: 'Sa\u0303o Paulo' })], cursor: 'c' }),
    ]);

    const [office] = (await directory.listOffices({})).offices;

    expect(office).toMatchObject({ name: 'São Paulo HQ', city: 'São Paulo' });
    expect(office?.name.length).toBe('São Paulo HQ'.length);
  });
});
