import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createHandler } from '../../functions/offer-views/handler.ts';
import type { TableStreamPoller } from '../../infra/local/table-stream.ts';
import { pendingViewRecords, VIEW_SHARDS } from '../../shared/db/offer-views.ts';
import { createDynamoClient } from '../../shared/db/sdk-table.ts';
import { startLocalApi, table } from '../support/local-api.ts';
import { countedViewsOf, seedOffer } from '../support/offer-fixtures.ts';
import { customerAt } from '../support/offer-page-forms.ts';
import { streamTestTable } from '../support/table-stream.ts';

/**
 * Views counted the way they are on AWS: the offer page (real HTTP, the local gateway) writes view
 * records; the table stream hands them to the views function (functions/offer-views), which adds
 * them to the offer's counter. Nothing here counts pending records itself (unlike viewsOf).
 */
const dynamo = createDynamoClient(process.env.DDB_ENDPOINT);
/** Every stream batch the views function was given, to hand them over again. */
const delivered: DynamoDBStreamEvent[] = [];
const countViews = createHandler(() => table);
let api: Awaited<ReturnType<typeof startLocalApi>>;
let stream: TableStreamPoller;
let customer: ReturnType<typeof customerAt>;

beforeAll(async () => {
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
  stream = await streamTestTable(dynamo, async (event) => {
    delivered.push(event);
    return countViews(event);
  });
});
afterAll(async () => {
  await stream.stop();
  dynamo.destroy();
  await api.close();
});

/**
 * Waits until the offer's counter shows `expected` (the counting delay: the stream poll and the
 * function's batch), for at most 30 s; returns what it shows then.
 */
async function counterReaches(summaryId: string, expected: number): Promise<number> {
  let views = await countedViewsOf(summaryId);
  for (let waited = 0; views < expected && waited < 30_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    views = await countedViewsOf(summaryId);
  }
  return views;
}

describe('views counted from the table stream', () => {
  it('counts 200 concurrent views exactly, once the stream has delivered them', async () => {
    // Arrange
    const offer = await seedOffer();

    // Act: 200 people open the link at once.
    const pages = await Promise.all(Array.from({ length: 200 }, () => customer.view(offer)));

    // Assert: every page was served; the counter reaches 200 and no record is left uncounted.
    expect(pages.map((page) => page.status)).toEqual(Array(200).fill(200));
    expect(await counterReaches(offer.summaryId, 200)).toBe(200);
    expect(await pendingViewRecords(table, offer.summaryId)).toEqual([]);
  }, 120_000);

  it('adds nothing when the stream delivers the same records again (a retried batch)', async () => {
    // Arrange: 30 views, counted.
    const offer = await seedOffer();
    await Promise.all(Array.from({ length: 30 }, () => customer.view(offer)));
    expect(await counterReaches(offer.summaryId, 30)).toBe(30);

    // Act: every batch delivered so far is handed to the views function once more.
    const again = await Promise.all(delivered.map((event) => countViews(event)));

    // Assert
    expect(again.flatMap((answer) => answer.batchItemFailures)).toEqual([]);
    expect(await countedViewsOf(offer.summaryId)).toBe(30);
  }, 120_000);

  it('leaves the counter to the views function: a view writes one record, in a shard partition', async () => {
    // Arrange: the stream is not followed for a moment (the counting function is down).
    const offer = await seedOffer();

    // Act
    const { status, pending } = await withStreamStopped(async () => {
      const page = await customer.view(offer);
      return { status: page.status, pending: await pendingViewRecords(table, offer.summaryId) };
    });

    // Assert: the page was served, its view waits as a record; the counter is untouched.
    expect(status).toBe(200);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.shard).toBeGreaterThanOrEqual(0);
    expect(pending[0]?.shard).toBeLessThan(VIEW_SHARDS);
    expect(await countedViewsOf(offer.summaryId)).toBe(0);
  });
});

/** Runs `act` while no stream poller runs, then starts a new one (past what `act` wrote). */
async function withStreamStopped<T>(act: () => Promise<T>): Promise<T> {
  await stream.stop();
  try {
    return await act();
  } finally {
    stream = await streamTestTable(dynamo, countViews);
  }
}
