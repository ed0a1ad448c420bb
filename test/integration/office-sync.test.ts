import { spawn } from 'node:child_process';
import type { Credential } from '../../functions/office-sync/directory/credential.ts';
import { DirectoryError, listAllPages, type OfficeDirectory } from '../../functions/office-sync/directory/directory.ts';
import { HttpDirectory } from '../../functions/office-sync/directory/http-directory.ts';
import { runScheduledSync, type SyncLog, syncPartnerOffices } from '../../functions/office-sync/sync.ts';
import type { LocalDirectory } from '../../infra/local/directory.ts';
import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import type { Table } from '../../shared/db/port.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';
import {
  DIRECTORY_CREDENTIAL,
  directoryClient,
  expectedOffices,
  freshTable,
  manyOffices,
  office,
  startDirectory,
  storedOffices,
  tick,
} from './office-fixtures.ts';

let table: SdkTable;
let store: DynamoOfficeStore;
let directory: LocalDirectory;

beforeEach(async () => {
  table = await freshTable();
  store = new DynamoOfficeStore(table);
});
afterEach(async () => {
  await directory?.close();
});

const run = (options: Parameters<typeof directoryClient>[1] = {}, signal?: AbortSignal) =>
  runScheduledSync({ directory: directoryClient(directory, options), store }, { signal });

describe('scheduled office sync against a local directory', () => {
  it('stores every office, with inactive and removed ones inactive, then costs nothing when nothing changed', async () => {
    directory = await startDirectory([
      ...manyOffices(10, 3),
      office('p0', 'closed', { status: 'inactive' }),
      office('p1', 'gone'),
    ]);
    directory.remove('p1', 'gone');

    const first = await run();
    expect(first).toMatchObject({ pages: 4, received: 12, written: 12, invalid: 0 });
    // The full listing includes the tombstone of a removed office; later removals come incrementally.
    directory.put(office('p2', 'new'));
    directory.remove('p0', 'o0');
    const second = await run();
    expect(second).toMatchObject({ received: 2, written: 2 });

    const stored = await storedOffices(table);
    expect(stored).toEqual(expectedOffices(directory));
    expect(stored.find((o) => o.officeId === 'gone')?.active).toBe(false);
    expect(stored.find((o) => o.officeId === 'closed')?.active).toBe(false);
    expect(stored.find((o) => o.officeId === 'o0')?.active).toBe(false);

    const idle = await run();
    expect(idle).toMatchObject({ pages: 1, received: 0, written: 0 });
    const state = await store.getSyncState();
    expect(state).toMatchObject({ lastRunStatus: 'succeeded', runs: 3, cursor: idle.cursor });
    expect(state?.lastRunStats).toMatchObject({ pages: 1, received: 0 });
  });

  it('rides out 500s, 429 with Retry-After, timeouts and a malformed page, and ends equal to the directory', async () => {
    directory = await startDirectory(manyOffices(12, 4));
    const page = (n: number) => (url: URL) => (url.searchParams.get('pageToken') ?? '').length > 0 === n > 1;
    directory.failNext({ kind: 'status', status: 500 }, page(1));
    directory.failNext({ kind: 'status', status: 503 }, page(1));
    directory.failNext({ kind: 'status', status: 429, retryAfter: '1' }, page(2));
    directory.failNext({ kind: 'delay', ms: 1000 }, page(2));
    directory.failNext({ kind: 'garbage' }, page(2));
    // Waits are recorded, not slept; each jittered backoff at its upper bound.
    const sleeps: number[] = [];

    const result = await run({
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    expect(result).toMatchObject({ pages: 4, received: 12, written: 12 });
    // Page 1: 5 and 10 ms of backoff. Page 2: Retry-After: 1 honoured (1000 ms, not the 5 ms
    // backoff), then 10 and 20 ms after the timeout and the malformed page.
    expect(sleeps).toEqual([5, 10, 1000, 10, 20]);
    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
  });

  it('skips and reports malformed records without failing the run', async () => {
    directory = await startDirectory(manyOffices(5, 2));
    directory.failNext({
      kind: 'extraRecords',
      records: [
        {
          partnerId: 'p0',
          officeId: 'bad-country',
          name: 'X',
          city: 'Y',
          country: 'Brazil',
          status: 'active',
          updatedAt: tick(),
        },
        { partnerId: 'p0', name: 'no id', city: 'Y', country: 'BR', status: 'active', updatedAt: tick() },
        'not even an object',
      ],
    });

    const result = await run();

    expect(result).toMatchObject({ received: 5, written: 5, invalid: 3 });
    expect(result.invalidRecords[0]).toMatchObject({
      page: 1,
      index: 0,
      officeId: 'bad-country',
      problems: [expect.stringContaining('record.country')],
    });
    expect(result.invalidRecords[1]?.problems).toEqual([expect.stringContaining('record.officeId is required')]);
    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
    const state = await store.getSyncState();
    expect(state?.lastRunStats?.invalid).toBe(3);
    expect(state?.lastInvalidRecords).toHaveLength(3);
  });

  it('ignores duplicate and out-of-order deliveries: a stale version never overwrites a newer one', async () => {
    const v1 = office('p0', 'hq', { name: 'HQ (old name)' });
    const v2 = office('p0', 'hq', { name: 'HQ', city: 'Campinas' });
    const v3 = office('p0', 'branch');
    directory = await startDirectory([v1, v2, v3]);
    await run();

    // The feed now repeats v2, then delivers v1 late (an out-of-order replica), in a doubled page.
    directory.deliver(v2);
    directory.deliver(v1);
    directory.failNext({ kind: 'duplicatePage' });
    const result = await run();

    expect(result).toMatchObject({ received: 4, written: 0, skipped: 4 });
    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
    expect((await store.get('p0', 'hq'))?.name).toBe('HQ');

    // Stale versions are refused even when written straight to the store (a concurrent run).
    const applied = await store.applyDirectoryRecords([{ ...v1, updatedAt: v1.updatedAt }], new Date().toISOString());
    expect(applied).toEqual({ written: 0, skipped: 1 });
    expect((await store.get('p0', 'hq'))?.city).toBe('Campinas');
  });

  it('keeps the cursor when a run fails for good, records the failure, and recovers on the next run', async () => {
    directory = await startDirectory(manyOffices(9, 3));
    await run();
    const before = await store.getSyncState();
    directory.put(office('p0', 'late'));
    directory.failNext(Array.from({ length: 5 }, () => ({ kind: 'status', status: 500 }) as const));

    await expect(run({ maxAttempts: 5 })).rejects.toBeInstanceOf(DirectoryError);

    const failed = await store.getSyncState();
    expect(failed).toMatchObject({ cursor: before?.cursor, lastRunStatus: 'failed', failedRuns: 1, runs: 2 });
    expect(failed?.lastError).toContain('HTTP 500');
    expect(failed?.lastSuccessAt).toBe(before?.lastSuccessAt);

    await run();
    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
    expect((await store.getSyncState())?.lastRunStatus).toBe('succeeded');
  });

  it('gives up at once when Retry-After asks for longer than it may wait', async () => {
    directory = await startDirectory(manyOffices(2, 1));
    directory.failNext({ kind: 'status', status: 429, retryAfter: '3600' });
    await expect(run({ maxRetryAfterSeconds: 30 })).rejects.toMatchObject({ status: 429, retryAfterSeconds: 3600 });
    expect(directory.requests).toHaveLength(1);
  });

  it('loses and duplicates nothing when a run is aborted mid-way (cursor not advanced)', async () => {
    directory = await startDirectory(manyOffices(15, 5));
    const controller = new AbortController();
    let pagesServed = 0;
    directory.onRequest = () => {
      if (++pagesServed === 3) controller.abort(new Error('killed'));
    };
    directory.failNext({ kind: 'delay', ms: 100 }, () => pagesServed === 3);

    await expect(run({}, controller.signal)).rejects.toThrow('killed');
    expect((await store.getSyncState())?.cursor).toBeUndefined();
    const partial = await storedOffices(table);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(15);

    // Meanwhile upstream moves on: an edit, a removal and a new office.
    directory.onRequest = undefined;
    directory.put(office('p1', 'o1', { name: 'Renamed' }));
    directory.remove('p2', 'o2');
    directory.put(office('p3', 'o99'));
    const recovery = await run();

    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
    // The recovery run re-listed what the aborted run had stored, without rewriting it.
    expect(recovery.skipped).toBeGreaterThanOrEqual(partial.length - 2);
  });

  it('survives the sync process being killed (SIGKILL) mid-run', async () => {
    directory = await startDirectory(manyOffices(20, 4));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const thirdPage = new Promise<void>((resolve) => {
      let served = 0;
      directory.onRequest = () => {
        if (++served === 3) resolve();
      };
    });
    // Page 3 never answers until released; by then the process is gone.
    let count = 0;
    directory.failNext({ kind: 'hold', until: held }, () => ++count === 3);

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { handler } = await import('./functions/office-sync/handler.ts');
         await handler({ trigger: 'schedule' }, { getRemainingTimeInMillis: () => 60_000 });`,
      ],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          TABLE_NAME: table.name,
          DIRECTORY_BASE_URL: directory.baseUrl,
          DIRECTORY_CREDENTIAL,
          DIRECTORY_PAGE_SIZE: '5',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    await Promise.race([thirdPage, exited.then(() => Promise.reject(new Error(`sync process exited: ${stderr}`)))]);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    release();

    // Two pages of five were stored before the process died.
    const afterKill = await storedOffices(table);
    expect(afterKill).toHaveLength(10);
    expect(await store.getSyncState()).toBeUndefined();

    directory.onRequest = undefined;
    directory.put(office('p0', 'o0', { name: 'Changed while down' }));
    await run();
    expect(await storedOffices(table)).toEqual(expectedOffices(directory));
  }, 30_000);
});

describe('on-demand sync of one partner', () => {
  it('stores the partner’s offices from a full listing and deactivates those the directory no longer has', async () => {
    directory = await startDirectory([...manyOffices(6, 2), office('other', 'x')]);
    let now = new Date('2026-03-01T10:00:00Z');
    const deps = { directory: directoryClient(directory), store, now: () => now };

    const first = await syncPartnerOffices(deps, 'p0');
    expect(first).toMatchObject({ received: 3, written: 3, deactivatedMissing: 0 });
    expect(first.offices.map((o) => o.officeId).sort()).toEqual(['o0', 'o2', 'o4']);

    // Within the minute: refused with the seconds left.
    now = new Date('2026-03-01T10:00:45Z');
    await expect(syncPartnerOffices(deps, 'p0')).rejects.toMatchObject({
      kind: 'too-many-requests',
      retryAfterSeconds: 15,
    });

    // Gone upstream without a tombstone (purged): only the full listing can show it is gone.
    directory.forget('p0', 'o2');
    now = new Date('2026-03-01T10:01:01Z');
    const second = await syncPartnerOffices(deps, 'p0');
    expect(second).toMatchObject({ deactivatedMissing: 1 });
    expect(second.offices.find((o) => o.officeId === 'o2')?.active).toBe(false);
    // Only p0 was touched.
    expect((await storedOffices(table)).map((o) => o.partnerId)).toEqual(['p0', 'p0', 'p0']);
  });
});

/** A SyncLog that keeps every line, to assert on what would reach CloudWatch. */
function captureLog() {
  const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
  const log: SyncLog = {
    info: (message, data) => lines.push({ level: 'info', message, ...(data ? { data } : {}) }),
    warn: (message, data) => lines.push({ level: 'warn', message, ...(data ? { data } : {}) }),
    error: (message, data) => lines.push({ level: 'error', message, ...(data ? { data } : {}) }),
  };
  return { log, lines };
}

describe('on-demand sync races and edge cases', () => {
  it('does not deactivate an office that appeared upstream during the listing and was stored by a concurrent run', async () => {
    // Arrange: p0 has 'kept' and 'gone'; 'gone' then vanishes upstream without a tombstone.
    directory = await startDirectory([office('p0', 'kept'), office('p0', 'gone')]);
    await syncPartnerOffices(
      { directory: directoryClient(directory), store, now: () => new Date('2026-03-01T10:00:00Z') },
      'p0',
    );
    directory.forget('p0', 'gone');
    const late = office('p0', 'late');
    const http = directoryClient(directory);
    // The on-demand listing is cut before 'late' exists upstream; once its last page is in hand, and
    // before the sync reads what is stored, 'late' appears and a scheduled run stores it.
    const racing: OfficeDirectory = {
      async listOffices(query, pageToken, signal) {
        const page = await http.listOffices(query, pageToken, signal);
        if (page.nextPageToken === undefined) {
          directory.put(late);
          await runScheduledSync({
            directory: directoryClient(directory),
            store,
            now: () => new Date('2026-03-01T10:05:02Z'),
          });
        }
        return page;
      },
    };

    // Act
    const result = await syncPartnerOffices(
      { directory: racing, store, now: () => new Date('2026-03-01T10:05:00Z') },
      'p0',
    );

    // Assert: the concurrently stored office survives; the one really gone is still deactivated.
    expect(result.offices.map((o) => o.officeId).sort()).toEqual(['gone', 'kept', 'late']);
    expect(await store.get('p0', 'late')).toMatchObject({ active: true, sourceUpdatedAt: late.updatedAt });
    expect(await store.get('p0', 'late')).not.toHaveProperty('missingUpstream');
    expect(await store.get('p0', 'gone')).toMatchObject({ active: false, missingUpstream: true });
    expect(result.deactivatedMissing).toBe(1);
  });

  it('reactivates an office deactivated as missing when the directory has the same version again', async () => {
    // Arrange: 'hq' is stored, then a listing lacks it (a lagging replica, a purge undone).
    const hq = office('p0', 'hq');
    directory = await startDirectory([hq, office('p0', 'branch')]);
    let now = new Date('2026-03-01T10:00:00Z');
    const deps = { directory: directoryClient(directory), store, now: () => now };
    await syncPartnerOffices(deps, 'p0');
    directory.forget('p0', 'hq');
    now = new Date('2026-03-01T10:01:01Z');
    await syncPartnerOffices(deps, 'p0');
    expect(await store.get('p0', 'hq')).toMatchObject({ active: false, missingUpstream: true });
    directory.put(hq);

    // Act: the scheduled run brings the very same version (same updatedAt) back.
    const back = await run();

    // Assert: written over the inference, flag gone; after that, equal versions are duplicates again.
    expect(back.written).toBe(1);
    const stored = await store.get('p0', 'hq');
    expect(stored).toMatchObject({ active: true, sourceUpdatedAt: hq.updatedAt });
    expect(stored).not.toHaveProperty('missingUpstream');
    expect(await store.applyDirectoryRecords([hq], new Date().toISOString())).toEqual({ written: 0, skipped: 1 });
  });

  it('keeps a newer version written between the stored-version read and the PutItem (the write condition decides)', async () => {
    // Arrange: v1 stored; a second writer will store v3 right before our PutItem of v2 is sent.
    const v1 = office('p0', 'hq', { name: 'v1' });
    const v2 = office('p0', 'hq', { name: 'v2' });
    const v3 = office('p0', 'hq', { name: 'v3' });
    await store.applyDirectoryRecords([v1], tick());
    const otherRun = new DynamoOfficeStore(table);
    let interleaved = false;
    // The same table, with the other run's write slipped in before our first PutItem is sent.
    const interleaving: Table = {
      name: table.name,
      get: (input) => table.get(input),
      update: (input) => table.update(input),
      query: (input) => table.query(input),
      batchGet: (input) => table.batchGet(input),
      transactWrite: (items) => table.transactWrite(items),
      put: async (input) => {
        if (!interleaved) {
          interleaved = true;
          await otherRun.applyDirectoryRecords([v3], tick());
        }
        return table.put(input);
      },
    };

    // Act
    const applied = await new DynamoOfficeStore(interleaving).applyDirectoryRecords([v2], tick());

    // Assert: the read saw v1 and let v2 through; only the condition can have stopped it.
    expect(interleaved).toBe(true);
    expect(applied).toEqual({ written: 0, skipped: 1 });
    expect(await store.get('p0', 'hq')).toMatchObject({ name: 'v3', sourceUpdatedAt: v3.updatedAt });
  });

  it('stores only the asked partner’s offices when the directory answers with other partners’ too', async () => {
    // Arrange: a directory that ignores partnerId and answers with everyone's offices.
    directory = await startDirectory([office('p0', 'mine'), office('p1', 'theirs'), office('p0', 'also-mine')]);
    const http = directoryClient(directory);
    const leaky: OfficeDirectory = {
      listOffices: ({ partnerId: _ignored, ...rest }, pageToken, signal) => http.listOffices(rest, pageToken, signal),
    };
    const { log, lines } = captureLog();

    // Act
    const result = await syncPartnerOffices({ directory: leaky, store, log }, 'p0');

    // Assert
    expect(directory.requests.every((url) => !url.searchParams.has('partnerId'))).toBe(true);
    expect(result).toMatchObject({ received: 2, written: 2 });
    expect((await storedOffices(table)).map((o) => `${o.partnerId}/${o.officeId}`)).toEqual([
      'p0/also-mine',
      'p0/mine',
    ]);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'directory returned offices of other partners',
      data: { partnerId: 'p0', count: 1 },
    });
  });

  it('lists every office in a full listing even if one changes while it is paged through', async () => {
    // Arrange: seven offices over three pages, all stored by a first sync.
    directory = await startDirectory(manyOffices(7, 1));
    let now = new Date('2026-03-01T10:00:00Z');
    const deps = { directory: directoryClient(directory), store, now: () => now };
    await syncPartnerOffices(deps, 'p0');
    now = new Date('2026-03-01T10:01:01Z');
    // The last office (key order and change order alike) is renamed once the first page is served.
    let renamed = false;
    directory.onRequest = (url) => {
      if (url.searchParams.has('pageToken') && !renamed) {
        renamed = true;
        directory.put(office('p0', 'o6', { name: 'Renamed' }));
      }
    };

    // Act
    const result = await syncPartnerOffices(deps, 'p0');

    // Assert: not taken for gone; listed (in its new version) and stored.
    expect(renamed).toBe(true);
    expect(result.deactivatedMissing).toBe(0);
    expect(result.received).toBe(7);
    expect(await store.get('p0', 'o6')).toMatchObject({ active: true, name: 'Renamed' });
  });

  it('lists each office of a full listing once, and brings changes made during it in the next listing', async () => {
    // Arrange
    directory = await startDirectory(manyOffices(9, 1));
    const http = directoryClient(directory);
    let changed = false;
    directory.onRequest = (url) => {
      if (url.searchParams.has('pageToken') && !changed) {
        changed = true;
        directory.put(office('p0', 'o0', { name: 'Renamed behind the listing' }));
        directory.put(office('p0', 'o8', { name: 'Renamed ahead of the listing' }));
      }
    };

    // Act
    const ids: string[] = [];
    let cursor = '';
    for await (const page of listAllPages(http, {})) {
      ids.push(...page.offices.map((o) => o.officeId));
      cursor = page.cursor;
    }
    const next = await http.listOffices({ changedSince: cursor });

    // Assert
    expect(ids.sort()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8']);
    expect(next.offices.map((o) => o.name)).toEqual(['Renamed behind the listing', 'Renamed ahead of the listing']);
  });
});

describe('the directory credential stays secret', () => {
  it('keeps a credential that fetch rejects as a header out of logs, the thrown error and the sync state', async () => {
    // Arrange: a credential with CR/LF that got past load-time checks (they are tested apart); Node's
    // fetch then throws an error whose message quotes the whole Authorization header.
    directory = await startDirectory(manyOffices(2, 1));
    const secret = 'Sup3r-S3cret-Value\r\nX-Injected: yes';
    const credential: Credential = { get: async () => secret, invalidate: () => undefined };
    const { log, lines } = captureLog();
    const http = new HttpDirectory({
      baseUrl: directory.baseUrl,
      credential,
      maxAttempts: 3,
      baseDelayMs: 1,
      maxDelayMs: 2,
      onRetry: (info) => log.warn('directory request retried', info),
    });

    // Act
    const error = (await runScheduledSync({ directory: http, store, log }).catch((e: unknown) => e)) as Error;

    // Assert
    const state = await store.getSyncState();
    expect(state).toMatchObject({ lastRunStatus: 'failed' });
    expect(state?.lastError).toContain('network error: TypeError');
    expect(lines.filter((l) => l.message === 'directory request retried')).toHaveLength(2);
    const everything = JSON.stringify({ lines, state, error: `${error.name}: ${error.message}`, stack: error.stack });
    expect(everything).not.toContain('Sup3r-S3cret-Value');
    expect(everything).not.toContain('X-Injected');
    expect(directory.requests).toHaveLength(0);
  });
});
