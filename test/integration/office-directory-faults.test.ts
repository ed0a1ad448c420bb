import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { staticCredential } from '../../functions/office-sync/directory/credential.ts';
import { DirectoryError } from '../../functions/office-sync/directory/directory.ts';
import {
  DEFAULT_MAX_PAGE_BYTES,
  HttpDirectory,
  type HttpDirectoryOptions,
} from '../../functions/office-sync/directory/http-directory.ts';
import { runScheduledSync } from '../../functions/office-sync/sync.ts';
import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';
import type { ApiEvent } from '../../shared/http/types.ts';
import { setClock } from '../support/clock.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { DIRECTORY_CREDENTIAL, freshTable, office, storedOffices } from './office-fixtures.ts';

afterEach(() => {
  jest.useRealTimers();
});

/** A whole second (HTTP dates have no fractions), ms since the epoch. */
const NOW = Date.parse('2026-11-27T10:00:00.000Z');

/**
 * A directory that misbehaves on cue: a real HTTP server answering each request with the next
 * scripted answer, so the client's parsing, streaming and retries meet real sockets.
 */
type Answer = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

class FaultServer {
  readonly requests: URL[] = [];
  private readonly server: Server;
  private answers: Answer[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      this.requests.push(new URL(req.url ?? '/', 'http://directory'));
      const answer = this.answers.shift();
      if (!answer) {
        res.writeHead(500).end();
        return;
      }
      void Promise.resolve(answer(req, res)).catch(() => res.destroy());
    });
  }

  script(...answers: Answer[]): void {
    this.answers = answers;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const page =
  (body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(code, headers).end();
  };

let server: FaultServer;
let baseUrl: string;
let table: SdkTable;
let store: DynamoOfficeStore;

beforeEach(async () => {
  server = new FaultServer();
  baseUrl = await server.start();
  table = await freshTable();
  store = new DynamoOfficeStore(table);
});
afterEach(() => server.close());

/** The client against the fault server; sleeps are recorded, never waited (no wall clock). */
function client(options: Partial<HttpDirectoryOptions> = {}) {
  const sleeps: number[] = [];
  const reasons: string[] = [];
  const directory = new HttpDirectory({
    baseUrl,
    credential: staticCredential(DIRECTORY_CREDENTIAL),
    timeoutMs: 10_000,
    random: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRetry: ({ reason }) => reasons.push(reason),
    ...options,
  });
  return { directory, sleeps, reasons };
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;

/** The three HTTP-date formats of RFC 9110 §5.6.7, written out by hand. */
const HTTP_DATE_FORMATS: [string, (d: Date) => string][] = [
  ['IMF-fixdate', (d) => d.toUTCString()],
  [
    'RFC 850',
    (d) =>
      `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${clock(d)} GMT`,
  ],
  [
    'asctime',
    (d) =>
      `${DAYS[d.getUTCDay()]?.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${clock(d)} ${d.getUTCFullYear()}`,
  ],
];

describe('directory fault server: Retry-After dates', () => {
  it.each(HTTP_DATE_FORMATS)('waits until a Retry-After given as an %s date', async (_format, format) => {
    // Arrange: 30 s from now.
    setClock(NOW);
    const at = new Date(NOW + 30_000);
    server.script(status(503, { 'retry-after': format(at) }), page({ offices: [], cursor: 'c1' }));
    const { directory, sleeps } = client();

    // Act
    const result = await directory.listOffices({});

    // Assert: one retry, after 30 s (the backoff alone would be 0 here), not before.
    expect(result.cursor).toBe('c1');
    expect(sleeps).toEqual([30_000]);
  });

  it('gives up at once on a Retry-After date beyond what it may wait', async () => {
    setClock(NOW);
    const at = new Date(NOW + 600_000);
    server.script(status(429, { 'retry-after': HTTP_DATE_FORMATS[1]?.[1](at) ?? '' }));
    const { directory, sleeps } = client({ maxRetryAfterSeconds: 60 });

    const failure = await directory.listOffices({}).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DirectoryError);
    expect((failure as DirectoryError).retryAfterSeconds).toBe(600);
    expect(sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe('directory fault server: the last page', () => {
  it.each([
    ['null', null],
    ['""', ''],
  ])('treats "nextPageToken": %s as the last page, and the run succeeds', async (_label, token) => {
    // Arrange: two pages, the second ending the listing with a null or empty token.
    const first = office('fault-p', 'o1');
    const second = office('fault-p', 'o2');
    server.script(
      page({ offices: [first], nextPageToken: 't2', cursor: 'c9' }),
      page({ offices: [second], nextPageToken: token, cursor: 'c9' }),
    );
    const { directory, reasons } = client();

    // Act
    const result = await runScheduledSync({ directory, store });

    // Assert: both pages stored, the cursor moved, nothing retried, no third request.
    expect(result).toMatchObject({ pages: 2, received: 2, written: 2, cursor: 'c9' });
    expect((await storedOffices(table)).map((o) => o.officeId)).toEqual(['o1', 'o2']);
    expect(await store.getSyncState()).toMatchObject({ cursor: 'c9', lastRunStatus: 'succeeded' });
    expect(reasons).toEqual([]);
    expect(server.requests.map((url) => url.searchParams.get('pageToken'))).toEqual([null, 't2']);
  });
});

describe('directory fault server: oversized pages', () => {
  const SIXTY_MB = 60 * 1024 * 1024;
  const CHUNK = Buffer.alloc(64 * 1024, ' ');

  /**
   * A 60 MB page streamed in 64 KiB chunks (chunked: no Content-Length), honouring backpressure,
   * until the client hangs up; `sent.bytes` counts what was handed to the socket.
   */
  function hugeStream(sent: { bytes: number }): Answer {
    return async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"offices":[');
      let closed = false;
      const hungUp = new Promise<void>((resolve) =>
        res.once('close', () => {
          closed = true;
          resolve();
        }),
      );
      while (!closed && sent.bytes < SIXTY_MB) {
        sent.bytes += CHUNK.length;
        if (!res.write(CHUNK)) await Promise.race([new Promise((resolve) => res.once('drain', resolve)), hungUp]);
      }
      if (!closed) res.end('],"cursor":"c"}');
    };
  }

  it('stops reading a 60 MB page at the cap, without buffering it, and retries it as malformed', async () => {
    // Arrange
    const attempts = [{ bytes: 0 }, { bytes: 0 }] as const;
    server.script(hugeStream(attempts[0]), hugeStream(attempts[1]));
    const { directory, reasons } = client({ maxAttempts: 2 });

    // Act
    const failure = await directory.listOffices({}).catch((error: unknown) => error);

    // Assert: a transient failure naming the cap, logged on retry; each attempt hung up long
    // before 60 MB (the cap plus what socket buffers hold).
    expect(failure).toBeInstanceOf(DirectoryError);
    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining('larger than 8388608 bytes') });
    expect(reasons).toEqual([`malformed page: larger than ${DEFAULT_MAX_PAGE_BYTES} bytes`]);
    expect(server.requests).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.bytes).toBeGreaterThan(DEFAULT_MAX_PAGE_BYTES - CHUNK.length);
      expect(attempt.bytes).toBeLessThan(24 * 1024 * 1024);
    }
  });

  it('refuses a page whose Content-Length is over the cap before reading it', async () => {
    server.script(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(SIXTY_MB) });
      // Only the first chunk: a client that reads on would wait for the rest until its timeout.
      res.write(CHUNK);
    });
    const { directory, reasons } = client({ maxAttempts: 1, timeoutMs: 5_000 });

    const failure = await directory.listOffices({}).catch((error: unknown) => error);

    expect(failure).toMatchObject({ retryable: true, message: expect.stringContaining('larger than') });
    expect(reasons).toEqual([]);
  });

  it('fails the sync run on an oversized page and leaves the cursor where it was', async () => {
    const sent = { bytes: 0 };
    server.script(hugeStream(sent));
    const { directory } = client({ maxAttempts: 1, maxPageBytes: 1024 * 1024 });

    await expect(runScheduledSync({ directory, store })).rejects.toThrow('larger than 1048576 bytes');

    expect(await store.getSyncState()).toMatchObject({ lastRunStatus: 'failed' });
    expect((await store.getSyncState())?.cursor).toBeUndefined();
    expect(sent.bytes).toBeLessThan(SIXTY_MB / 2);
  });
});

describe('directory fault server: a partner’s on-demand sync', () => {
  const onDemand = new FaultServer();
  let postSync: (event: ApiEvent, context: Context) => Promise<{ statusCode: number; headers?: object; body?: string }>;

  beforeAll(async () => {
    // The handler reads its settings when it loads: point it at this server first.
    process.env.DIRECTORY_BASE_URL = await onDemand.start();
    process.env.DIRECTORY_CREDENTIAL = DIRECTORY_CREDENTIAL;
    process.env.DIRECTORY_TIMEOUT_MS = '5000';
    ({ handler: postSync } = (await import('../../functions/office-sync/handler.ts')) as never);
  });
  afterAll(() => onDemand.close());

  const post = (partnerId: string) =>
    postSync(apiEvent({ routeKey: 'POST /v1/offices/sync', authorizer: { partnerId } }), lambdaContext);

  it('answers 503 with the Retry-After the directory gave as an RFC 850 date', async () => {
    setClock(NOW);
    const at = new Date(NOW + 120_000);
    onDemand.script(status(503, { 'retry-after': HTTP_DATE_FORMATS[1]?.[1](at) ?? '' }));

    const result = await post(`faults-${Date.now()}-a`);

    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      type: 'urn:purchase-offers:problem:directory-unavailable',
    });
    expect((result.headers as Record<string, string>)['retry-after']).toBe('120');
  });

  it('answers 503 when every attempt brings an oversized page', async () => {
    const partnerId = `faults-${Date.now()}-b`;
    const oversized: Answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(DEFAULT_MAX_PAGE_BYTES + 1) });
      res.end();
    };
    onDemand.script(oversized, oversized, oversized);

    const refused = await post(partnerId);

    expect(refused.statusCode).toBe(503);
    expect(onDemand.requests.filter((url) => url.searchParams.get('partnerId') === partnerId)).toHaveLength(3);
  });

  it('treats a null page token as the end of a partner’s listing', async () => {
    const partnerId = `faults-${Date.now()}-c`;
    onDemand.script(page({ offices: [office(partnerId, 'hq')], nextPageToken: null, cursor: 'c' }));

    const synced = await post(partnerId);

    expect(synced.statusCode).toBe(200);
    expect(JSON.parse(synced.body ?? '{}').offices.map((o: { officeId: string }) => o.officeId)).toEqual(['hq']);
  });
});
