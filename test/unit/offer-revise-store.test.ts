import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { type CancellationReason, type TransactItem, TransactionCanceledError } from '../../shared/db/port.ts';
import type { IdempotencyRecord } from '../../shared/domain/idempotency.ts';
import { DuplicateReferenceError, type Offer } from '../../shared/domain/offer.ts';
import { FakeTable } from '../support/fake-table.ts';
import { basicOffer } from '../support/offer.ts';

const OLD = { summaryId: 'AAAA-0000-0000-0000-0001', partnerId: 'p-1', reference: 'CRM-1' };

/** The revision of OLD: same reference, linked to it. */
function newOffer(overrides: Partial<Offer> = {}): Offer {
  return basicOffer({
    summaryId: 'BBBB-0000-0000-0000-0002',
    reference: 'CRM-1',
    usageLocation: 'US',
    items: [{ sku: 'M365_E3', licenses: 5, term: 'P1Y', billingFrequency: 'annual' }],
    createdAt: '2026-11-24T12:00:00.000Z',
    revisionOf: OLD.summaryId,
    ...overrides,
  });
}

const RECORD: IdempotencyRecord = {
  partnerId: 'p-1',
  key: 'k-1',
  operation: 'revise-offer',
  requestHash: 'h',
  statusCode: 201,
  responseBody: '{}',
  createdAt: '2026-11-24T12:00:00.000Z',
  expiresAtEpoch: 1_800_000_000,
};

/** A table whose transaction is cancelled with `reasons`, one per item in request order. */
function cancelling(reasons: CancellationReason[]) {
  const table = new FakeTable();
  table.answers.transactWrite = () => {
    throw new TransactionCanceledError(reasons);
  };
  return table;
}

const none = { Code: 'None' };

describe('DynamoOfferStore.revise', () => {
  it('writes the new offer, its counter, the moved reference claim, the key and the old offer’s retirement in one transaction', async () => {
    const table = new FakeTable();

    const outcome = await new DynamoOfferStore(table).revise(OLD, newOffer(), RECORD);

    expect(outcome).toEqual({ ok: true });
    expect(table.calls.transactWrite).toHaveLength(1);
    const items = table.calls.transactWrite[0] as readonly TransactItem[];
    expect(
      items.map((item) => ('Put' in item ? `Put ${item.Put.Item && (item.Put.Item as { SK: string }).SK}` : 'Update')),
    ).toEqual([
      'Put OFFER',
      'Put OFFER#VIEWS',
      'Put OFFER#COUNTERS',
      'Put OFFERREF#CRM-1',
      'Put IDEMPOTENCY#k-1',
      'Update',
    ]);
    // The kept reference's claim may be taken over only from the offer being revised.
    expect(items[3]).toMatchObject({
      Put: {
        Item: { summaryId: 'BBBB-0000-0000-0000-0002' },
        ConditionExpression: 'attribute_not_exists(PK) OR summaryId = :revised',
        ExpressionAttributeValues: { ':revised': OLD.summaryId },
      },
    });
    // The old offer leaves the open-offers index (GSI2) with its retirement.
    expect(items[5]).toEqual({
      Update: {
        Key: { PK: `OFFER#${OLD.summaryId}`, SK: 'OFFER' },
        UpdateExpression:
          'SET revisedBy = :revisedBy, deactivatedAt = if_not_exists(deactivatedAt, :at) REMOVE GSI2PK, GSI2SK',
        ConditionExpression: 'attribute_exists(PK) AND partnerId = :partnerId AND attribute_not_exists(revisedBy)',
        ExpressionAttributeValues: {
          ':revisedBy': 'BBBB-0000-0000-0000-0002',
          ':at': '2026-11-24T12:00:00.000Z',
          ':partnerId': 'p-1',
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  });

  it('claims a new reference only if it is free, and writes no claim without a reference', async () => {
    const table = new FakeTable();
    const store = new DynamoOfferStore(table);

    await store.revise(OLD, newOffer({ reference: 'CRM-2' }));
    await store.revise({ ...OLD, reference: undefined }, newOffer({ reference: undefined }));

    const [withNew, without] = table.calls.transactWrite as (readonly TransactItem[])[];
    expect(withNew?.[3]).toMatchObject({
      Put: { Item: { SK: 'OFFERREF#CRM-2' }, ConditionExpression: 'attribute_not_exists(PK)' },
    });
    expect(withNew?.[3] && 'Put' in withNew[3] ? withNew[3].Put.ExpressionAttributeValues : 'none').toBeUndefined();
    expect(without?.map((item) => ('Put' in item ? 'Put' : 'Update'))).toEqual(['Put', 'Put', 'Put', 'Update']);
  });

  it('reports an offer revised meanwhile with the revision that won', async () => {
    const table = cancelling([
      none,
      none,
      none,
      none,
      none,
      { Code: 'ConditionalCheckFailed', Item: { partnerId: 'p-1', revisedBy: 'CCCC-0000-0000-0000-0003' } },
    ]);

    const outcome = await new DynamoOfferStore(table).revise(OLD, newOffer(), RECORD);

    expect(outcome).toEqual({ ok: false, reason: 'already-revised', revisedBy: 'CCCC-0000-0000-0000-0003' });
  });

  it('reports an old offer that is gone or another partner’s as not found', async () => {
    for (const item of [undefined, { partnerId: 'p-2' }]) {
      const table = cancelling([
        none,
        none,
        none,
        none,
        none,
        { Code: 'ConditionalCheckFailed', ...(item ? { Item: item } : {}) },
      ]);

      await expect(new DynamoOfferStore(table).revise(OLD, newOffer(), RECORD)).resolves.toEqual({
        ok: false,
        reason: 'not-found',
      });
    }
  });

  it('lets a taken idempotency key win over the rest, and names the holder of a taken reference', async () => {
    const keyTaken = cancelling([
      none,
      none,
      none,
      none,
      { Code: 'ConditionalCheckFailed' },
      { Code: 'ConditionalCheckFailed' },
    ]);
    const referenceTaken = cancelling([
      none,
      none,
      none,
      { Code: 'ConditionalCheckFailed', Item: { summaryId: 'DDDD-0000-0000-0000-0004' } },
      none,
      none,
    ]);

    await expect(new DynamoOfferStore(keyTaken).revise(OLD, newOffer(), RECORD)).resolves.toEqual({
      ok: false,
      reason: 'idempotency-key-taken',
    });
    const error = await new DynamoOfferStore(referenceTaken).revise(OLD, newOffer(), RECORD).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateReferenceError);
    expect(error).toMatchObject({ extensions: { existingSummaryId: 'DDDD-0000-0000-0000-0004' } });
  });

  it('reports a taken summary ID and contention so the service can retry', async () => {
    const idTaken = cancelling([{ Code: 'ConditionalCheckFailed' }, none, none, none, none, none]);
    const conflict = cancelling([none, none, none, none, none, { Code: 'TransactionConflict' }]);

    await expect(new DynamoOfferStore(idTaken).revise(OLD, newOffer(), RECORD)).resolves.toEqual({
      ok: false,
      reason: 'summary-id-taken',
    });
    await expect(new DynamoOfferStore(conflict).revise(OLD, newOffer(), RECORD)).resolves.toEqual({
      ok: false,
      reason: 'contention',
    });
  });
});

describe('DynamoOfferStore.getOffer', () => {
  it('reads the offer item alone, strongly consistent', async () => {
    const table = new FakeTable();
    table.answers.get = () => ({
      PK: 'OFFER#X',
      SK: 'OFFER',
      GSI1PK: 'g',
      GSI1SK: 'g',
      entity: 'offer',
      ...newOffer(),
    });

    const offer = await new DynamoOfferStore(table).getOffer('BBBB-0000-0000-0000-0002');

    expect(table.calls.get).toEqual([
      { Key: { PK: 'OFFER#BBBB-0000-0000-0000-0002', SK: 'OFFER' }, ConsistentRead: true },
    ]);
    expect(offer).toEqual(newOffer());
  });
});
