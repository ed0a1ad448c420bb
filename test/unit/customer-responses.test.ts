import { marshall } from '@aws-sdk/util-dynamodb';
import { jest } from '@jest/globals';
import {
  acceptanceToItem,
  CONFLICT_BUDGET_MS,
  DynamoCustomerResponseStore,
  MAX_CONFLICT_ATTEMPTS,
} from '../../shared/db/customer-responses.ts';
import { DynamoDbError } from '../../shared/db/dynamodb-lite.ts';
import { offerKeys, offerToItem, offerViewsKeys } from '../../shared/db/offers.ts';
import { type Acceptance, OfferBusyError } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { FakeDocumentDb, inTurn, putAt } from '../support/fake-document-db.ts';
import { basicOffer } from '../support/offer.ts';

const SUMMARY_ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';
const NOW = new Date('2026-11-24T12:00:00.000Z');

function offer(): Offer {
  return basicOffer({ summaryId: SUMMARY_ID });
}

function acceptance(): Acceptance {
  return {
    summaryId: SUMMARY_ID,
    submissionId: 'mhx0000000AAAAAAAAAAAAAAAAAAAAAA',
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    email: 'rita@tailwind.example',
    items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }],
    delegatedAdmin: false,
    acceptedAt: NOW.toISOString(),
  };
}

/** DynamoDB's failures as DynamoDbLite throws them. */
function failure(name: string, details: ConstructorParameters<typeof DynamoDbError>[2] = {}): () => never {
  return () => {
    throw new DynamoDbError(name, name, { statusCode: 400, ...details });
  };
}

function canceled(...codes: string[]): () => never {
  return failure('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });
}

const db = new FakeDocumentDb();
afterEach(() => jest.restoreAllMocks());

/** A store whose backoff sleeps only move a fake clock (`clock.now`, which tests may move too). */
function store(): { store: DynamoCustomerResponseStore; sleeps: number[]; clock: { now: number } } {
  const sleeps: number[] = [];
  const clock = { now: 0 };
  return {
    store: new DynamoCustomerResponseStore(
      { db, name: 'Table' },
      {
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.now += ms;
        },
        clock: () => clock.now,
      },
    ),
    sleeps,
    clock,
  };
}

const offerKey = { PK: offerKeys.pk(SUMMARY_ID), SK: offerKeys.sk() };
const counterKey = { PK: offerViewsKeys.pk(SUMMARY_ID), SK: offerViewsKeys.sk() };

beforeEach(() => db.reset());

describe('DynamoCustomerResponseStore.viewOffer', () => {
  it('reads the offer and bumps only its counter item, conditioned on the counter existing', async () => {
    db.answers.getItem = () => ({ Item: offerToItem(offer()) });
    db.answers.updateItem = () => ({ Attributes: { views: 5 } });

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual({ ...offer(), views: 5 });
    expect(db.calls.getItem).toEqual([{ TableName: 'Table', Key: offerKey, ConsistentRead: true }]);
    expect(db.calls.updateItem).toEqual([
      expect.objectContaining({
        TableName: 'Table',
        Key: counterKey,
        UpdateExpression: 'ADD #views :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ]);
    expect(db.calls.transactWriteItems).toHaveLength(0);
  });

  it('does not count a view when told not to (link previewers)', async () => {
    db.answers.getItem = () => ({ Item: offerToItem(offer()) });

    const viewed = await store().store.viewOffer(SUMMARY_ID, false);

    expect(viewed?.summaryId).toBe(SUMMARY_ID);
    expect(db.calls.updateItem).toHaveLength(0);
  });

  it.each([
    // What DynamoDB answers an UpdateItem on an item an accept transaction holds: clients do not retry it.
    ['a transaction conflict', 'TransactionConflictException'],
    // What DynamoDbLite throws once its own retries are spent.
    ['throttling', 'ProvisionedThroughputExceededException'],
    ['a timeout', 'TimeoutError'],
  ])('still returns the offer when counting fails with %s', async (_label, name) => {
    db.answers.getItem = () => ({ Item: offerToItem(offer()) });
    db.answers.updateItem = failure(name);

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
    expect(db.calls.updateItem).toHaveLength(1);
  });

  it('answers an unknown code with undefined and writes nothing', async () => {
    db.answers.updateItem = failure('ConditionalCheckFailedException');

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toBeUndefined();
    // Only the conditioned update, which wrote nothing; no fallback creates a counter.
    expect(db.calls.updateItem).toHaveLength(1);
  });
});

describe('DynamoCustomerResponseStore.accept under contention', () => {
  it('retries a transaction conflict and records the acceptance', async () => {
    const { store: responses, sleeps } = store();
    db.answers.transactWriteItems = inTurn(
      canceled('TransactionConflict', 'None'),
      canceled('TransactionConflict', 'None'),
      () => undefined,
    );

    const outcome = await responses.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(db.calls.transactWriteItems).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it(`gives up with OfferBusyError after ${MAX_CONFLICT_ATTEMPTS} conflicting attempts`, async () => {
    // No backoff at all, so the time budget is not what stops it.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { store: responses } = store();
    db.answers.transactWriteItems = canceled('TransactionConflict', 'None');

    const outcome = responses.accept(acceptance(), 'p-1', NOW);

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    await expect(outcome).rejects.toMatchObject({ attempts: MAX_CONFLICT_ATTEMPTS, retryAfterSeconds: 2 });
    expect(db.calls.transactWriteItems).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it(`gives up with OfferBusyError once ${CONFLICT_BUDGET_MS} ms have gone, however few the attempts`, async () => {
    const { store: responses, clock } = store();
    // Each conflicting transaction takes a second to come back.
    db.answers.transactWriteItems = () => {
      clock.now += 1_000;
      return canceled('TransactionConflict', 'None')();
    };

    await expect(responses.accept(acceptance(), 'p-1', NOW)).rejects.toBeInstanceOf(OfferBusyError);

    expect(db.calls.transactWriteItems.length).toBeLessThan(MAX_CONFLICT_ATTEMPTS);
    expect(clock.now).toBeLessThanOrEqual(CONFLICT_BUDGET_MS + 1_000);
  });

  it('gives up on declines the same way', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { store: responses } = store();
    db.answers.transactWriteItems = canceled('None', 'TransactionConflict');

    const outcome = responses.decline(
      { summaryId: SUMMARY_ID, submissionId: acceptance().submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    expect(db.calls.transactWriteItems).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it('does not retry other failures', async () => {
    const { store: responses } = store();
    db.answers.transactWriteItems = failure('ProvisionedThroughputExceededException');

    await expect(responses.accept(acceptance(), 'p-1', NOW)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(db.calls.transactWriteItems).toHaveLength(1);
  });
});

describe('DynamoCustomerResponseStore.accept outcomes', () => {
  it('writes the offer counter under the offer-is-active condition, the record and the submission claim, in one transaction', async () => {
    const outcome = await store().store.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    const [write] = db.calls.transactWriteItems;
    expect(write?.TransactItems).toHaveLength(3);
    expect(write?.TransactItems[0]).toEqual({
      Update: expect.objectContaining({
        TableName: 'Table',
        Key: offerKey,
        UpdateExpression: 'ADD #counter :one',
        ConditionExpression: expect.stringContaining('acceptances < maxAcceptances'),
        ExpressionAttributeNames: { '#counter': 'acceptances' },
        ExpressionAttributeValues: { ':one': 1, ':now': NOW.toISOString() },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    });
    expect(putAt(write, 1)).toEqual({
      TableName: 'Table',
      Item: acceptanceToItem(acceptance(), 'p-1'),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    // One claim per submission, whatever the answer: a decline with the same submission would
    // fail on this item.
    expect(putAt(write, 2)).toEqual({
      TableName: 'Table',
      Item: {
        PK: offerKey.PK,
        SK: `SUBMISSION#${acceptance().submissionId}`,
        entity: 'submission',
        kind: 'acceptance',
        submissionId: acceptance().submissionId,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  // Cancellation reasons carry the failed items marshalled, as DynamoDB (and the SDK) hand them over.
  it('answers a replayed submission with the first record, unchanged', async () => {
    const first = { ...acceptance(), companyName: 'First Try Ltd' };
    db.answers.transactWriteItems = failure('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed' }],
    });
    db.answers.getItem = ({ Key }) =>
      Key.SK === `SUBMISSION#${first.submissionId}`
        ? { Item: { ...Key, entity: 'submission', kind: 'acceptance' } }
        : Key.SK === `ACCEPT#${first.submissionId}`
          ? { Item: { ...acceptanceToItem(first, 'p-1') } }
          : {};

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({
      kind: 'replayed',
      response: { kind: 'acceptance', acceptance: first },
    });
  });

  it('answers a decline of a submission that was accepted with the acceptance', async () => {
    const accepted = acceptance();
    db.answers.transactWriteItems = failure('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
    });
    db.answers.getItem = ({ Key }) =>
      Key.SK === `SUBMISSION#${accepted.submissionId}`
        ? { Item: { ...Key, entity: 'submission', kind: 'acceptance' } }
        : Key.SK === `ACCEPT#${accepted.submissionId}`
          ? { Item: { ...acceptanceToItem(accepted, 'p-1') } }
          : {};

    const outcome = await store().store.decline(
      { summaryId: accepted.summaryId, submissionId: accepted.submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    expect(outcome).toEqual({ kind: 'replayed', response: { kind: 'acceptance', acceptance: accepted } });
  });

  it('answers an offer that no longer takes answers with its stored state', async () => {
    const closed = { ...offer(), deactivatedAt: '2026-11-20T00:00:00.000Z', acceptances: 3 };
    db.answers.transactWriteItems = failure('TransactionCanceledException', {
      CancellationReasons: [
        { Code: 'ConditionalCheckFailed', Item: marshall(offerToItem(closed), { removeUndefinedValues: true }) },
        { Code: 'None' },
      ],
    });

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({ kind: 'not-active', offer: closed });
  });

  it('answers an unknown offer (condition failed, no old item) with not-found', async () => {
    db.answers.transactWriteItems = canceled('ConditionalCheckFailed', 'None');

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({ kind: 'not-found' });
  });
});
