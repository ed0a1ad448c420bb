import {
  BATCH_GET_MAX_ATTEMPTS,
  type BatchGetRequest,
  batchGetInChunks,
  ConditionFailedError,
  isConditionFailed,
  isStorableKey,
  isTransactionCanceled,
  type Key,
  queryAll,
  TransactionCanceledError,
  UnprocessedKeysError,
} from '../../shared/db/port.ts';
import { FakeTable, inTurn } from '../support/fake-table.ts';

const keys = (count: number, from = 0): Key[] =>
  Array.from({ length: count }, (_, i) => ({ PK: `K#${from + i}`, SK: 'S' }));

/** A BatchGetItem that finds every key asked for, except those `unprocessed` leaves for later. */
function recordingRequest(unprocessed: (asked: readonly Key[], round: number) => readonly Key[] = () => []) {
  const asked: (readonly Key[])[] = [];
  const request: BatchGetRequest = async (batch) => {
    asked.push(batch);
    const left = unprocessed(batch, asked.length);
    return { items: batch.filter((key) => !left.includes(key)).map((key) => ({ ...key })), unprocessed: left };
  };
  return { asked, request };
}

describe('batchGetInChunks', () => {
  const random = Math.random;
  afterEach(() => {
    Math.random = random;
  });

  it('asks for at most 100 keys a request, in order, and answers every item found', async () => {
    const { asked, request } = recordingRequest();
    const sleeps: number[] = [];

    const items = await batchGetInChunks(keys(201), request, async (ms) => {
      sleeps.push(ms);
    });

    expect(asked).toEqual([keys(100), keys(100, 100), keys(1, 200)]);
    expect(items).toEqual(keys(201));
    expect(sleeps).toEqual([]);
  });

  it('asks again, after a jittered backoff from 50 ms, for only the keys left unprocessed', async () => {
    Math.random = () => 0.5;
    // Round 1 leaves the last two keys, round 2 the last one, round 3 none.
    const { asked, request } = recordingRequest((batch, round) => (round < 3 ? batch.slice(1) : []));
    const sleeps: number[] = [];

    const items = await batchGetInChunks(keys(3), request, async (ms) => {
      sleeps.push(ms);
    });

    expect(asked).toEqual([keys(3), keys(2, 1), keys(1, 2)]);
    expect(items).toHaveLength(3);
    expect(new Set(items.map((item) => item.PK))).toEqual(new Set(['K#0', 'K#1', 'K#2']));
    // Half of 50 × 2^(round−1): full jitter with a fixed random of 0.5.
    expect(sleeps).toEqual([25, 50]);
  });

  it(`gives up with UnprocessedKeysError (a throttling) after ${BATCH_GET_MAX_ATTEMPTS} rounds, backoff capped at 1 s`, async () => {
    Math.random = () => 0.5;
    const { asked, request } = recordingRequest((batch) => batch.slice(-1));
    const sleeps: number[] = [];

    const failure = await batchGetInChunks(keys(2), request, async (ms) => {
      sleeps.push(ms);
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnprocessedKeysError);
    expect(failure).toMatchObject({ name: 'ProvisionedThroughputExceededException', unprocessed: 1 });
    expect(asked).toHaveLength(BATCH_GET_MAX_ATTEMPTS);
    // 50, 100, 200, 400, 800, 1600→1000, 3200→1000, each halved; none after the last round.
    expect(sleeps).toEqual([25, 50, 100, 200, 400, 500, 500]);
  });

  it('passes a failed request’s own error through at once', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    let requests = 0;

    const failure = await batchGetInChunks(
      keys(2),
      async () => {
        requests++;
        throw throttled;
      },
      async () => undefined,
    ).catch((error: unknown) => error);

    expect(failure).toBe(throttled);
    expect(requests).toBe(1);
  });
});

describe('isStorableKey', () => {
  it('takes keys up to DynamoDB’s limits, counted in UTF-8 bytes: partition key 2,048, sort key 1,024', () => {
    expect(isStorableKey({ PK: 'P'.repeat(2048), SK: 'S'.repeat(1024) })).toBe(true);
    expect(isStorableKey({ PK: 'P'.repeat(2049), SK: 'S' })).toBe(false);
    expect(isStorableKey({ PK: 'P', SK: 'S'.repeat(1025) })).toBe(false);
    // 'ç' is two bytes: 513 of them are 1,026 bytes.
    expect(isStorableKey({ PK: 'P', SK: 'ç'.repeat(513) })).toBe(false);
    expect(isStorableKey({ PK: 'P', SK: 'ç'.repeat(512) })).toBe(true);
  });

  it('leaves number key values alone', () => {
    expect(isStorableKey({ PK: 'P', SK: 12345 })).toBe(true);
  });
});

describe('queryAll', () => {
  it('follows LastEvaluatedKey page after page, keeping the rest of the input', async () => {
    const table = new FakeTable();
    table.answers.query = inTurn(
      () => ({ Items: [{ n: 1 }, { n: 2 }], LastEvaluatedKey: { PK: 'P', SK: 'B' } }),
      () => ({ Items: [], LastEvaluatedKey: { PK: 'P', SK: 'C' } }),
      () => ({ Items: [{ n: 3 }] }),
    );
    const input = { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'P' }, Limit: 2 };

    const items = await queryAll(table, input);

    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(table.calls.query).toEqual([
      input,
      { ...input, ExclusiveStartKey: { PK: 'P', SK: 'B' } },
      { ...input, ExclusiveStartKey: { PK: 'P', SK: 'C' } },
    ]);
  });

  it('starts from the given ExclusiveStartKey', async () => {
    const table = new FakeTable();

    await queryAll(table, { KeyConditionExpression: 'PK = :pk', ExclusiveStartKey: { PK: 'P', SK: 'A' } });

    expect(table.calls.query).toEqual([
      { KeyConditionExpression: 'PK = :pk', ExclusiveStartKey: { PK: 'P', SK: 'A' } },
    ]);
  });
});

describe('the port’s errors', () => {
  it('a failed condition is named as DynamoDB names it and carries the old item', () => {
    const failure = new ConditionFailedError({ PK: 'A', count: 1 });

    expect(failure.name).toBe('ConditionalCheckFailedException');
    expect(failure.item).toEqual({ PK: 'A', count: 1 });
    expect(isConditionFailed(failure)).toBe(true);
    expect(isConditionFailed(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(false);
  });

  it('a cancelled transaction lists its reasons and answers None for an index past them', () => {
    const failure = new TransactionCanceledError([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]);

    expect(failure.name).toBe('TransactionCanceledException');
    expect(failure.message).toBe('Transaction cancelled [None, ConditionalCheckFailed]');
    expect([0, 1, 2].map((index) => failure.codeAt(index))).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    expect(isTransactionCanceled(failure)).toBe(true);
    expect(isTransactionCanceled(new ConditionFailedError())).toBe(false);
  });
});
