import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbError, liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { isConditionalCheckFailed, isTransactionCanceled } from '../../shared/db/errors.ts';
import { table } from '../support/local-api.ts';

/**
 * DynamoDbLite against DynamoDB Local, checked through the SDK: what one client writes the other
 * reads back the same, and DynamoDB's own failures come out as the page's store expects them.
 */
const lite = liteTableFromEnv();
afterAll(() => lite.db.destroy());

const key = () => ({ PK: `LITE#${randomUUID()}`, SK: 'ITEM' });

const ITEM = {
  text: 'São Paulo — Açaí 🙂',
  count: 42,
  price: 12.5,
  active: true,
  nothing: null,
  list: ['a', 1, false, { nested: 'yes' }],
  map: { inner: { deeper: [1, 2, 3] }, empty: {} },
};

describe('DynamoDbLite on DynamoDB Local', () => {
  it('writes items the SDK reads back unchanged, and reads back what it wrote', async () => {
    const k = key();
    await lite.db.transactWriteItems({
      TransactItems: [{ Put: { TableName: lite.name, Item: { ...k, ...ITEM, dropped: undefined } } }],
    });

    const viaSdk = await table.client.send(new GetCommand({ TableName: table.name, Key: k, ConsistentRead: true }));
    expect(viaSdk.Item).toEqual({ ...k, ...ITEM });
    const viaLite = await lite.db.getItem({ TableName: lite.name, Key: k, ConsistentRead: true });
    expect(viaLite.Item).toEqual({ ...k, ...ITEM });
    expect(await lite.db.getItem({ TableName: lite.name, Key: key() })).toEqual({});
  });

  it('updates with expression names and values and returns the new attributes', async () => {
    const k = key();
    const update = () =>
      lite.db.updateItem({
        TableName: lite.name,
        Key: k,
        UpdateExpression: 'ADD #views :one SET entity = :entity',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':one': 1, ':entity': 'test' },
        ReturnValues: 'UPDATED_NEW',
      });
    await update();
    expect(await update()).toEqual({ Attributes: { views: 2, entity: 'test' } });
  });

  it('fails a condition with ConditionalCheckFailedException', async () => {
    const failure = await lite.db
      .updateItem({
        TableName: lite.name,
        Key: key(),
        UpdateExpression: 'ADD #views :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':one': 1 },
      })
      .catch((error: unknown) => error);
    expect(isConditionalCheckFailed(failure)).toBe(true);
    expect((failure as DynamoDbError).statusCode).toBe(400);
  });

  it('cancels a transaction with one reason per item, the failed one with its old item (marshalled)', async () => {
    const k = key();
    await lite.db.transactWriteItems({ TransactItems: [{ Put: { TableName: lite.name, Item: { ...k, count: 1 } } }] });

    const failure = await lite.db
      .transactWriteItems({
        TransactItems: [
          {
            Update: {
              TableName: lite.name,
              Key: key(),
              UpdateExpression: 'SET touched = :t',
              ExpressionAttributeValues: { ':t': true },
            },
          },
          {
            Put: {
              TableName: lite.name,
              Item: { ...k, count: 2 },
              ConditionExpression: 'attribute_not_exists(PK)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      })
      .catch((error: unknown) => error);

    expect(isTransactionCanceled(failure)).toBe(true);
    const reasons = (failure as DynamoDbError).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1]?.Item).toEqual({ PK: { S: k.PK }, SK: { S: 'ITEM' }, count: { N: '1' } });
  });

  it('refuses an invalid request at once with ValidationException', async () => {
    await expect(lite.db.getItem({ TableName: lite.name, Key: { PK: 'only half a key' } })).rejects.toMatchObject({
      name: 'ValidationException',
      statusCode: 400,
    });
  });
});
