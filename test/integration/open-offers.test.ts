import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler as createTimersHandler } from '../../functions/offer-timers/handler.ts';
import { ensureTable, localClient } from '../../infra/local/dynamodb.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { idempotencyKeys } from '../../shared/db/idempotency.ts';
import { DynamoOfferStore, offerItems, offerKeys } from '../../shared/db/offers.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import { createTableInput, GSI1, GSI2 } from '../../shared/db/table.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import type { WebhookFanOut } from '../../shared/webhooks/fan-out.ts';
import { type DynamoDbCapacityProxy, startDynamoDbCapacityProxy, totalReadUnits } from '../support/ddb-capacity.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';
import { acceptanceOf, offerFixture, seedOffer } from '../support/offer-fixtures.ts';

/**
 * Cheaper writes and reads, on DynamoDB Local: the open-offers index (GSI2) that status=active
 * lists read, answers that write no offer item and no index entry, and compressed idempotency
 * records whose replays are still byte for byte the first answer. Capacity is measured on the wire
 * (test/support/ddb-capacity.ts: DynamoDB Local's own ConsumedCapacity and each Query's ScannedCount).
 */
let api: Awaited<ReturnType<typeof startLocalApi>>;
let proxy: DynamoDbCapacityProxy;
beforeAll(async () => {
  api = await startLocalApi();
  proxy = await startDynamoDbCapacityProxy(
    process.env.DDB_ENDPOINT as string,
    createTableInput(table.name).GlobalSecondaryIndexes,
  );
});
afterAll(async () => {
  await proxy.close();
  await api.close();
});

/** The table through the measuring proxy. */
const measured = () => sdkTable(table.name, proxy.endpoint);

async function putAll(items: readonly object[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    const { UnprocessedItems } = await table.client.send(
      new BatchWriteCommand({ RequestItems: { [table.name]: batch } }),
    );
    expect(UnprocessedItems ?? {}).toEqual({});
  }
}

async function offerItem(summaryId: string) {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The summary IDs a partner's open-offers index holds (the index itself, not the list). */
async function openIndexOf(partnerId: string): Promise<string[]> {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      IndexName: GSI2.indexName,
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': offerKeys.gsi2pk(partnerId) },
    }),
  );
  // The index holds keys (and expiresAt) only: the summary ID is in the table's partition key.
  return Items.map((item) => String(item.PK).slice(offerKeys.pk('').length));
}

/** The n-th customer's submission ID. */
function submissionIdOf(n: number): string {
  return `mhx0000000${String(n).padStart(22, 'A')}`;
}

describe('status=active lists read open offers only (GSI2)', () => {
  it('lists the 10 open offers of 5,000 reading only those 10 index entries, in one call', async () => {
    // Arrange: 5,000 offers one minute apart; the 10 oldest are open, the rest deactivated.
    const { partner, key } = await newPartner();
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const offers = Array.from({ length: 5_000 }, (_, i) => {
      const createdAt = new Date(start + i * 60_000).toISOString();
      return offerFixture({
        partnerId: partner.partnerId,
        createdAt,
        ...(i >= 10 ? { deactivatedAt: createdAt } : {}),
      });
    });
    await putAll(offers.flatMap((offer) => offerItems(offer)));
    const open = offers.slice(0, 10).reverse();

    // Act: the store's list through the measuring proxy, and the API as a partner calls it.
    proxy.reset();
    const page = await new DynamoOfferStore(measured()).listForPartner(partner.partnerId, {
      limit: 25,
      status: 'active',
      now: new Date(),
    });
    const tally = proxy.tally();
    const response = await fetch(`${api.baseUrl}/v1/offers?status=active`, { headers: bearer(key) });

    // Assert: newest first, no cursor, and only the open offers were read: one Query that evaluated
    // exactly 10 index entries, plus one BatchGetItem of their counters.
    expect(page.offers.map((offer) => offer.summaryId)).toEqual(open.map((offer) => offer.summaryId));
    expect(page.next).toBeUndefined();
    expect(tally.requests).toEqual({ Query: 1, BatchGetItem: 1 });
    expect(tally.queryScanned).toBe(10);
    expect(Object.keys(tally.indexReadUnits)).toEqual([GSI2.indexName]);
    // GSI1 would have read all 5,000 entries (~400 units, measured before GSI2 existed); now the
    // index entries are keys and expiry only, and the offers and counters one BatchGetItem.
    expect(tally.indexReadUnits[GSI2.indexName]).toBeLessThanOrEqual(1);
    expect(totalReadUnits(tally)).toBeLessThan(20);
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    expect(body.offers.map((o: { summaryId: string }) => o.summaryId)).toEqual(open.map((offer) => offer.summaryId));
    expect(body.nextCursor).toBeUndefined();
  }, 120_000);

  it('takes an offer out of the index when it is deactivated, revised, exhausted or its expiry timer fires', async () => {
    // Arrange
    const { partner } = await newPartner();
    const partnerId = partner.partnerId;
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const stays = await seedOffer({ partnerId, createdAt: at(60) });
    const deactivated = await seedOffer({ partnerId, createdAt: at(50) });
    const revised = await seedOffer({ partnerId, createdAt: at(40) });
    const limited = await seedOffer({ partnerId, createdAt: at(30), maxAcceptances: 2 });
    const expired = await seedOffer({ partnerId, createdAt: at(20), expiresAt: at(1) });
    const store = new DynamoOfferStore(table);
    const answers = new DynamoCustomerResponseStore(table);
    expect((await openIndexOf(partnerId)).sort()).toEqual(
      [stays, deactivated, revised, limited, expired].map((o) => o.summaryId).sort(),
    );

    // Act
    await store.deactivate(partnerId, deactivated.summaryId, new Date().toISOString());
    const revision = offerFixture({ partnerId, revisionOf: revised.summaryId });
    expect(await store.revise(revised, revision)).toEqual({ ok: true });
    const first = await answers.accept(acceptanceOf(limited, submissionIdOf(1)), partnerId, new Date(), limited);
    const afterFirst = await openIndexOf(partnerId);
    const last = await answers.accept(acceptanceOf(limited, submissionIdOf(2)), partnerId, new Date(), {
      ...limited,
      acceptances: 0, // a stale read: the store finds out it takes the last place
    });
    // An expired offer is still in the index until its timer fires, but never listed as active.
    const listedBeforeTimer = await store.listForPartner(partnerId, { limit: 25, status: 'active', now: new Date() });
    const fire = createTimersHandler(() => ({
      table,
      fanOut: { fanOut: async () => 0 } as unknown as WebhookFanOut,
    }));
    await fire({ summaryId: expired.summaryId, kind: 'expired', dueAt: expired.expiresAt as string });

    // Assert
    expect(first.kind).toBe('recorded');
    expect(afterFirst).toContain(limited.summaryId);
    expect(last.kind).toBe('recorded');
    expect(listedBeforeTimer.offers.map((o) => o.summaryId)).toEqual([revision.summaryId, stays.summaryId]);
    expect((await openIndexOf(partnerId)).sort()).toEqual([stays.summaryId, revision.summaryId].sort());
    const exhausted = await store.get(limited.summaryId);
    expect(exhausted?.acceptances).toBe(2);
    expect((await offerItem(limited.summaryId))?.exhaustedAt).toEqual(expect.any(String));
    // Listed under their own statuses still (GSI1 keeps every offer).
    const exhaustedList = await store.listForPartner(partnerId, { limit: 25, status: 'exhausted', now: new Date() });
    expect(exhaustedList.offers.map((o) => [o.summaryId, o.acceptances])).toEqual([[limited.summaryId, 2]]);
    const expiredList = await store.listForPartner(partnerId, { limit: 25, status: 'expired', now: new Date() });
    expect(expiredList.offers.map((o) => o.summaryId)).toEqual([expired.summaryId]);
  }, 30_000);
});

describe('answers write no offer item and no index entry', () => {
  it('an acceptance and a decline leave the offer item and both indexes untouched; only the last place writes them', async () => {
    // Arrange
    const offer = await seedOffer({ maxAcceptances: 2 });
    const before = await offerItem(offer.summaryId);
    const answers = new DynamoCustomerResponseStore(measured());

    // Act
    proxy.reset();
    await answers.accept(acceptanceOf(offer, submissionIdOf(1)), offer.partnerId, new Date(), offer);
    await answers.decline(
      {
        summaryId: offer.summaryId,
        submissionId: acceptanceOf(offer, submissionIdOf(2)).submissionId,
        declinedAt: new Date().toISOString(),
      },
      offer.partnerId,
      new Date(),
    );
    const answered = proxy.tally();
    const unchanged = await offerItem(offer.summaryId);
    proxy.reset();
    await answers.accept(acceptanceOf(offer, submissionIdOf(3)), offer.partnerId, new Date(), {
      ...offer,
      acceptances: 1,
    });
    const lastPlace = proxy.tally();

    // Assert
    expect(answered.requests).toEqual({ TransactWriteItems: 2 });
    expect(Object.values(answered.localTransactIndexWriteUnits).every((units) => units === 0)).toBe(true);
    expect(unchanged).toEqual(before);
    expect(lastPlace.localTransactIndexWriteUnits[GSI1.indexName]).toBeGreaterThan(0);
    expect(lastPlace.localTransactIndexWriteUnits[GSI2.indexName]).toBeGreaterThan(0);
    const counted = await new DynamoOfferStore(table).get(offer.summaryId);
    expect([counted?.acceptances, counted?.declines]).toEqual([2, 1]);
  });
});

describe('idempotency records are compressed, replays stay byte for byte', () => {
  it('stores the 201 body brotli-compressed and replays the first bytes after the offer changed', async () => {
    // Arrange
    const { partner, key } = await newPartner();
    const office = await seedOffice(partner.partnerId);
    const post = (path: string, body: unknown, idempotencyKey: string) =>
      fetch(`${api.baseUrl}${path}`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      });
    const body = {
      officeId: office.officeId,
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
      maxAcceptances: 3,
      customization: { intro: 'Olá! '.repeat(100) },
    };

    // Act: create, then change the offer in every way a replay must not show: an acceptance, a
    // revision (which deactivates it), then replay the create's key.
    const first = await post('/v1/offers', body, 'compressed-1');
    const firstBody = await first.text();
    const created = JSON.parse(firstBody) as Offer;
    await new DynamoCustomerResponseStore(table).accept(
      acceptanceOf(created, submissionIdOf(9)),
      partner.partnerId,
      new Date(),
      created,
    );
    const revised = await post(`/v1/offers/${created.summaryId}/revise`, { maxAcceptances: 5 }, 'compressed-2');
    const revisedBody = await revised.text();
    const replay = await post('/v1/offers', body, 'compressed-1');
    const revisedReplay = await post(`/v1/offers/${created.summaryId}/revise`, { maxAcceptances: 5 }, 'compressed-2');
    const { Item: record } = await table.client.send(
      new GetCommand({
        TableName: table.name,
        Key: { PK: idempotencyKeys.pk(partner.partnerId), SK: idempotencyKeys.sk('compressed-1') },
        ConsistentRead: true,
      }),
    );

    // Assert
    expect([first.status, revised.status, replay.status, revisedReplay.status]).toEqual([201, 201, 201, 201]);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.text()).toBe(firstBody);
    expect(await revisedReplay.text()).toBe(revisedBody);
    // The replayed body still shows the offer as it was created, not as it is now.
    expect(JSON.parse(firstBody)).toMatchObject({ status: 'active', counters: { acceptances: 0 } });
    expect(record).not.toHaveProperty('responseBody');
    expect(record?.responseBodyBr).toBeInstanceOf(Uint8Array);
    expect((record?.responseBodyBr as Uint8Array | undefined)?.length).toBeLessThan(Buffer.byteLength(firstBody) / 3);
  });
});

describe('the local runtime’s persisted table', () => {
  it('gets the indexes it lacks (a .local/ table made before GSI1v2 and GSI2), each built before the next', async () => {
    // Arrange: the table as the local runtime created it when GSI1 projected ALL.
    const client = localClient(process.env.DDB_ENDPOINT as string);
    const tableName = `persisted-${Date.now()}`;
    const key = (name: string, type: 'HASH' | 'RANGE') => ({ AttributeName: name, KeyType: type });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['PK', 'SK', 'GSI1PK', 'GSI1SK'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [key('PK', 'HASH'), key('SK', 'RANGE')],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [key('GSI1PK', 'HASH'), key('GSI1SK', 'RANGE')],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    try {
      // Act
      await ensureTable(process.env.DDB_ENDPOINT as string, tableName);

      // Assert
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexes = Object.fromEntries(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.IndexStatus]),
      );
      expect(indexes).toEqual({ GSI1: 'ACTIVE', [GSI1.indexName]: 'ACTIVE', [GSI2.indexName]: 'ACTIVE' });
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    }
  }, 60_000);
});
