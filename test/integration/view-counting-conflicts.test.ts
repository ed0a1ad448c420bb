import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  countViews,
  newViewRecord,
  pendingViewRecords,
  type ViewRecord,
  viewRecordToItem,
} from '../../shared/db/offer-views.ts';
import { isTransactionCanceled, type Table } from '../../shared/db/port.ts';
import { table } from '../support/local-api.ts';
import { countedViewsOf, seedOffer } from '../support/offer-fixtures.ts';

/**
 * A hot offer counted by several stream shards at once: each shard's invocation of the views
 * function (countViews) writes the offer's one counter item, so their transactions conflict
 * (TransactionConflict). Failed records come back per record and are handed over again, as Lambda
 * retries a batch's reported failures.
 */
const INVOCATIONS = 8;
const RECORDS_PER_INVOCATION = 297; // three full transactions of 99 records each

async function writeRecords(records: readonly ViewRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += 25) {
    const chunk = records.slice(start, start + 25);
    await table.client.send(
      new BatchWriteCommand({
        RequestItems: { [table.name]: chunk.map((record) => ({ PutRequest: { Item: viewRecordToItem(record) } })) },
      }),
    );
  }
}

/** The table, counting failed transactions by their error (cancellation reasons, or the error's name). */
function failureCounting(inner: Table): { table: Table; failures: Map<string, number> } {
  const failures = new Map<string, number>();
  const counting: Table = Object.create(inner);
  counting.transactWrite = async (items) => {
    try {
      await inner.transactWrite(items);
    } catch (error) {
      const kind = isTransactionCanceled(error)
        ? [...new Set(error.CancellationReasons.map((r) => r.Code).filter((code) => code !== 'None'))].join('+')
        : error instanceof Error
          ? error.name
          : 'unknown';
      failures.set(kind, (failures.get(kind) ?? 0) + 1);
      throw error;
    }
  };
  return { table: counting, failures };
}

describe('counting one hot offer from several stream shards at once', () => {
  it('counts every record exactly once in the end, the conflicting ones retried as the stream would', async () => {
    // Arrange: one offer, 8 disjoint sets of uncounted records (one per stream shard).
    const offer = await seedOffer();
    const t0 = Date.now();
    const sets = Array.from({ length: INVOCATIONS }, (_unused, shard) =>
      Array.from({ length: RECORDS_PER_INVOCATION }, (_v, n) =>
        newViewRecord(offer.summaryId, new Date(t0 + shard * 1_000 + n)),
      ),
    );
    await writeRecords(sets.flat());
    const { table: counting, failures } = failureCounting(table);

    // Act: all 8 at once; each retries only its failed records, round after round.
    const rounds = await Promise.all(
      sets.map(async (records) => {
        let pending = records;
        let round = 0;
        while (pending.length > 0 && round < 20) {
          round++;
          pending = (await countViews(counting, pending, new Date())).failed;
        }
        return { rounds: round, left: pending.length };
      }),
    );

    // Assert
    console.log(
      `${INVOCATIONS} concurrent countViews of one offer, ${INVOCATIONS * RECORDS_PER_INVOCATION} records: ` +
        `failed transactions by error ${JSON.stringify(Object.fromEntries(failures))}; ` +
        `rounds per invocation ${rounds.map((r) => r.rounds).join(', ')}`,
    );
    expect(rounds.map((r) => r.left)).toEqual(Array(INVOCATIONS).fill(0));
    expect(await countedViewsOf(offer.summaryId)).toBe(INVOCATIONS * RECORDS_PER_INVOCATION);
    expect(await pendingViewRecords(table, offer.summaryId)).toEqual([]);
  }, 120_000);
});
