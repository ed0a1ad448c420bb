import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createHandler } from '../../functions/offer-views/handler.ts';
import {
  CONFLICT_ATTEMPTS,
  countViews,
  MAX_RECORDS_PER_TRANSACTION,
  newViewRecord,
  VIEW_SHARDS,
  type ViewRecord,
  viewRecordFromItem,
  viewRecordKeys,
  viewRecordToItem,
} from '../../shared/db/offer-views.ts';
import { offerViewsKeys } from '../../shared/db/offers.ts';
import { type TransactItem, TransactionCanceledError } from '../../shared/db/port.ts';
import { FakeTable, inTurn } from '../support/fake-table.ts';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const A = 'AAAA-AAAA-AAAA-AAAA-AAAA';
const B = 'BBBB-BBBB-BBBB-BBBB-BBBB';

function views(summaryId: string, count: number): ViewRecord[] {
  return Array.from({ length: count }, (_unused, n) =>
    newViewRecord(summaryId, new Date(NOW.getTime() - 1_000 + n), () => n / count),
  );
}

/** The counter update of a counting transaction (its first item). */
function counterOf(items: readonly TransactItem[]) {
  const first = items[0];
  return first && 'Update' in first ? first.Update : undefined;
}

const db = new FakeTable();
beforeEach(() => db.reset());

describe('view records', () => {
  it('spreads an offer’s records over VIEW_SHARDS partitions of the views family', () => {
    const shards = new Set(views(A, 64).map((record) => viewRecordToItem(record).PK));

    expect(shards).toEqual(new Set(Array.from({ length: VIEW_SHARDS }, (_unused, n) => viewRecordKeys.pk(A, n))));
  });

  it('reads back a stored record, and nothing else', () => {
    const [record] = views(A, 1);
    if (!record) throw new Error('no record');

    expect(viewRecordFromItem({ ...viewRecordToItem(record) })).toEqual(record);
    expect(viewRecordFromItem({ entity: 'offerViews', summaryId: A, views: 3 })).toBeUndefined();
  });
});

describe('countViews', () => {
  it('adds each offer’s records to its counter in one transaction with the records marked counted', async () => {
    const records = [...views(A, 3), ...views(B, 2)];

    const outcome = await countViews(db, records, NOW);

    expect(outcome).toEqual({ counted: 5, alreadyCounted: 0, unknownOffer: 0, failed: [], conflicts: 0 });
    const counters = db.calls.transactWrite.map((items) => ({
      key: counterOf(items)?.Key,
      n: counterOf(items)?.ExpressionAttributeValues?.[':n'],
      marks: items.length - 1,
    }));
    expect(counters).toEqual(
      expect.arrayContaining([
        { key: { PK: offerViewsKeys.pk(A), SK: offerViewsKeys.sk() }, n: 3, marks: 3 },
        { key: { PK: offerViewsKeys.pk(B), SK: offerViewsKeys.sk() }, n: 2, marks: 2 },
      ]),
    );
    expect(db.calls.transactWrite).toHaveLength(2);
  });

  it('splits an offer’s records into transactions of at most 99 records plus the counter', async () => {
    const outcome = await countViews(db, views(A, 250), NOW);

    expect(outcome.counted).toBe(250);
    expect(db.calls.transactWrite.map((items) => items.length)).toEqual([
      MAX_RECORDS_PER_TRANSACTION + 1,
      MAX_RECORDS_PER_TRANSACTION + 1,
      250 - 2 * MAX_RECORDS_PER_TRANSACTION + 1,
    ]);
  });

  it('counts a record delivered twice in one batch once', async () => {
    const records = views(A, 2);

    const outcome = await countViews(db, [...records, ...records], NOW);

    expect(outcome.counted).toBe(2);
    expect(counterOf(db.calls.transactWrite[0] ?? [])?.ExpressionAttributeValues?.[':n']).toBe(2);
  });

  it('leaves out records counted before and adds only the others', async () => {
    // The second of three records was counted by an earlier delivery: its mark's condition fails.
    db.answers.transactWrite = inTurn(
      () => {
        throw new TransactionCanceledError([
          { Code: 'None' },
          { Code: 'None' },
          { Code: 'ConditionalCheckFailed' },
          { Code: 'None' },
        ]);
      },
      () => undefined,
    );

    const outcome = await countViews(db, views(A, 3), NOW);

    expect(outcome).toEqual({ counted: 2, alreadyCounted: 1, unknownOffer: 0, failed: [], conflicts: 0 });
    const retried = db.calls.transactWrite[1] ?? [];
    expect(counterOf(retried)?.ExpressionAttributeValues?.[':n']).toBe(2);
    expect(retried).toHaveLength(3);
  });

  it('drops the records of an offer without a counter', async () => {
    db.answers.transactWrite = () => {
      throw new TransactionCanceledError([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]);
    };

    const outcome = await countViews(db, views(A, 1), NOW);

    expect(outcome).toEqual({ counted: 0, alreadyCounted: 0, unknownOffer: 1, failed: [], conflicts: 0 });
  });

  it('retries a transaction cancelled by conflicts on the counter, backing off with full jitter, until it goes through', async () => {
    // Seven conflicts in turn (other stream shards counting the same offer), then the write goes through.
    const conflict = () => {
      throw new TransactionCanceledError([{ Code: 'TransactionConflict' }, { Code: 'None' }, { Code: 'None' }]);
    };
    db.answers.transactWrite = inTurn(conflict, conflict, conflict, conflict, conflict, conflict, conflict, () => {});
    const waits: number[] = [];

    const outcome = await countViews(db, views(A, 2), NOW, {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      now: () => 0,
    });

    expect(outcome).toEqual({ counted: 2, alreadyCounted: 0, unknownOffer: 0, failed: [], conflicts: 7 });
    // Half (random 0.5) of 25 ms × 2^(n-1), capped at 1,000 ms.
    expect(waits).toEqual([12.5, 25, 50, 100, 200, 400, 500]);
  });

  it('gives the records back when conflicts outlast the attempts or the budget, for the stream to retry', async () => {
    db.answers.transactWrite = () => {
      throw new TransactionCanceledError([{ Code: 'TransactionConflict' }, { Code: 'None' }]);
    };
    const records = views(A, 1);
    let clock = 0;
    const options = {
      sleep: async (ms: number) => {
        clock += ms;
      },
      now: () => clock,
      random: () => 0.99,
    };

    const byAttempts = await countViews(db, records, NOW, { ...options, budgetMs: 60_000 });
    clock = 0;
    const byBudget = await countViews(db, records, NOW, { ...options, budgetMs: 1_500 });

    expect(byAttempts).toMatchObject({ counted: 0, failed: records, conflicts: CONFLICT_ATTEMPTS });
    expect(byBudget.failed).toEqual(records);
    expect(byBudget.conflicts).toBeLessThan(CONFLICT_ATTEMPTS);
    expect(clock).toBeLessThanOrEqual(1_500);
  });

  it('gives back the records it could not count (an outage), counting the other offers', async () => {
    db.answers.transactWrite = (items) => {
      if (counterOf(items)?.Key?.PK === offerViewsKeys.pk(A)) throw new Error('ServiceUnavailable');
    };
    const failing = views(A, 2);

    const outcome = await countViews(db, [...failing, ...views(B, 1)], NOW);

    expect(outcome.counted).toBe(1);
    expect(outcome.failed).toEqual(failing);
  });
});

describe('the views function', () => {
  function streamEvent(records: ViewRecord[]): DynamoDBStreamEvent {
    return {
      Records: records.map((record, n) => ({
        eventName: 'INSERT',
        dynamodb: {
          SequenceNumber: String(100 + n),
          NewImage: marshall(viewRecordToItem(record)) as never,
        },
      })),
    };
  }

  it('reports the stream records of views it could not count, so Lambda retries from them', async () => {
    db.answers.transactWrite = (items) => {
      if (counterOf(items)?.Key?.PK === offerViewsKeys.pk(B)) throw new Error('ServiceUnavailable');
    };
    const handler = createHandler(
      () => db,
      () => NOW,
    );

    const answer = await handler(streamEvent([...views(A, 1), ...views(B, 2)]));

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: '101' }, { itemIdentifier: '102' }]);
  });
});
