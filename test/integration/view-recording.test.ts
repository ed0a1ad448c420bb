import { pendingViewRecords } from '../../shared/db/offer-views.ts';
import { offerKeys } from '../../shared/db/offers.ts';
import { type DynamoDbProxy, startDynamoDbProxy } from '../support/dynamodb-proxy.ts';
import { startLocalApi, table } from '../support/local-api.ts';
import { countedViewsOf, seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';

/**
 * What a page view asks of DynamoDB, seen on the wire: the page handler of this file talks to
 * DynamoDB Local through a proxy (set before the handler is loaded), which can also stop answering
 * the view records' writes. The handler runs with the settings it has on AWS: a view waits 200 ms
 * at most for its record; here the offer cache keeps offers 60 s, so nothing in a test outlives it.
 */
let proxy: DynamoDbProxy;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let customer: ReturnType<typeof customerAt>;

beforeAll(async () => {
  proxy = await startDynamoDbProxy(process.env.DDB_ENDPOINT ?? '');
  // Read by the page handler when the gateway first loads it; the fixtures keep the direct table.
  Object.assign(process.env, {
    DDB_ENDPOINT: proxy.endpoint,
    OFFER_VIEW_WAIT_MS: '200',
    OFFER_VIEW_CACHE_SECONDS: '60',
  });
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
});
afterAll(async () => {
  await api.close();
  await proxy.close();
});
afterEach(() => proxy.stall(undefined));

const isViewRecordWrite = (request: { operation: string; body: string }) =>
  request.operation === 'PutItem' && request.body.includes('"VIEWS#');

/** The operations the proxy saw while `act` ran. */
async function operationsOf(act: () => Promise<unknown>): Promise<string[]> {
  proxy.reset();
  await act();
  return proxy.requests().map((request) => request.operation);
}

describe('a page view and the view counter', () => {
  it('serves the page while the view record’s write is stalled, and counts nothing', async () => {
    // Arrange: DynamoDB stops answering view records' writes (reads still answered).
    const offer = await seedOffer();
    proxy.reset();
    proxy.stall(isViewRecordWrite);

    // Act
    const page = await customer.view(offer);

    // Assert: the page, with its form, although the write never got an answer.
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="submission"');
    expect(proxy.stalled().map((request) => request.operation)).toEqual(['PutItem']);
    expect(await pendingViewRecords(table, offer.summaryId)).toEqual([]);
    expect(await countedViewsOf(offer.summaryId)).toBe(0);
  });

  it('costs a malformed code no request at all', async () => {
    const operations = await operationsOf(async () => {
      expect((await customer.view({ summaryId: 'not-a-code' })).status).toBe(404);
    });

    expect(operations).toEqual([]);
  });

  it('costs an unknown code two reads (eventually, then strongly consistent) and no write', async () => {
    proxy.reset();
    expect((await customer.view({ summaryId: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ2Z' })).status).toBe(404);

    const reads = proxy.requests().map((request) => [request.operation, JSON.parse(request.body).ConsistentRead]);
    expect(reads).toEqual([
      ['GetItem', undefined],
      ['GetItem', true],
    ]);
  });

  it('reads a viewed offer once per cache period: later views only write their record', async () => {
    const offer = await seedOffer();

    const first = await operationsOf(() => customer.view(offer));
    const second = await operationsOf(() => customer.view(offer));

    expect(first).toEqual(['GetItem', 'PutItem']);
    expect(second).toEqual(['PutItem']);
  });
});

describe('a cached view and the answers', () => {
  it('refuses an acceptance of an offer deactivated since its page was cached', async () => {
    // Arrange: the customer has the form; then the partner deactivates the offer.
    const offer = await seedOffer();
    const submission = await customer.openForm(offer);
    await table.update({
      Key: { PK: offerKeys.pk(offer.summaryId), SK: offerKeys.sk() },
      UpdateExpression: 'SET deactivatedAt = :at',
      ExpressionAttributeValues: { ':at': new Date().toISOString() },
    });

    // Act: the page, still from this environment's cache, and then the answer.
    const cachedPage = await customer.view(offer);
    const answer = await customer.post(offer, 'accept', acceptFields(submission));

    // Assert: the cached page may still show the form (documented, for the cache period); the
    // answer is checked against the offer as stored and refused.
    expect(cachedPage.status).toBe(200);
    expect(answer.status).toBe(410);
    const { Items } = await table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :accept)',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(offer.summaryId), ':accept': 'ACCEPT#' },
      ConsistentRead: true,
    });
    expect(Items).toEqual([]);
  });
});
