import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { staticCredential } from '../../functions/office-sync/directory/credential.ts';
import { HttpDirectory } from '../../functions/office-sync/directory/http-directory.ts';
import { runScheduledSync, type SyncRunResult } from '../../functions/office-sync/sync.ts';
import { LocalDirectory, type LocalDirectoryRecord } from '../../infra/local/directory.ts';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import { createDocumentClient, SdkTable } from '../../shared/db/sdk-table.ts';

const CREDENTIAL = 'bench-credential';
const TOTAL = 10_000;
const PARTNERS = 1_000;
/** The killed-run scenario: this many changes, and the run is aborted when it asks for this page. */
const KILLED_CHANGES = 2_000;
const KILL_AT_PAGE = 3;

const plural = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Counts every DynamoDB request the client sends (retries included: the step runs inside the
 * SDK's retry loop), by operation.
 */
function countRequests(client: DynamoDBDocumentClient) {
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchRequestCounter' },
  );
  return {
    take(): Record<string, number> {
      const taken = counts;
      counts = {};
      return taken;
    },
  };
}

const describe = (counts: Record<string, number>) => {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return { total, detail: entries.map(([op, n]) => `${op} ${n}`).join(', ') || '-' };
};

let clock = Date.parse('2026-01-01T00:00:00.000Z');
const nextTime = () => {
  clock += 1;
  return new Date(clock).toISOString();
};
const officeRecord = (i: number, partners: number, name = `Office ${i}`): LocalDirectoryRecord => ({
  partnerId: `partner-${String(i % partners).padStart(4, '0')}`,
  officeId: `office-${String(i).padStart(5, '0')}`,
  name,
  city: 'São Paulo',
  country: 'BR',
  status: 'active',
  updatedAt: nextTime(),
});

interface Row {
  readonly scenario: string;
  readonly total: number;
  readonly changed: number;
  readonly result: SyncRunResult;
  readonly requests: ReturnType<typeof describe>;
  readonly ms: number;
}

/**
 * The office sync at scale: 10,000 offices across 1,000 partners through the real HTTP adapter,
 * the local directory and DynamoDB Local. The point is the shape of the cost: after the first run,
 * DynamoDB requests follow the number of changed offices, not the number stored.
 */
export async function run(): Promise<string> {
  const dynamo = await startDynamoDbLocal();
  const rows: Row[] = [];
  try {
    const scenario = async (total: number) => {
      const tableName = `bench-office-sync-${total}`;
      await ensureTable(dynamo.endpoint, tableName);
      const client = createDocumentClient(dynamo.endpoint);
      const counter = countRequests(client);
      const store = new DynamoOfficeStore(new SdkTable(client, tableName));
      const directory = new LocalDirectory({ credential: CREDENTIAL });
      for (let i = 0; i < total; i++) directory.put(officeRecord(i, Math.min(PARTNERS, total)));
      await directory.start();
      const http = new HttpDirectory({ baseUrl: directory.baseUrl, credential: staticCredential(CREDENTIAL) });
      const measure = async (label: string, changed: number, signal?: AbortSignal) => {
        counter.take();
        const startedAt = performance.now();
        const result = await runScheduledSync({ directory: http, store }, { signal });
        rows.push({
          scenario: label,
          total,
          changed,
          result,
          requests: describe(counter.take()),
          ms: Math.round(performance.now() - startedAt),
        });
      };
      const change = (n: number) => {
        // Spread over the whole key space, so no partition or page is favoured.
        for (let k = 0; k < n; k++) {
          const i = Math.floor((k * total) / n);
          directory.put(officeRecord(i, Math.min(PARTNERS, total), `Office ${i} (renamed ${clock})`));
        }
      };
      return { directory, measure, change, client, counter, store, http };
    };

    const big = await scenario(TOTAL);
    await big.measure('first run (empty table, full listing)', TOTAL);
    await big.measure('no changes', 0);
    for (const n of [1, 10, 100, 1_000]) {
      big.change(n);
      await big.measure(`${n} changed`, n);
    }
    // A run killed half-way through 2,000 changes, then the next run.
    big.change(KILLED_CHANGES);
    const controller = new AbortController();
    let pages = 0;
    big.directory.onRequest = () => {
      if (++pages === KILL_AT_PAGE) controller.abort(new Error('killed'));
    };
    big.counter.take();
    const killedAt = performance.now();
    await runScheduledSync({ directory: big.http, store: big.store }, { signal: controller.signal }).catch(
      () => undefined,
    );
    const killed = describe(big.counter.take());
    const killedMs = Math.round(performance.now() - killedAt);
    // What the killed run got done, as it recorded it (read outside the counted window).
    const killedStats = (await big.store.getSyncState())?.lastRunStats;
    if (!killedStats) throw new Error('the killed run recorded no stats');
    big.counter.take();
    big.directory.onRequest = undefined;
    await big.measure(
      `${KILLED_CHANGES.toLocaleString('en')} changed, after a run killed at page ${KILL_AT_PAGE}`,
      KILLED_CHANGES,
    );
    const recovery = rows.at(-1);
    if (!recovery) throw new Error('no recovery run measured');
    await big.directory.close();
    big.client.destroy();

    const small = await scenario(1_000);
    await small.measure('first run (empty table, full listing)', 1_000);
    small.change(100);
    await small.measure('100 changed', 100);
    await small.directory.close();
    small.client.destroy();

    const table = rows.map(
      (r) =>
        `| ${r.total.toLocaleString('en')} | ${r.scenario} | ${r.result.pages} | ${r.result.received.toLocaleString('en')} | ` +
        `${r.result.written.toLocaleString('en')} | **${r.requests.total.toLocaleString('en')}** | ${r.requests.detail} | ${r.ms.toLocaleString('en')} |`,
    );
    return [
      '## Office sync (10,000 offices, 1,000 partners)',
      '',
      'The scheduled sync run in process: the real HTTP directory adapter (500 records a page) against the',
      'local directory server, the real DynamoDB adapter against DynamoDB Local (in memory). DynamoDB requests',
      'are counted by a middleware on the document client, every attempt included. Each run also costs one',
      'GetItem (the cursor) and one UpdateItem (run stats and the new cursor).',
      '',
      '| offices stored | run | pages | records received | offices written | DynamoDB requests | by operation | ms |',
      '|---:|---|---:|---:|---:|---:|---|---:|',
      ...table,
      '',
      `The killed run stored ${plural(killedStats.pages, 'page')} (${plural(killedStats.written, 'office')}) before it was ` +
        `aborted: ${killed.total.toLocaleString('en')} requests (${killed.detail}; the UpdateItem records the failed run), ` +
        `${killedMs.toLocaleString('en')} ms. The cursor stayed put, so the next run re-listed all ` +
        `${recovery.result.received.toLocaleString('en')} changed records, skipped ${recovery.result.skipped.toLocaleString('en')} ` +
        `already stored after one BatchGetItem per 100, and wrote ${recovery.result.written.toLocaleString('en')}.`,
      '',
      'Reading the table: after the first run, requests ≈ 2 + ⌈changed/100⌉ BatchGetItem + one PutItem per changed',
      'office. The same 100 changes cost the same with 1,000 or 10,000 offices stored: the cost follows the',
      'changes, not the total.',
    ].join('\n');
  } finally {
    await dynamo.stop();
  }
}

// Run on its own: `npx tsx test/bench/office-sync.ts`.
if (import.meta.url === `file://${process.argv[1]}`) console.log(await run());
