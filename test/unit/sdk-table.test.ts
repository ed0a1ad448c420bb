import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BATCH_GET_MAX_ATTEMPTS,
  ConditionFailedError,
  isConditionFailed,
  isTransactionCanceled,
  TransactionCanceledError,
} from '../../shared/db/port.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';

/**
 * The SDK adapter's own work: the document client marshals requests and answers, but not the items
 * DynamoDB's condition and cancellation errors carry, nor BatchGetItem's unprocessed keys. The SDK is
 * mocked here only; store logic is tested on the port's FakeTable.
 */
const documentClient = mockClient(DynamoDBDocumentClient);
const metadata = { httpStatusCode: 400 };
const KEY = { PK: 'OFFER#ABCD', SK: 'OFFER' };

/** The adapter as functions make it, pointed at an endpoint the mock keeps it from reaching. */
const table = () => sdkTable('T', 'http://127.0.0.1:9');

const random = Math.random;
beforeEach(() => {
  documentClient.reset();
  // No backoff between batch-get rounds (its schedule is tested in db-port.test.ts).
  Math.random = () => 0;
});
afterEach(() => {
  Math.random = random;
});

describe('SdkTable requests', () => {
  it('names its table in every request and answers as the port does', async () => {
    documentClient.on(GetCommand).resolves({ Item: { ...KEY, views: 3 } });
    documentClient.on(UpdateCommand).resolves({ Attributes: { views: 4 } });
    documentClient.on(QueryCommand).resolves({ Items: [{ n: 1 }], LastEvaluatedKey: { PK: 'P', SK: 'A' } });
    documentClient.on(PutCommand).resolves({});
    documentClient.on(TransactWriteCommand).resolves({});
    const sdk = table();

    expect(await sdk.get({ Key: KEY, ConsistentRead: true })).toEqual({ ...KEY, views: 3 });
    expect(
      await sdk.update({ Key: KEY, UpdateExpression: 'ADD views :one', ExpressionAttributeValues: { ':one': 1 } }),
    ).toEqual({ views: 4 });
    expect(await sdk.query({ KeyConditionExpression: 'PK = :pk', ExclusiveStartKey: { PK: 'P', SK: '0' } })).toEqual({
      Items: [{ n: 1 }],
      LastEvaluatedKey: { PK: 'P', SK: 'A' },
    });
    expect(await sdk.put({ Item: { ...KEY, n: 1 }, ConditionExpression: 'attribute_not_exists(PK)' })).toBeUndefined();
    await sdk.transactWrite([
      { Put: { Item: { ...KEY, n: 1 } } },
      { Update: { Key: KEY, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 2 } } },
    ]);

    expect(documentClient.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'T',
      Key: KEY,
      ConsistentRead: true,
    });
    expect(documentClient.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({ TableName: 'T', Key: KEY });
    expect(documentClient.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'T',
      KeyConditionExpression: 'PK = :pk',
      ExclusiveStartKey: { PK: 'P', SK: '0' },
    });
    expect(documentClient.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'T',
      Item: { ...KEY, n: 1 },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(documentClient.commandCalls(TransactWriteCommand)[0]?.args[0].input).toEqual({
      TransactItems: [
        { Put: { TableName: 'T', Item: { ...KEY, n: 1 } } },
        {
          Update: {
            TableName: 'T',
            Key: KEY,
            UpdateExpression: 'SET n = :n',
            ExpressionAttributeValues: { ':n': 2 },
          },
        },
      ],
    });
  });

  it('answers undefined for a missing item, and a last query page without LastEvaluatedKey', async () => {
    documentClient.on(GetCommand).resolves({});
    documentClient.on(QueryCommand).resolves({});

    expect(await table().get({ Key: KEY })).toBeUndefined();
    const page = await table().query({ KeyConditionExpression: 'PK = :pk' });
    expect(page).toEqual({ Items: [] });
    expect(page).not.toHaveProperty('LastEvaluatedKey');
  });
});

describe('SdkTable reads of keys DynamoDB cannot hold', () => {
  it('answers a sort key over 1,024 bytes (a caller’s id) as a miss, without a request', async () => {
    documentClient.on(GetCommand).rejects(new Error('ValidationException: key too long'));

    expect(await table().get({ Key: { PK: 'WEBHOOKS#p', SK: `ENDPOINT#${'a'.repeat(1100)}` } })).toBeUndefined();
    expect(documentClient.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe('SdkTable errors', () => {
  it('turns ConditionalCheckFailedException into ConditionFailedError with its marshalled item unmarshalled', async () => {
    const sdkError = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: metadata,
      Item: { PK: { S: 'OFFER#ABCD' }, acceptances: { N: '10' }, tags: { L: [{ S: 'a' }] } },
    });
    documentClient.on(UpdateCommand).rejects(sdkError);

    const failure = await table()
      .update({
        Key: KEY,
        UpdateExpression: 'ADD acceptances :one',
        ConditionExpression: 'acceptances < :max',
        ExpressionAttributeValues: { ':one': 1, ':max': 10 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect(isConditionFailed(failure)).toBe(true);
    expect((failure as ConditionFailedError).item).toEqual({ PK: 'OFFER#ABCD', acceptances: 10, tags: ['a'] });
    expect((failure as Error).name).toBe('ConditionalCheckFailedException');
    expect((failure as Error).cause).toBe(sdkError);
  });

  it('gives a condition failure without ALL_OLD no item, on a put too', async () => {
    documentClient
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata }));

    const failure = await table()
      .put({ Item: KEY, ConditionExpression: 'attribute_not_exists(PK)' })
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect((failure as ConditionFailedError).item).toBeUndefined();
  });

  it('turns TransactionCanceledException into TransactionCanceledError, reasons in order with items unmarshalled', async () => {
    const sdkError = new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
      $metadata: metadata,
      CancellationReasons: [
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { PK: { S: 'OFFER#ABCD' }, SK: { S: 'SUBMISSION#1' }, kind: { S: 'acceptance' } },
        },
        { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' },
        {},
      ],
    });
    documentClient.on(TransactWriteCommand).rejects(sdkError);

    const failure = await table()
      .transactWrite([{ Put: { Item: KEY } }, { Put: { Item: KEY } }, { Put: { Item: KEY } }, { Put: { Item: KEY } }])
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TransactionCanceledError);
    expect(isTransactionCanceled(failure)).toBe(true);
    const cancelled = failure as TransactionCanceledError;
    expect(cancelled.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Item: { PK: 'OFFER#ABCD', SK: 'SUBMISSION#1', kind: 'acceptance' } },
      { Code: 'TransactionConflict' },
      // A reason without a code is an item that did not fail.
      { Code: 'None' },
    ]);
    expect(cancelled.codeAt(2)).toBe('TransactionConflict');
    expect(cancelled.cause).toBe(sdkError);
  });

  it('passes every other SDK error through unchanged', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: metadata,
    });
    documentClient.on(GetCommand).rejects(throttled);

    await expect(table().get({ Key: KEY })).rejects.toBe(throttled);
  });
});

describe('SdkTable batchGet', () => {
  const keys = (count: number, from = 0) =>
    Array.from({ length: count }, (_, i) => ({ PK: `OFFER#${from + i}`, SK: 'OFFER' }));
  const askedKeys = () =>
    documentClient.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.T?.Keys);

  it('asks again for the keys left unprocessed, and only those, keeping the projection', async () => {
    let round = 0;
    documentClient.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      round++;
      const asked = input.RequestItems?.T?.Keys ?? [];
      const left = round === 1 ? asked.slice(1) : [];
      return {
        Responses: { T: asked.filter((key) => !left.includes(key)).map((key) => ({ ...key, found: true })) },
        ...(left.length > 0 ? { UnprocessedKeys: { T: { Keys: left } } } : {}),
      };
    });

    const items = await table().batchGet({ Keys: keys(3), ProjectionExpression: 'PK, SK, found' });

    expect(items).toEqual(keys(3).map((key) => ({ ...key, found: true })));
    expect(askedKeys()).toEqual([keys(3), keys(2, 1)]);
    expect(documentClient.commandCalls(BatchGetCommand)[1]?.args[0].input).toEqual({
      RequestItems: { T: { Keys: keys(2, 1), ProjectionExpression: 'PK, SK, found' } },
    });
  });

  it('sends at most 100 keys a request', async () => {
    documentClient.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: { T: input.RequestItems?.T?.Keys ?? [] },
    }));

    const items = await table().batchGet({ Keys: keys(150) });

    expect(items).toHaveLength(150);
    expect(askedKeys()).toEqual([keys(100), keys(50, 100)]);
  });

  it(`fails as throttling after ${BATCH_GET_MAX_ATTEMPTS} rounds of unprocessed keys, never with a subset`, async () => {
    documentClient.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: { T: [] },
      UnprocessedKeys: { T: { Keys: input.RequestItems?.T?.Keys ?? [] } },
    }));

    await expect(table().batchGet({ Keys: keys(2) })).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      unprocessed: 2,
    });
    expect(askedKeys()).toHaveLength(BATCH_GET_MAX_ATTEMPTS);
  });
});
