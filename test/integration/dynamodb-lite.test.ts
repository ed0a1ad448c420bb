import { randomUUID } from 'node:crypto';
import { DynamoDbError, liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import {
  ConditionFailedError,
  isConditionFailed,
  type Key,
  queryAll,
  type TransactItem,
  TransactionCanceledError,
} from '../../shared/db/port.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { GSI1 } from '../../shared/db/table.ts';

/**
 * LiteTable (the port on DynamoDbLite) against DynamoDB Local, checked through the SDK adapter:
 * what one writes the other reads back the same, and DynamoDB's own failures come out as the
 * port's errors, with the items they carry unmarshalled.
 */
const lite = liteTableFromEnv();
const sdk = sdkTableFromEnv();
afterAll(() => {
  lite.client.destroy();
  sdk.client.destroy();
});

const partition = () => `LITE#${randomUUID()}`;
const key = () => ({ PK: partition(), SK: 'ITEM' });

const ITEM = {
  text: 'São Paulo — Açaí 🙂',
  count: 42,
  price: 12.5,
  active: true,
  nothing: null,
  list: ['a', 1, false, { nested: 'yes' }],
  map: { inner: { deeper: [1, 2, 3] }, empty: {} },
};

describe('LiteTable on DynamoDB Local', () => {
  it('puts items the SDK reads back unchanged, and gets back what it put', async () => {
    const k = key();

    await lite.put({ Item: { ...k, ...ITEM, dropped: undefined } });

    expect(await sdk.get({ Key: k, ConsistentRead: true })).toEqual({ ...k, ...ITEM });
    expect(await lite.get({ Key: k, ConsistentRead: true })).toEqual({ ...k, ...ITEM });
    expect(await lite.get({ Key: key() })).toBeUndefined();
  });

  it('writes and reads Binary values (B, BS) as the SDK does, in puts, transactions and conditions', async () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    const k = key();
    const other = key();
    const binarySet = new Set([Uint8Array.from([1]), Uint8Array.from([2, 3])]);

    await lite.put({ Item: { ...k, bytes, buffer: Buffer.from('brotli?', 'utf8'), binarySet } });
    await lite.transactWrite([
      { Put: { Item: { ...other, bytes }, ConditionExpression: 'attribute_not_exists(PK)' } },
      {
        Update: {
          Key: k,
          UpdateExpression: 'SET #bytes = :bytes',
          ConditionExpression: '#bytes = :old',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: { ':bytes': Uint8Array.from([9]), ':old': bytes },
        },
      },
    ]);

    const read = (await lite.get({ Key: k, ConsistentRead: true })) ?? {};
    expect(Buffer.from(read.bytes as Uint8Array)).toEqual(Buffer.from([9]));
    expect(Buffer.from(read.buffer as Uint8Array).toString('utf8')).toBe('brotli?');
    expect([...(read.binarySet as Set<Uint8Array>)].map((one) => [...one]).sort()).toEqual([[1], [2, 3]]);
    const viaSdk = (await sdk.get({ Key: other, ConsistentRead: true })) ?? {};
    expect([...(viaSdk.bytes as Uint8Array)]).toEqual([...bytes]);
  });

  it('gets only the projected attributes', async () => {
    const k = key();
    await sdk.put({ Item: { ...k, ...ITEM } });

    const projected = await lite.get({
      Key: k,
      ConsistentRead: true,
      ProjectionExpression: '#text, #count',
      ExpressionAttributeNames: { '#text': 'text', '#count': 'count' },
    });

    expect(projected).toEqual({ text: ITEM.text, count: ITEM.count });
  });

  it('updates with expression names and values and returns the new attributes', async () => {
    const k = key();
    const update = () =>
      lite.update({
        Key: k,
        UpdateExpression: 'ADD #views :one SET entity = :entity',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':one': 1, ':entity': 'test' },
        ReturnValues: 'UPDATED_NEW',
      });

    await update();

    expect(await update()).toEqual({ views: 2, entity: 'test' });
    expect(await sdk.get({ Key: k, ConsistentRead: true })).toEqual({ ...k, views: 2, entity: 'test' });
    expect(await lite.update({ Key: k, UpdateExpression: 'REMOVE entity' })).toBeUndefined();
  });

  it('fails a put’s condition with ConditionFailedError carrying the stored item (ALL_OLD), writing nothing', async () => {
    const k = key();
    await sdk.put({ Item: { ...k, ...ITEM } });

    const failure = await lite
      .put({
        Item: { ...k, count: 0 },
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect((failure as ConditionFailedError).item).toEqual({ ...k, ...ITEM });
    expect((failure as Error).cause).toMatchObject({ name: 'ConditionalCheckFailedException', statusCode: 400 });
    expect(await sdk.get({ Key: k, ConsistentRead: true })).toEqual({ ...k, ...ITEM });
  });

  it('fails an update’s condition with ConditionFailedError, without an item when none was asked for', async () => {
    const k = key();

    const failure = await lite
      .update({
        Key: k,
        UpdateExpression: 'ADD #views :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':one': 1 },
      })
      .catch((error: unknown) => error);

    expect(isConditionFailed(failure)).toBe(true);
    expect((failure as ConditionFailedError).item).toBeUndefined();
    expect(await sdk.get({ Key: k, ConsistentRead: true })).toBeUndefined();
  });

  it('queries a page at a time, LastEvaluatedKey going out and coming back plain, and queryAll reads them all', async () => {
    const pk = partition();
    const sks = ['A', 'B', 'C', 'D', 'E'];
    for (const sk of sks) await sdk.put({ Item: { PK: pk, SK: `ROW#${sk}`, n: sks.indexOf(sk) } });
    const input = {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'ROW#' },
      ConsistentRead: true,
    };

    const first = await lite.query({ ...input, Limit: 2 });
    const second = await lite.query({
      ...input,
      Limit: 2,
      ...(first.LastEvaluatedKey ? { ExclusiveStartKey: first.LastEvaluatedKey } : {}),
    });
    const backwards = await lite.query({ ...input, ScanIndexForward: false, Limit: 1 });
    const all = await queryAll(lite, { ...input, Limit: 2 });

    expect(first).toEqual({
      Items: [
        { PK: pk, SK: 'ROW#A', n: 0 },
        { PK: pk, SK: 'ROW#B', n: 1 },
      ],
      LastEvaluatedKey: { PK: pk, SK: 'ROW#B' },
    });
    expect(second.Items.map((item) => item.SK)).toEqual(['ROW#C', 'ROW#D']);
    expect(backwards.Items.map((item) => item.SK)).toEqual(['ROW#E']);
    expect(all.map((item) => item.n)).toEqual([0, 1, 2, 3, 4]);
  });

  it('queries the GSI with a filter', async () => {
    const gsiPk = partition();
    for (const [sk, active] of [
      ['1', true],
      ['2', false],
      ['3', true],
    ] as const) {
      // delegatedAdmin: an attribute the index projects (a filter sees only those).
      await sdk.put({ Item: { PK: partition(), SK: 'ITEM', GSI1PK: gsiPk, GSI1SK: sk, delegatedAdmin: active } });
    }

    const page = await lite.query({
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      FilterExpression: '#active = :yes',
      ExpressionAttributeNames: { '#active': 'delegatedAdmin' },
      ExpressionAttributeValues: { ':pk': gsiPk, ':yes': true },
    });

    expect(page.Items.map((item) => item.GSI1SK)).toEqual(['1', '3']);
    expect(page).not.toHaveProperty('LastEvaluatedKey');
  });

  it('batch-gets more than 100 keys, the missing ones absent, with a projection', async () => {
    const pk = partition();
    const rows = Array.from({ length: 105 }, (_, n) => ({ PK: pk, SK: `ROW#${String(n).padStart(3, '0')}`, n }));
    const stored: Key[] = rows.map(({ PK, SK }) => ({ PK, SK }));
    // One transaction of 100 items (the most DynamoDB takes) and one of 5.
    const put = (items: typeof rows): TransactItem[] => items.map((Item) => ({ Put: { Item } }));
    await lite.transactWrite(put(rows.slice(0, 100)));
    await lite.transactWrite(put(rows.slice(100)));
    const missing = Array.from({ length: 10 }, (_, i) => ({ PK: pk, SK: `NONE#${i}` }));

    const items = await lite.batchGet({
      Keys: [...stored, ...missing],
      ConsistentRead: true,
      ProjectionExpression: 'SK, n',
    });

    expect(items).toHaveLength(105);
    expect(items.map((item) => item.n).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 105 }, (_, i) => i),
    );
    expect(items[0]).not.toHaveProperty('PK');
  });

  it('writes a transaction’s puts and updates together', async () => {
    const counter = key();
    const record = key();
    await sdk.put({ Item: { ...counter, count: 1 } });

    await lite.transactWrite([
      {
        Update: {
          Key: counter,
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      { Put: { Item: { ...record, ...ITEM }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ]);

    expect(await sdk.get({ Key: counter, ConsistentRead: true })).toEqual({ ...counter, count: 2 });
    expect(await sdk.get({ Key: record, ConsistentRead: true })).toEqual({ ...record, ...ITEM });
  });

  it('cancels a transaction with one reason per item, the failed one with its old item unmarshalled, writing nothing', async () => {
    const k = key();
    const untouched = key();
    await sdk.put({ Item: { ...k, count: 1 } });
    await sdk.put({ Item: { ...untouched, touched: false } });

    const failure = await lite
      .transactWrite([
        {
          Update: {
            Key: untouched,
            UpdateExpression: 'SET touched = :t',
            ExpressionAttributeValues: { ':t': true },
          },
        },
        {
          Put: {
            Item: { ...k, count: 2 },
            ConditionExpression: 'attribute_not_exists(PK)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransactionCanceledError);
    const cancelled = failure as TransactionCanceledError;
    expect(cancelled.CancellationReasons.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(cancelled.CancellationReasons[1]?.Item).toEqual({ ...k, count: 1 });
    expect(cancelled.codeAt(1)).toBe('ConditionalCheckFailed');
    expect(await sdk.get({ Key: untouched, ConsistentRead: true })).toEqual({ ...untouched, touched: false });
    expect(await sdk.get({ Key: k, ConsistentRead: true })).toEqual({ ...k, count: 1 });
  });

  it('refuses an invalid request at once with DynamoDB’s ValidationException', async () => {
    const failure = await lite.get({ Key: { PK: 'only half a key' } }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DynamoDbError);
    expect(failure).toMatchObject({ name: 'ValidationException', statusCode: 400 });
  });
});
