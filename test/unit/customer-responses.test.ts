import { jest } from '@jest/globals';
import {
  acceptanceToItem,
  CONFLICT_BUDGET_MS,
  DynamoCustomerResponseStore,
  declineToItem,
  MAX_CONFLICT_ATTEMPTS,
} from '../../shared/db/customer-responses.ts';
import { DynamoDbError } from '../../shared/db/dynamodb-lite.ts';
import { offerKeys, offerToItem, offerViewsKeys } from '../../shared/db/offers.ts';
import {
  type CancellationReason,
  ConditionFailedError,
  type GetInput,
  type Item,
  TransactionCanceledError,
} from '../../shared/db/port.ts';
import { type Acceptance, type Decline, OfferBusyError } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { FakeTable, inTurn, putAt, updateAt } from '../support/fake-table.ts';
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

/** A DynamoDB failure other than the port's own, as an adapter (here DynamoDbLite) throws it. */
function failure(name: string): () => never {
  return () => {
    throw new DynamoDbError(name, name, { statusCode: 400 });
  };
}

/** A failed condition, as both adapters translate ConditionalCheckFailedException. */
function conditionFailed(): () => never {
  return () => {
    throw new ConditionFailedError();
  };
}

/** A cancelled transaction with these reasons, in request order (items plain, as the port has them). */
function cancelledWith(...reasons: CancellationReason[]): () => never {
  return () => {
    throw new TransactionCanceledError(reasons);
  };
}

function canceled(...codes: string[]): () => never {
  return cancelledWith(...codes.map((Code) => ({ Code })));
}

const db = new FakeTable();
afterEach(() => jest.restoreAllMocks());

/** A store whose backoff sleeps only move a fake clock (`clock.now`, which tests may move too). */
function store(): { store: DynamoCustomerResponseStore; sleeps: number[]; clock: { now: number } } {
  const sleeps: number[] = [];
  const clock = { now: 0 };
  return {
    store: new DynamoCustomerResponseStore(db, {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.now += ms;
      },
      clock: () => clock.now,
    }),
    sleeps,
    clock,
  };
}

const offerKey = { PK: offerKeys.pk(SUMMARY_ID), SK: offerKeys.sk() };
const counterKey = { PK: offerViewsKeys.pk(SUMMARY_ID), SK: offerViewsKeys.sk() };

/** The table holds an acceptance recorded for `submissionId`, and the claim naming it. */
function storedAnswer(submissionId: string, acceptanceItem: object) {
  return ({ Key }: GetInput): Item | undefined =>
    Key.SK === `SUBMISSION#${submissionId}`
      ? { ...Key, entity: 'submission', kind: 'acceptance', submissionId }
      : Key.SK === `ACCEPT#${submissionId}`
        ? { ...acceptanceItem }
        : undefined;
}

beforeEach(() => db.reset());

describe('DynamoCustomerResponseStore.viewOffer', () => {
  it('reads the offer and bumps only its counter item, conditioned on the counter existing', async () => {
    db.answers.get = () => offerToItem(offer());
    db.answers.update = () => ({ views: 5 });

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual({ ...offer(), views: 5 });
    expect(db.calls.get).toEqual([{ Key: offerKey, ConsistentRead: true }]);
    expect(db.calls.update).toEqual([
      {
        Key: counterKey,
        UpdateExpression: 'ADD #views :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#views': 'views' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      },
    ]);
    expect(db.calls.transactWrite).toHaveLength(0);
  });

  it('does not count a view when told not to (link previewers)', async () => {
    db.answers.get = () => offerToItem(offer());

    const viewed = await store().store.viewOffer(SUMMARY_ID, false);

    expect(viewed?.summaryId).toBe(SUMMARY_ID);
    expect(db.calls.update).toHaveLength(0);
  });

  it.each([
    // What DynamoDB answers an UpdateItem on an item an accept transaction holds: clients do not retry it.
    ['a transaction conflict', 'TransactionConflictException'],
    // What DynamoDbLite throws once its own retries are spent.
    ['throttling', 'ProvisionedThroughputExceededException'],
    ['a timeout', 'TimeoutError'],
  ])('still returns the offer when counting fails with %s', async (_label, name) => {
    db.answers.get = () => offerToItem(offer());
    db.answers.update = failure(name);

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
    expect(db.calls.update).toHaveLength(1);
  });

  it('answers an unknown code with undefined and writes nothing', async () => {
    db.answers.update = conditionFailed();

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toBeUndefined();
    // Only the conditioned update, which wrote nothing; no fallback creates a counter.
    expect(db.writes()).toHaveLength(1);
    expect(db.calls.update).toHaveLength(1);
  });
});

describe('DynamoCustomerResponseStore.accept under contention', () => {
  it('retries a transaction conflict and records the acceptance', async () => {
    const { store: responses, sleeps } = store();
    db.answers.transactWrite = inTurn(
      canceled('TransactionConflict', 'None'),
      canceled('TransactionConflict', 'None'),
      () => undefined,
    );

    const outcome = await responses.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(db.calls.transactWrite).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it(`gives up with OfferBusyError after ${MAX_CONFLICT_ATTEMPTS} conflicting attempts`, async () => {
    // No backoff at all, so the time budget is not what stops it.
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { store: responses } = store();
    db.answers.transactWrite = canceled('TransactionConflict', 'None');

    const outcome = responses.accept(acceptance(), 'p-1', NOW);

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    await expect(outcome).rejects.toMatchObject({ attempts: MAX_CONFLICT_ATTEMPTS, retryAfterSeconds: 2 });
    expect(db.calls.transactWrite).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it(`gives up with OfferBusyError once ${CONFLICT_BUDGET_MS} ms have gone, however few the attempts`, async () => {
    const { store: responses, clock } = store();
    // Each conflicting transaction takes a second to come back.
    db.answers.transactWrite = () => {
      clock.now += 1_000;
      return canceled('TransactionConflict', 'None')();
    };

    await expect(responses.accept(acceptance(), 'p-1', NOW)).rejects.toBeInstanceOf(OfferBusyError);

    expect(db.calls.transactWrite.length).toBeLessThan(MAX_CONFLICT_ATTEMPTS);
    expect(clock.now).toBeLessThanOrEqual(CONFLICT_BUDGET_MS + 1_000);
  });

  it('gives up on declines the same way', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { store: responses } = store();
    db.answers.transactWrite = canceled('None', 'TransactionConflict');

    const outcome = responses.decline(
      { summaryId: SUMMARY_ID, submissionId: acceptance().submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    expect(db.calls.transactWrite).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it('does not retry other failures', async () => {
    const { store: responses } = store();
    db.answers.transactWrite = failure('ProvisionedThroughputExceededException');

    await expect(responses.accept(acceptance(), 'p-1', NOW)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(db.calls.transactWrite).toHaveLength(1);
  });
});

describe('DynamoCustomerResponseStore.accept outcomes', () => {
  it('writes the offer counter under the offer-is-active condition, the record and the submission claim, in one transaction', async () => {
    const outcome = await store().store.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(db.calls.transactWrite).toHaveLength(1);
    const [write] = db.calls.transactWrite;
    expect(write).toHaveLength(3);
    expect(updateAt(write, 0)).toEqual({
      Key: offerKey,
      UpdateExpression: 'ADD #counter :one',
      ConditionExpression: expect.stringContaining('acceptances < maxAcceptances'),
      ExpressionAttributeNames: { '#counter': 'acceptances' },
      ExpressionAttributeValues: { ':one': 1, ':now': NOW.toISOString() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(updateAt(write, 0)?.ConditionExpression).toMatch(/^attribute_exists\(PK\) AND /);
    expect(putAt(write, 1)).toEqual({
      Item: acceptanceToItem(acceptance(), 'p-1'),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    // One claim per submission, whatever the answer: a decline with the same submission would
    // fail on this item.
    expect(putAt(write, 2)).toEqual({
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

  // The adapters hand cancellation reasons over with the failed items unmarshalled (their own tests
  // check that translation): the store reads plain items.
  it('answers a replayed submission with the first record, unchanged', async () => {
    const first = { ...acceptance(), companyName: 'First Try Ltd' };
    db.answers.transactWrite = canceled('None', 'ConditionalCheckFailed', 'ConditionalCheckFailed');
    db.answers.get = storedAnswer(first.submissionId, acceptanceToItem(first, 'p-1'));

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({
      kind: 'replayed',
      response: { kind: 'acceptance', acceptance: first },
    });
    // The claim, then the answer it names, both strongly consistent: a double click's second post
    // must see the first.
    expect(db.calls.get).toEqual([
      { Key: { PK: offerKey.PK, SK: `SUBMISSION#${first.submissionId}` }, ConsistentRead: true },
      { Key: { PK: offerKey.PK, SK: `ACCEPT#${first.submissionId}` }, ConsistentRead: true },
    ]);
    expect(db.calls.transactWrite).toHaveLength(1);
  });

  it('answers a decline of a submission that was accepted with the acceptance', async () => {
    const accepted = acceptance();
    db.answers.transactWrite = canceled('None', 'None', 'ConditionalCheckFailed');
    db.answers.get = storedAnswer(accepted.submissionId, acceptanceToItem(accepted, 'p-1'));

    const outcome = await store().store.decline(
      { summaryId: accepted.summaryId, submissionId: accepted.submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    expect(outcome).toEqual({ kind: 'replayed', response: { kind: 'acceptance', acceptance: accepted } });
  });

  it('answers an offer that no longer takes answers with its stored state', async () => {
    const closed = { ...offer(), deactivatedAt: '2026-11-20T00:00:00.000Z', acceptances: 3 };
    db.answers.transactWrite = cancelledWith(
      { Code: 'ConditionalCheckFailed', Item: offerToItem(closed) as unknown as Item },
      { Code: 'None' },
      { Code: 'None' },
    );

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({ kind: 'not-active', offer: closed });
  });

  it('answers an unknown offer (condition failed, no old item) with not-found', async () => {
    db.answers.transactWrite = canceled('ConditionalCheckFailed', 'None');

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({ kind: 'not-found' });
  });
});

describe('DynamoCustomerResponseStore.listAcceptances', () => {
  const second = { ...acceptance(), submissionId: 'mhx0000000BBBBBBBBBBBBBBBBBBBBBB' };
  /** The item as a Query returns it. */
  const itemOf = (answer: Acceptance): Item => ({ ...acceptanceToItem(answer, 'p-1') });

  it('queries the offer’s acceptances from after the cursor and gives the last submission id as the next cursor', async () => {
    db.answers.query = () => ({
      Items: [itemOf(second)],
      LastEvaluatedKey: { PK: offerKey.PK, SK: `ACCEPT#${second.submissionId}` },
    });

    const page = await store().store.listAcceptances(SUMMARY_ID, { limit: 1, after: acceptance().submissionId });

    expect(page).toEqual({ acceptances: [second], next: second.submissionId });
    expect(db.calls.query).toEqual([
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': offerKey.PK, ':prefix': 'ACCEPT#' },
        Limit: 1,
        ExclusiveStartKey: { PK: offerKey.PK, SK: `ACCEPT#${acceptance().submissionId}` },
      },
    ]);
  });

  it('starts at the first acceptance without a cursor, and gives no next cursor on the last page', async () => {
    db.answers.query = () => ({ Items: [itemOf(acceptance()), itemOf(second)] });

    const page = await store().store.listAcceptances(SUMMARY_ID, { limit: 25 });

    expect(page).toEqual({ acceptances: [acceptance(), second] });
    expect(db.calls.query[0]).not.toHaveProperty('ExclusiveStartKey');
    expect(db.calls.query[0]?.Limit).toBe(25);
  });
});

describe('DynamoCustomerResponseStore.listDeclines', () => {
  const decline = (submissionId: string, reason?: string): Decline => ({
    summaryId: SUMMARY_ID,
    submissionId,
    declinedAt: '2026-11-20T10:00:00.000Z',
    ...(reason !== undefined ? { reason } : {}),
  });
  const first = decline('mhx0000000AAAAAAAAAAAAAAAAAAAAAA', 'Too expensive');
  const second = decline('mhx0000000BBBBBBBBBBBBBBBBBBBBBB');

  it('queries the offer’s declines (not its acceptances) from after the cursor, with reasons as recorded', async () => {
    db.answers.query = () => ({
      Items: [{ ...declineToItem(second, 'p-1') }],
      LastEvaluatedKey: { PK: offerKey.PK, SK: `DECLINE#${second.submissionId}` },
    });

    const page = await store().store.listDeclines(SUMMARY_ID, { limit: 1, after: first.submissionId });

    expect(page).toEqual({ declines: [second], next: second.submissionId });
    expect(db.calls.query).toEqual([
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': offerKey.PK, ':prefix': 'DECLINE#' },
        Limit: 1,
        ExclusiveStartKey: { PK: offerKey.PK, SK: `DECLINE#${first.submissionId}` },
      },
    ]);
  });

  it('gives the declines with their reasons and no next cursor on the last page', async () => {
    db.answers.query = () => ({ Items: [{ ...declineToItem(first, 'p-1') }, { ...declineToItem(second, 'p-1') }] });

    const page = await store().store.listDeclines(SUMMARY_ID, { limit: 50 });

    expect(page).toEqual({ declines: [first, second] });
    expect(page.declines[0]?.reason).toBe('Too expensive');
  });
});
