import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { ConfigError } from '../../shared/config/env.ts';
import { DynamoDbError, DynamoDbLite, LiteTable, liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { isServiceUnavailable } from '../../shared/db/errors.ts';
import {
  BATCH_GET_MAX_ATTEMPTS,
  ConditionFailedError,
  isConditionFailed,
  isTransactionCanceled,
  type Key,
  queryAll,
  TransactionCanceledError,
} from '../../shared/db/port.ts';

/** One request as the fake DynamoDB saw it. */
interface Seen {
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  /** Which TCP connection carried it (1 = the first one accepted). */
  readonly connection: number;
}

type Reply = (res: ServerResponse) => void;

const json =
  (status: number, body: unknown): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
  };
const dynamoError = (status: number, type: string, extra: Record<string, unknown> = {}) =>
  json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `${type} happened`, ...extra });
/** Never answers: the client's timeout has to end the attempt. */
const hang: Reply = () => {};
/** Drops the connection without an answer. */
const reset: Reply = (res) => res.socket?.destroy();

let server: Server;
let endpoint: string;
let replies: Reply[];
let seen: Seen[];
let sleeps: number[];
const clients: DynamoDbLite[] = [];

beforeAll(async () => {
  let connections = 0;
  const ids = new WeakMap<object, number>();
  server = createServer((req, res) => {
    if (!ids.has(req.socket)) ids.set(req.socket, ++connections);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        connection: ids.get(req.socket) ?? 0,
      });
      // The last reply repeats, so "always fails" needs one entry.
      const reply = replies.length > 1 ? replies.shift() : replies[0];
      (reply ?? json(200, {}))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const random = Math.random;
beforeEach(() => {
  replies = [];
  seen = [];
  sleeps = [];
  // The upper bound of each jittered delay, so the test sees the backoff schedule itself.
  Math.random = () => 1;
});
afterEach(() => {
  Math.random = random;
  jest.useRealTimers();
});

/**
 * Fakes timers and the clock (`Date`, `performance`) so a test decides when a timeout fires.
 * setImmediate stays real: Node's sockets do not use the global timers, and `settle` needs it.
 */
function useFakeClock(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
}

/** One real turn of the event loop: pending promise callbacks and socket events run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function advanceClock(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
  await settle();
}

/** Waits (in event-loop turns, not time) until the fake DynamoDB has received `count` requests. */
async function requestsSeen(count: number): Promise<void> {
  for (let turn = 0; seen.length < count; turn++) {
    if (turn > 100_000) throw new Error(`the fake DynamoDB saw ${seen.length} requests, not ${count}`);
    await settle();
  }
}

function client(
  options: {
    timeoutMs?: number;
    budgetMs?: number;
    maxResponseBytes?: number;
    now?: () => number;
    endpoint?: string;
  } = {},
): DynamoDbLite {
  const made = new DynamoDbLite({
    endpoint: options.endpoint ?? endpoint,
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.now ? { now: options.now } : {}),
    region: 'local',
    credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    timeoutMs: options.timeoutMs ?? 1_000,
    ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  clients.push(made);
  return made;
}

/** The port on a client of the fake DynamoDB, bound to table `T`. */
function table(options: Parameters<typeof client>[0] = {}): LiteTable {
  return new LiteTable(client(options), 'T');
}

const KEY = { PK: 'OFFER#ABCD', SK: 'OFFER' };
/** KEY as DynamoDB's JSON has it. */
const WIRE_KEY = { PK: { S: 'OFFER#ABCD' }, SK: { S: 'OFFER' } };
/** A GetItem on the wire, the read every retry rule below is shown with. */
const getItem = (db: DynamoDbLite) => db.call('GetItem', { TableName: 'T', Key: WIRE_KEY });

describe('DynamoDbLite requests', () => {
  it('POSTs the operation signed, its input as given, and answers with DynamoDB’s JSON as it came', async () => {
    replies = [json(200, { Item: { PK: { S: 'OFFER#ABCD' }, views: { N: '3' } } })];

    const out = await client().call('GetItem', { TableName: 'T', Key: WIRE_KEY, ConsistentRead: true });

    expect(out).toEqual({ Item: { PK: { S: 'OFFER#ABCD' }, views: { N: '3' } } });
    const [request] = seen;
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/local\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.body).toEqual({ TableName: 'T', Key: WIRE_KEY, ConsistentRead: true });
  });

  it('answers an empty 200 body with an empty object', async () => {
    replies = [(res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end()];

    expect(await getItem(client())).toEqual({});
  });

  it('fails a 200 answer that is not JSON with InvalidResponse, asking a read again like a lost answer', async () => {
    replies = [(res) => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"Item":')];

    await expect(getItem(client())).rejects.toMatchObject({ name: 'InvalidResponse', statusCode: undefined });
    expect(seen).toHaveLength(3);
  });

  it('keeps connections alive between requests', async () => {
    const db = client();
    await getItem(db);
    await getItem(db);
    expect(seen.map((s) => s.connection)).toEqual([seen[0]?.connection, seen[0]?.connection]);
  });
});

describe('LiteTable marshalling', () => {
  it('get: sends the table and the key marshalled, and unmarshals the item', async () => {
    replies = [json(200, { Item: { PK: { S: 'OFFER#ABCD' }, views: { N: '3' }, tags: { L: [{ S: 'a' }] } } })];

    const item = await table().get({
      Key: KEY,
      ConsistentRead: true,
      ProjectionExpression: '#v',
      ExpressionAttributeNames: { '#v': 'views' },
    });

    expect(item).toEqual({ PK: 'OFFER#ABCD', views: 3, tags: ['a'] });
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(seen[0]?.body).toEqual({
      TableName: 'T',
      Key: WIRE_KEY,
      ConsistentRead: true,
      ProjectionExpression: '#v',
      ExpressionAttributeNames: { '#v': 'views' },
    });
  });

  it('get: answers undefined when there is no item', async () => {
    replies = [json(200, {})];

    expect(await table().get({ Key: KEY })).toBeUndefined();
  });

  it('get: answers a key too long for DynamoDB (a caller’s id) as a miss, without a request', async () => {
    replies = [json(400, { __type: 'com.amazon.coral.validate#ValidationException' })];

    expect(await table().get({ Key: { PK: 'WEBHOOKS#p', SK: `ENDPOINT#${'a'.repeat(1100)}` } })).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('update: marshals values (dropping undefined ones) and unmarshals the returned attributes', async () => {
    replies = [json(200, { Attributes: { views: { N: '8' } } })];

    const out = await table().update({
      Key: KEY,
      UpdateExpression: 'ADD #views :one SET note = :note',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#views': 'views' },
      ExpressionAttributeValues: { ':one': 1, ':note': { ok: true, gone: undefined, none: null } },
      ReturnValues: 'UPDATED_NEW',
    });

    expect(out).toEqual({ views: 8 });
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.UpdateItem');
    expect(seen[0]?.body).toEqual({
      TableName: 'T',
      Key: WIRE_KEY,
      UpdateExpression: 'ADD #views :one SET note = :note',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#views': 'views' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':note': { M: { ok: { BOOL: true }, none: { NULL: true } } } },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('update: answers undefined when no attributes come back', async () => {
    replies = [json(200, {})];

    expect(
      await table().update({ Key: KEY, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }),
    ).toBeUndefined();
  });

  it('put: marshals the item (dropping undefined attributes) and the condition’s values', async () => {
    replies = [json(200, {})];

    const out = await table().put({
      Item: { ...KEY, count: 2, nested: { list: [1, 'two'] }, gone: undefined },
      ConditionExpression: 'attribute_not_exists(PK) OR #count < :max',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':max': 5 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    expect(out).toBeUndefined();
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(seen[0]?.body).toEqual({
      TableName: 'T',
      Item: {
        ...WIRE_KEY,
        count: { N: '2' },
        nested: { M: { list: { L: [{ N: '1' }, { S: 'two' }] } } },
      },
      ConditionExpression: 'attribute_not_exists(PK) OR #count < :max',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':max': { N: '5' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('query: marshals values and ExclusiveStartKey, unmarshals the items and LastEvaluatedKey', async () => {
    replies = [
      json(200, {
        Items: [
          { PK: { S: 'PARTNER#p-1' }, SK: { S: 'OFFICE#a' }, active: { BOOL: true } },
          { PK: { S: 'PARTNER#p-1' }, SK: { S: 'OFFICE#b' }, active: { BOOL: false } },
        ],
        Count: 2,
        LastEvaluatedKey: { PK: { S: 'PARTNER#p-1' }, SK: { S: 'OFFICE#b' } },
      }),
    ];

    const page = await table().query({
      IndexName: 'GSI1',
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: '#active = :yes',
      ExpressionAttributeNames: { '#active': 'active' },
      ExpressionAttributeValues: { ':pk': 'PARTNER#p-1', ':prefix': 'OFFICE#', ':yes': true },
      ScanIndexForward: false,
      Limit: 2,
      ExclusiveStartKey: { PK: 'PARTNER#p-1', SK: 'OFFICE#0' },
    });

    expect(page).toEqual({
      Items: [
        { PK: 'PARTNER#p-1', SK: 'OFFICE#a', active: true },
        { PK: 'PARTNER#p-1', SK: 'OFFICE#b', active: false },
      ],
      LastEvaluatedKey: { PK: 'PARTNER#p-1', SK: 'OFFICE#b' },
    });
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
    expect(seen[0]?.body).toEqual({
      TableName: 'T',
      IndexName: 'GSI1',
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: '#active = :yes',
      ExpressionAttributeNames: { '#active': 'active' },
      ExpressionAttributeValues: { ':pk': { S: 'PARTNER#p-1' }, ':prefix': { S: 'OFFICE#' }, ':yes': { BOOL: true } },
      ScanIndexForward: false,
      Limit: 2,
      ExclusiveStartKey: { PK: { S: 'PARTNER#p-1' }, SK: { S: 'OFFICE#0' } },
    });
  });

  it('query: the last page has no LastEvaluatedKey, and no Items means an empty page', async () => {
    replies = [json(200, { Count: 0 })];

    const page = await table().query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'PARTNER#none' },
    });

    expect(page).toEqual({ Items: [] });
    expect(page).not.toHaveProperty('LastEvaluatedKey');
    expect(seen[0]?.body).not.toHaveProperty('ExclusiveStartKey');
  });

  it('queryAll follows LastEvaluatedKey, sent back marshalled, until the last page', async () => {
    replies = [
      json(200, { Items: [{ n: { N: '1' } }], LastEvaluatedKey: { PK: { S: 'P' }, SK: { S: 'A' } } }),
      json(200, { Items: [{ n: { N: '2' } }] }),
    ];

    const items = await queryAll(table(), {
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': 'P' },
    });

    expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen.map((s) => s.body.ExclusiveStartKey)).toEqual([undefined, { PK: { S: 'P' }, SK: { S: 'A' } }]);
  });

  it('transactWrite: marshals each Put and Update with the table name, in order', async () => {
    replies = [json(200, {})];

    await table().transactWrite([
      {
        Update: {
          Key: KEY,
          UpdateExpression: 'ADD #c :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#c': 'acceptances' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          Item: { PK: 'OFFER#ABCD', SK: 'ACCEPT#1', licenses: 4 },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);

    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.TransactWriteItems');
    expect(seen[0]?.body).toEqual({
      TransactItems: [
        {
          Update: {
            TableName: 'T',
            Key: WIRE_KEY,
            UpdateExpression: 'ADD #c :one',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeNames: { '#c': 'acceptances' },
            ExpressionAttributeValues: { ':one': { N: '1' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: 'T',
            Item: { PK: { S: 'OFFER#ABCD' }, SK: { S: 'ACCEPT#1' }, licenses: { N: '4' } },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
      ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});

describe('LiteTable batchGet', () => {
  const keys = (count: number, from = 0): Key[] =>
    Array.from({ length: count }, (_, i) => ({ PK: `OFFER#${from + i}`, SK: 'OFFER' }));
  const wire = (key: Key) => ({ PK: { S: String(key.PK) }, SK: { S: String(key.SK) } });
  /** Answers each BatchGetItem with an item per key asked for, leaving `unprocessed(keys)` out. */
  const answerEach =
    (unprocessed: (asked: object[]) => object[] = () => []): Reply =>
    (res) => {
      const request = seen[seen.length - 1];
      if (!request) throw new Error('no request seen');
      const asked = (request.body.RequestItems as { T: { Keys: object[] } }).T.Keys;
      const left = unprocessed(asked);
      json(200, {
        Responses: { T: asked.filter((key) => !left.includes(key)).map((key) => ({ ...key, found: { BOOL: true } })) },
        ...(left.length > 0 ? { UnprocessedKeys: { T: { Keys: left } } } : {}),
      })(res);
    };

  beforeEach(() => {
    // No backoff between rounds: the unprocessed-key backoff is shared/db/port.ts's (db-port.test.ts).
    Math.random = () => 0;
  });

  it('asks for the keys marshalled, with the projection, and answers the items unmarshalled', async () => {
    replies = [answerEach()];

    const items = await table().batchGet({
      Keys: keys(2),
      ConsistentRead: true,
      ProjectionExpression: 'PK, SK, #n',
      ExpressionAttributeNames: { '#n': 'name' },
    });

    expect(items).toEqual([
      { PK: 'OFFER#0', SK: 'OFFER', found: true },
      { PK: 'OFFER#1', SK: 'OFFER', found: true },
    ]);
    expect(seen[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.BatchGetItem');
    expect(seen[0]?.body).toEqual({
      RequestItems: {
        T: {
          Keys: keys(2).map(wire),
          ConsistentRead: true,
          ProjectionExpression: 'PK, SK, #n',
          ExpressionAttributeNames: { '#n': 'name' },
        },
      },
    });
  });

  it('asks again for the keys DynamoDB left unprocessed, and only those, until it has them all', async () => {
    // The first round leaves the last two keys unprocessed; the second leaves one of those.
    replies = [answerEach((asked) => asked.slice(1)), answerEach((asked) => asked.slice(1)), answerEach()];

    const items = await table().batchGet({ Keys: keys(3) });

    expect(items.map((item) => item.PK).sort()).toEqual(['OFFER#0', 'OFFER#1', 'OFFER#2']);
    expect(seen.map((s) => (s.body.RequestItems as { T: { Keys: unknown[] } }).T.Keys)).toEqual([
      keys(3).map(wire),
      keys(2, 1).map(wire),
      keys(1, 2).map(wire),
    ]);
  });

  it('sends at most 100 keys a request', async () => {
    replies = [answerEach()];

    const items = await table().batchGet({ Keys: keys(250) });

    expect(items).toHaveLength(250);
    expect(seen.map((s) => (s.body.RequestItems as { T: { Keys: unknown[] } }).T.Keys)).toEqual([
      keys(100).map(wire),
      keys(100, 100).map(wire),
      keys(50, 200).map(wire),
    ]);
  });

  it('sends no request for no keys', async () => {
    expect(await table().batchGet({ Keys: [] })).toEqual([]);
    expect(seen).toHaveLength(0);
  });

  it(`fails as throttling, never with a silent subset, when keys stay unprocessed for ${BATCH_GET_MAX_ATTEMPTS} rounds`, async () => {
    // The last key asked for stays unprocessed, round after round.
    replies = [answerEach((asked) => asked.slice(-1))];

    const failure = await table()
      .batchGet({ Keys: keys(2) })
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'ProvisionedThroughputExceededException', unprocessed: 1 });
    expect(isServiceUnavailable(failure)).toBe(true);
    expect(seen).toHaveLength(BATCH_GET_MAX_ATTEMPTS);
  });
});

describe('DynamoDbLite errors', () => {
  it('names a condition failure after its __type and keeps the old item as DynamoDB sent it', async () => {
    const old = { PK: { S: 'OFFER#ABCD' }, acceptances: { N: '10' } };
    replies = [dynamoError(400, 'ConditionalCheckFailedException', { Item: old })];

    const failure = await client()
      .call('UpdateItem', {
        TableName: 'T',
        Key: WIRE_KEY,
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DynamoDbError);
    expect(failure).toMatchObject({
      name: 'ConditionalCheckFailedException',
      statusCode: 400,
      Item: old,
      message: 'ConditionalCheckFailedException happened',
    });
    expect(seen).toHaveLength(1);
  });

  it('keeps a cancelled transaction’s reasons, in request order, with their items marshalled', async () => {
    const reasons = [
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { views: { N: '1' } } },
      { Code: 'None' },
    ];
    replies = [dynamoError(400, 'TransactionCanceledException', { CancellationReasons: reasons })];

    const failure = await client()
      .call('TransactWriteItems', { TransactItems: [{ Put: { TableName: 'T', Item: WIRE_KEY } }] })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DynamoDbError);
    expect(failure).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: reasons });
    expect(seen).toHaveLength(1);
  });

  it('keeps a signature error’s quoted canonical request, session token included, out of its message', async () => {
    replies = [
      json(400, {
        __type: 'com.amazon.coral.service#InvalidSignatureException',
        message:
          'The request signature we calculated does not match the signature you provided.\n\n' +
          "The Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:SECRET-SESSION-TOKEN'",
      }),
    ];

    const failure = (await getItem(client()).catch((error: unknown) => error)) as DynamoDbError;

    expect(failure.name).toBe('InvalidSignatureException');
    expect(failure.message).toBe('The request signature we calculated does not match the signature you provided.');
    expect(JSON.stringify({ message: failure.message, stack: failure.stack })).not.toContain('SECRET-SESSION-TOKEN');
  });

  it('caps a long message', async () => {
    replies = [dynamoError(400, 'ValidationException', { message: 'x'.repeat(5_000) })];
    const failure = (await getItem(client()).catch((error: unknown) => error)) as DynamoDbError;
    expect(failure.message).toBe(`${'x'.repeat(200)}…`);
  });

  it('names an answer that is not DynamoDB JSON by its status', async () => {
    replies = [(res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<html>denied</html>')];

    await expect(getItem(client())).rejects.toMatchObject({ name: 'HttpError', statusCode: 403, message: 'HTTP 403' });
  });
});

describe('LiteTable errors', () => {
  it('turns a condition failure into ConditionFailedError carrying the old item unmarshalled', async () => {
    replies = [
      dynamoError(400, 'ConditionalCheckFailedException', {
        Item: { PK: { S: 'OFFER#ABCD' }, acceptances: { N: '10' }, tags: { SS: ['a'] } },
      }),
    ];

    const failure = await table()
      .put({
        Item: KEY,
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect(isConditionFailed(failure)).toBe(true);
    expect((failure as ConditionFailedError).item).toEqual({
      PK: 'OFFER#ABCD',
      acceptances: 10,
      tags: new Set(['a']),
    });
    // Still named as DynamoDB names it, with DynamoDB's answer as the cause.
    expect(failure).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((failure as Error).cause).toBeInstanceOf(DynamoDbError);
    expect(seen).toHaveLength(1);
  });

  it('gives a condition failure without ALL_OLD no item', async () => {
    replies = [dynamoError(400, 'ConditionalCheckFailedException')];

    const failure = await table()
      .update({
        Key: KEY,
        UpdateExpression: 'ADD n :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect((failure as ConditionFailedError).item).toBeUndefined();
  });

  it('turns a cancelled transaction into TransactionCanceledError, reasons in request order with items unmarshalled', async () => {
    replies = [
      dynamoError(400, 'TransactionCanceledException', {
        CancellationReasons: [
          { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { views: { N: '1' } } },
          { Code: 'None' },
          { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
        ],
      }),
    ];

    const failure = await table()
      .transactWrite([{ Put: { Item: KEY } }, { Put: { Item: KEY } }, { Put: { Item: KEY } }])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransactionCanceledError);
    expect(isTransactionCanceled(failure)).toBe(true);
    const cancelled = failure as TransactionCanceledError;
    expect(cancelled.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Item: { views: 1 } },
      { Code: 'None' },
      { Code: 'TransactionConflict' },
    ]);
    expect([0, 1, 2, 3].map((index) => cancelled.codeAt(index))).toEqual([
      'ConditionalCheckFailed',
      'None',
      'TransactionConflict',
      'None',
    ]);
    expect(cancelled.name).toBe('TransactionCanceledException');
    expect(cancelled.cause).toBeInstanceOf(DynamoDbError);
    expect(seen).toHaveLength(1);
  });

  it('keeps a cancellation for load an outage (503), and one with a failed condition not', async () => {
    replies = [
      dynamoError(400, 'TransactionCanceledException', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
      dynamoError(400, 'TransactionCanceledException', {
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ThrottlingError' }],
      }),
    ];
    const lite = table();

    const load = await lite.transactWrite([{ Put: { Item: KEY } }]).catch((error: unknown) => error);
    const condition = await lite.transactWrite([{ Put: { Item: KEY } }]).catch((error: unknown) => error);

    expect(isServiceUnavailable(load)).toBe(true);
    expect(isServiceUnavailable(condition)).toBe(false);
  });

  it('passes every other failure through as DynamoDbLite threw it', async () => {
    replies = [dynamoError(400, 'ValidationException')];

    const failure = await table()
      .get({ Key: KEY })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DynamoDbError);
    expect(failure).toMatchObject({ name: 'ValidationException', statusCode: 400 });
  });
});

describe('DynamoDbLite retries', () => {
  it('retries throttling with the longer throttling backoff, then succeeds', async () => {
    replies = [dynamoError(400, 'ThrottlingException'), json(200, { Item: { PK: { S: 'x' } } })];

    expect(await getItem(client())).toEqual({ Item: { PK: { S: 'x' } } });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });

  it.each(['ProvisionedThroughputExceededException', 'RequestLimitExceeded'])('retries %s', async (type) => {
    replies = [dynamoError(400, type), json(200, {})];
    await getItem(client());
    expect(seen).toHaveLength(2);
  });

  it('retries a 5xx, then succeeds', async () => {
    replies = [dynamoError(500, 'InternalServerError'), json(200, {})];

    expect(await getItem(client())).toEqual({});
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it('gives up after 3 attempts with exponential backoff, throwing the last failure', async () => {
    replies = [dynamoError(503, 'ServiceUnavailable')];

    await expect(getItem(client())).rejects.toMatchObject({
      name: 'ServiceUnavailable',
      statusCode: 503,
    });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it.each([
    ['ValidationException', 400],
    ['ConditionalCheckFailedException', 400],
    ['TransactionCanceledException', 400],
    ['AccessDeniedException', 400],
    ['UnrecognizedClientException', 400],
  ])('never retries %s', async (type, status) => {
    replies = [dynamoError(status, type), json(200, {})];
    await expect(getItem(client())).rejects.toMatchObject({ name: type });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('ends an attempt that gets no answer with a timeout, and retries it', async () => {
    // Arrange: a fake clock for the client's timers; the fake DynamoDB still answers over real sockets.
    useFakeClock();
    replies = [hang, json(200, { Item: { PK: { S: 'late' } } })];

    // Act
    const answer = getItem(client({ timeoutMs: 100 }));
    await requestsSeen(1);
    await advanceClock(99);
    const sleepsJustBeforeTimeout = [...sleeps];
    await advanceClock(1);
    await requestsSeen(2);

    // Assert: still waiting at 99 ms, given up and retried (after its backoff) at 100 ms.
    expect(sleepsJustBeforeTimeout).toEqual([]);
    expect(sleeps).toEqual([100]);
    expect(await answer).toEqual({ Item: { PK: { S: 'late' } } });
    expect(seen).toHaveLength(2);
  });

  it('throws TimeoutError when every attempt hangs', async () => {
    useFakeClock();
    replies = [hang];

    const failure = getItem(client({ timeoutMs: 50 })).catch((error: unknown) => error);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await requestsSeen(attempt);
      await advanceClock(50);
    }

    expect(await failure).toMatchObject({ name: 'TimeoutError', statusCode: undefined });
    expect(seen).toHaveLength(3);
  });

  it('ends the whole operation within its time budget, cutting the last attempt short', async () => {
    // Arrange
    useFakeClock();
    replies = [hang];

    // Act
    let ended = false;
    const failure = getItem(client({ timeoutMs: 300, budgetMs: 550 }))
      .catch((error: unknown) => error as DynamoDbError)
      .finally(() => {
        ended = true;
      });
    await requestsSeen(1);
    await advanceClock(300);
    await requestsSeen(2);
    await advanceClock(249);
    const endedBeforeBudget = ended;
    await advanceClock(1);

    // Assert: a full first attempt (300 ms), then one given only what was left of the 550 ms
    // (the backoff sleep is recorded, not waited), and no third.
    expect(endedBeforeBudget).toBe(false);
    expect(await failure).toMatchObject({ name: 'TimeoutError', message: 'No answer within 250 ms' });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it('retries a dropped connection', async () => {
    replies = [reset, json(200, {})];

    await getItem(client());
    expect(seen).toHaveLength(2);
  });

  it('sends every attempt of a transaction with the same ClientRequestToken, so a retry cannot apply it twice', async () => {
    replies = [dynamoError(500, 'InternalServerError'), json(200, {})];
    const lite = table();

    await lite.transactWrite([{ Put: { Item: { ...KEY } } }]);
    await lite.transactWrite([{ Put: { Item: { ...KEY } } }]);

    const tokens = seen.map((s) => s.body.ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toEqual(expect.any(String));
    expect(tokens[1]).toBe(tokens[0]);
    // A new operation is a new transaction.
    expect(tokens[2]).not.toBe(tokens[0]);
    expect(seen[0]?.body.TransactItems).toEqual([
      { Put: { TableName: 'T', Item: { PK: { S: 'OFFER#ABCD' }, SK: { S: 'OFFER' } } } },
    ]);
  });
});

describe('LiteTable.withLimits', () => {
  it('makes one attempt where the client makes three, on the same connection as the table it comes from', async () => {
    const base = table();
    const limited = base.withLimits({ maxAttempts: 1 });
    replies = [json(200, {}), dynamoError(503, 'ServiceUnavailable')];

    await base.get({ Key: KEY });
    await expect(limited.put({ Item: KEY })).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    await expect(limited.get({ Key: KEY })).rejects.toMatchObject({ name: 'ServiceUnavailable' });

    // A GetItem answered 503 is tried three times by the table itself; once here, and no new connection.
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((request) => request.connection)).size).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('ends an attempt after its own timeout, not the client’s', async () => {
    useFakeClock();
    const limited = table({ timeoutMs: 10_000 }).withLimits({ timeoutMs: 200, maxAttempts: 1 });
    replies = [hang];

    const put = limited.put({ Item: KEY });
    const failed = expect(put).rejects.toMatchObject({ name: 'TimeoutError' });
    await requestsSeen(1);
    await advanceClock(200);

    await failed;
    expect(seen).toHaveLength(1);
  });
});

describe('liteTableFromEnv', () => {
  it('points at DDB_ENDPOINT with the fixed local credentials', async () => {
    const local = liteTableFromEnv({ TABLE_NAME: 'Local', DDB_ENDPOINT: endpoint, AWS_REGION: 'sa-east-1' });
    clients.push(local.client);
    replies = [json(200, {})];

    await local.get({ Key: KEY });

    expect(local.name).toBe('Local');
    expect(seen[0]?.body.TableName).toBe('Local');
    expect(seen[0]?.headers.authorization).toContain('Credential=local/');
    expect(seen[0]?.headers.authorization).toContain('/sa-east-1/dynamodb/aws4_request');
  });

  it('needs TABLE_NAME, and AWS_REGION without an endpoint, when the function loads', () => {
    expect(() => liteTableFromEnv({ AWS_REGION: 'sa-east-1' })).toThrow(ConfigError);
    expect(() => liteTableFromEnv({ TABLE_NAME: 'T' })).toThrow(ConfigError);
    // Credentials are read per request, so loading needs none.
    expect(liteTableFromEnv({ TABLE_NAME: 'T', AWS_REGION: 'sa-east-1' }).name).toBe('T');
  });
});

/** A port nothing listens on: connecting is refused, so no request can have been sent. */
async function refusingEndpoint(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('DynamoDbLite writes without an idempotency token', () => {
  const update = (db: DynamoDbLite) =>
    db.call('UpdateItem', {
      TableName: 'T',
      Key: WIRE_KEY,
      UpdateExpression: 'ADD #v :one',
      ExpressionAttributeNames: { '#v': 'views' },
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });

  it.each([
    ['a 5xx', dynamoError(500, 'InternalServerError')],
    ['a dropped connection', reset],
  ])('are not sent again after %s: DynamoDB may have applied them', async (_case, reply) => {
    replies = [reply, json(200, {})];

    await expect(update(client())).rejects.toBeInstanceOf(DynamoDbError);
    expect(seen).toHaveLength(1);
  });

  it('are not sent again after a timeout', async () => {
    useFakeClock();
    replies = [hang, json(200, {})];

    const failure = update(client({ timeoutMs: 100 })).catch((error: unknown) => error);
    await requestsSeen(1);
    await advanceClock(100);

    expect(await failure).toMatchObject({ name: 'TimeoutError', notSent: false });
    expect(seen).toHaveLength(1);
  });

  it('are sent again after throttling, which DynamoDB answers before writing anything', async () => {
    replies = [dynamoError(400, 'ThrottlingException'), json(200, { Attributes: { views: { N: '1' } } })];

    expect(await update(client())).toEqual({ Attributes: { views: { N: '1' } } });
    expect(seen).toHaveLength(2);
  });

  it('are tried again when the connection was refused, as no byte reached DynamoDB', async () => {
    const db = client({ endpoint: await refusingEndpoint() });

    const failure = await update(db).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'NetworkError', notSent: true });
    expect(sleeps).toHaveLength(2); // three attempts in all
  });

  it('reads are still retried after an ambiguous failure', async () => {
    replies = [reset, json(200, {})];

    await getItem(client());
    expect(seen).toHaveLength(2);
  });
});

describe('DynamoDbLite answer size', () => {
  it('fails an answer longer than the cap and drops its connection', async () => {
    let closed = false;
    replies = [
      (res) => {
        res.socket?.once('close', () => {
          closed = true;
        });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        // No content-length: the cap must hold while streaming, not only on the header.
        res.write(`{"Item":{"PK":{"S":"${'x'.repeat(4_000)}`);
        res.write('x'.repeat(4_000));
      },
    ];

    const failure = await getItem(client({ maxResponseBytes: 5_000 })).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'ResponseTooLarge' });
    expect(seen).toHaveLength(1); // not retried: the same answer would come again
    // The server sees the connection close within a few event-loop turns (counted, not timed).
    for (let turn = 0; !closed && turn < 10_000; turn++) await settle();
    expect(closed).toBe(true);
  });

  it('refuses an announced oversized answer before reading it', async () => {
    replies = [
      (res) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '80000000' });
        res.write('{');
      },
    ];

    await expect(getItem(client({ maxResponseBytes: 5_000 }))).rejects.toMatchObject({
      name: 'ResponseTooLarge',
    });
  });

  it('accepts an answer right at the cap', async () => {
    const body = JSON.stringify({ Item: { PK: { S: 'x'.repeat(100) } } });
    replies = [json(200, JSON.parse(body))];

    expect(await getItem(client({ maxResponseBytes: Buffer.byteLength(body) }))).toEqual(JSON.parse(body));
  });
});

describe('DynamoDbLite clock skew', () => {
  const HOUR = 3_600_000;
  const amzDateOf = (request: Seen | undefined) => {
    const value = String(request?.headers['x-amz-date']);
    return Date.parse(
      `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 11)}:${value.slice(11, 13)}:${value.slice(13, 15)}Z`,
    );
  };
  /** The machine's clock, stopped at a whole second (X-Amz-Date and HTTP dates have no fractions). */
  const MACHINE_NOW = Date.parse('2026-11-27T10:00:00Z');
  const machineClock = () => client({ now: () => MACHINE_NOW });
  /** DynamoDB's clock: one hour ahead of the machine's (the machine's clock is behind). */
  const serverNow = () => MACHINE_NOW + HOUR;
  const skewedRefusal: Reply = (res) => {
    res
      .writeHead(400, { 'content-type': 'application/x-amz-json-1.0', date: new Date(serverNow()).toUTCString() })
      .end(
        JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'Signature expired' }),
      );
  };
  const okWithDate: Reply = (res) => {
    res
      .writeHead(200, { 'content-type': 'application/x-amz-json-1.0', date: new Date(serverNow()).toUTCString() })
      .end('{}');
  };

  it('re-signs with the server’s time from the Date header and tries once more, even a write', async () => {
    replies = [skewedRefusal, okWithDate];

    await machineClock().call('UpdateItem', {
      TableName: 'T',
      Key: WIRE_KEY,
      UpdateExpression: 'SET a = :a',
      ExpressionAttributeValues: { ':a': { N: '1' } },
    });

    expect(seen).toHaveLength(2);
    expect(seen.map(amzDateOf)).toEqual([MACHINE_NOW, MACHINE_NOW + HOUR]);
    expect(sleeps).toEqual([]);
  });

  it('keeps the correction for the next operations', async () => {
    replies = [skewedRefusal, okWithDate];
    const db = machineClock();

    await getItem(db);
    await getItem(db);

    expect(seen.map(amzDateOf)).toEqual([MACHINE_NOW, MACHINE_NOW + HOUR, MACHINE_NOW + HOUR]);
  });

  it('corrects only once per operation: a signature refused again is the error', async () => {
    replies = [skewedRefusal];

    await expect(getItem(machineClock())).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    expect(seen.map(amzDateOf)).toEqual([MACHINE_NOW, MACHINE_NOW + HOUR]);
  });

  it('leaves a clock within 5 minutes of the server’s alone', async () => {
    replies = [
      (res) =>
        res
          .writeHead(400, {
            'content-type': 'application/x-amz-json-1.0',
            date: new Date(MACHINE_NOW + 60_000).toUTCString(),
          })
          .end(JSON.stringify({ __type: 'com.amazon.coral.service#InvalidSignatureException', message: 'bad' })),
    ];

    await expect(getItem(machineClock())).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    expect(seen.map(amzDateOf)).toEqual([MACHINE_NOW]);
  });
});
