import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import {
  type DynamoDbLocal,
  ensureTable,
  localClient,
  startDynamoDbLocal,
  superviseDynamoDbLocal,
} from '../../infra/local/dynamodb.ts';
import { startTableStreamPoller, type TableStreamPoller } from '../../infra/local/table-stream.ts';

/** Waits (bounded) until `check` holds; the bound only keeps a broken run from hanging. */
async function eventually(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The local addresses listening on `port`, from the kernel's socket tables (Linux). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [hex = '', portHex = ''] = local.split(':');
      if (Number.parseInt(portHex, 16) !== port) continue;
      addresses.push(hex);
    }
  }
  return addresses;
}
/** 127.0.0.1 as /proc/net/tcp writes it, alone or IPv4-mapped in tcp6. */
const LOOPBACK_HEX = /^(?:0100007F|0000000000000000FFFF00000100007F)$/;

const TABLE = 'StreamTable';
let dataDir: string;
let dynamo: DynamoDbLocal;
let poller: TableStreamPoller | undefined;
const delivered: string[] = [];
const errors: unknown[] = [];
let recoveries = 0;

async function put(id: string): Promise<void> {
  const client = localClient(dynamo.endpoint);
  try {
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { PK: { S: `T#${id}` }, SK: { S: 'T' }, id: { S: id } } }),
    );
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stream-test-'));
  dynamo = await startDynamoDbLocal({ dataDir });
  await ensureTable(dynamo.endpoint, TABLE);
}, 60_000);

afterAll(async () => {
  await poller?.stop();
  if (dynamo.process.signalCode === null && dynamo.process.exitCode === null) dynamo.process.kill('SIGCONT');
  await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('DynamoDB Local', () => {
  it('listens on 127.0.0.1 only', () => {
    const port = Number(new URL(dynamo.endpoint).port);

    const addresses = listeningAddresses(port);

    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(address).toMatch(LOOPBACK_HEX);
  });
});

describe('the local table stream poller', () => {
  it('skips what was there before it started, survives a freeze and a restart, and loses nothing', async () => {
    // Arrange: one record from before the start.
    await put('before-start');
    const client = localClient(dynamo.endpoint);
    poller = await startTableStreamPoller(client, {
      endpoint: dynamo.endpoint,
      tableName: TABLE,
      intervalMs: 50,
      deliver: async (event: DynamoDBStreamEvent) => {
        for (const record of event.Records) delivered.push(record.dynamodb?.NewImage?.id?.S ?? '?');
      },
      onError: (error) => errors.push(error),
      onRecovered: () => {
        recoveries++;
      },
    });
    client.destroy();

    // Act 1: a write while running.
    await put('running');
    await eventually(() => delivered.includes('running'), 'the first record');

    // Act 2: DynamoDB Local frozen long enough for polls to time out, then thawed.
    dynamo.process.kill('SIGSTOP');
    await eventually(() => errors.length > 0, 'a failed poll while frozen');
    dynamo.process.kill('SIGCONT');
    await put('after-freeze');
    await eventually(() => delivered.includes('after-freeze'), 'the record after the freeze');

    // Act 3: killed and started again on the same port and data.
    const port = Number(new URL(dynamo.endpoint).port);
    dynamo.process.kill('SIGKILL');
    await dynamo.stop();
    const failuresBefore = errors.length;
    await eventually(() => errors.length > failuresBefore, 'a failed poll while down');
    dynamo = await startDynamoDbLocal({ dataDir, port });
    await put('after-restart');
    await eventually(() => delivered.includes('after-restart'), 'the record after the restart');

    // Assert: every record written while the poller ran, once each, none from before its start;
    // each outage ended with one recovery (what npm start's log says instead of a line per poll).
    expect(delivered).toEqual(['running', 'after-freeze', 'after-restart']);
    expect(recoveries).toBeGreaterThanOrEqual(2);
  }, 90_000);
});

describe('npm start’s DynamoDB Local supervisor', () => {
  it('says loudly that DynamoDB Local died and brings it back on the same port with its data', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'supervised-'));
    const first = await startDynamoDbLocal({ dataDir: dir });
    await ensureTable(first.endpoint, 'KeptTable');
    const said: string[] = [];
    const gaveUp: string[] = [];
    const supervisor = superviseDynamoDbLocal(first, {
      dataDir: dir,
      log: (message) => said.push(message),
      onGiveUp: (reason) => gaveUp.push(reason),
    });
    try {
      // Act
      first.process.kill('SIGKILL');
      await eventually(() => supervisor.current() !== first, 'the restart');

      // Assert: announced, same endpoint, the table still there.
      expect(said[0]).toMatch(/^!!! DynamoDB Local .* stopped unexpectedly: SIGKILL\.$/);
      expect(said.at(-1)).toMatch(/is back on/);
      expect(supervisor.current().endpoint).toBe(first.endpoint);
      const client = localClient(first.endpoint);
      try {
        expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['KeptTable']);
      } finally {
        client.destroy();
      }
      expect(gaveUp).toEqual([]);
    } finally {
      await supervisor.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('gives up (npm start stops) when the data was in memory', async () => {
    const inMemory = await startDynamoDbLocal();
    const gaveUp: string[] = [];
    const supervisor = superviseDynamoDbLocal(inMemory, { log: () => undefined, onGiveUp: (r) => gaveUp.push(r) });

    inMemory.process.kill('SIGKILL');
    await eventually(() => gaveUp.length > 0, 'giving up');

    expect(gaveUp[0]).toMatch(/in-memory data is gone/);
    expect(supervisor.current()).toBe(inMemory);
    await supervisor.stop();
  }, 60_000);
});
