import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { type DynamoDbLocal, ensureTable, localClient, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
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
});

afterAll(async () => {
  await poller?.stop();
  if (dynamo.process.signalCode === null && dynamo.process.exitCode === null) dynamo.process.kill('SIGCONT');
  await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

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

    // Assert: every record written while the poller ran, once each, none from before its start.
    expect(delivered).toEqual(['running', 'after-freeze', 'after-restart']);
  }, 90_000);
});
