import { jest } from '@jest/globals';
import {
  acceptanceToItem,
  CONFLICT_BUDGET_MS,
  DynamoCustomerResponseStore,
  declineToItem,
  MAX_CONFLICT_ATTEMPTS,
  VIEW_CACHE_MS,
} from '../../shared/db/customer-responses.ts';
import { DynamoDbError } from '../../shared/db/dynamodb-lite.ts';
import { OFFER_OPEN_CONDITION, offerCountersKeys, offerKeys, offerToItem } from '../../shared/db/offers.ts';
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
const countersKey = { PK: offerCountersKeys.pk(SUMMARY_ID), SK: offerCountersKeys.sk() };

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

/** A view recorder that keeps what it was asked to record; `answer` decides how it answers. */
function recorder(answer: () => Promise<void> = async () => undefined) {
  const recorded: string[] = [];
  return {
    recorded,
    record: (summaryId: string) => {
      recorded.push(summaryId);
      return answer();
    },
  };
}

/** A store that records views through `views`, on a clock the test moves (ms). */
function viewingStore(views: ReturnType<typeof recorder>, viewWaitMs = 50) {
  const clock = { now: 0 };
  return {
    store: new DynamoCustomerResponseStore(db, { views, viewWaitMs, clock: () => clock.now }),
    clock,
  };
}

describe('DynamoCustomerResponseStore.viewOffer', () => {
  it('reads the offer eventually consistent and records the view, writing neither the offer nor a counter', async () => {
    db.answers.get = () => offerToItem(offer());
    const views = recorder();

    const viewed = await viewingStore(views).store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
    expect(db.calls.get).toEqual([{ Key: offerKey }]);
    expect(views.recorded).toEqual([SUMMARY_ID]);
    expect(db.writes()).toHaveLength(0);
  });

  it('reads strongly consistent when the eventually consistent read misses (a link opened right after creation)', async () => {
    db.answers.get = (input) => (input.ConsistentRead ? offerToItem(offer()) : undefined);

    const viewed = await viewingStore(recorder()).store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
    expect(db.calls.get).toEqual([{ Key: offerKey }, { Key: offerKey, ConsistentRead: true }]);
  });

  it('records no view when told not to (link previewers)', async () => {
    db.answers.get = () => offerToItem(offer());
    const views = recorder();

    const viewed = await viewingStore(views).store.viewOffer(SUMMARY_ID, false);

    expect(viewed?.summaryId).toBe(SUMMARY_ID);
    expect(views.recorded).toEqual([]);
  });

  it('answers an unknown code with undefined and records no view', async () => {
    const views = recorder();

    const viewed = await viewingStore(views).store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toBeUndefined();
    expect(views.recorded).toEqual([]);
    expect(db.writes()).toHaveLength(0);
  });

  it('reuses the offer for VIEW_CACHE_MS, then reads it again', async () => {
    db.answers.get = () => offerToItem(offer());
    const views = recorder();
    const { store: viewing, clock } = viewingStore(views);

    await viewing.viewOffer(SUMMARY_ID, true);
    clock.now += VIEW_CACHE_MS - 1;
    await viewing.viewOffer(SUMMARY_ID, true);
    const readsWithinThePeriod = db.calls.get.length;
    clock.now += 1;
    await viewing.viewOffer(SUMMARY_ID, true);

    expect(readsWithinThePeriod).toBe(1);
    expect(db.calls.get).toHaveLength(2);
    expect(views.recorded).toEqual([SUMMARY_ID, SUMMARY_ID, SUMMARY_ID]);
  });

  it.each([
    ['fails', () => Promise.reject(new DynamoDbError('ProvisionedThroughputExceededException', 'x'))],
    ['never answers', () => new Promise<void>(() => undefined)],
  ])('still returns the offer when recording the view %s', async (_label, answer) => {
    db.answers.get = () => offerToItem(offer());

    const viewed = await viewingStore(recorder(answer), 5).store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
  });
});

describe('DynamoCustomerResponseStore.readOffer', () => {
  it('reads the offer strongly consistent every time (answers check what is stored now)', async () => {
    db.answers.get = () => offerToItem(offer());
    const reader = viewingStore(recorder()).store;

    await reader.readOffer(SUMMARY_ID);
    const read = await reader.readOffer(SUMMARY_ID);

    expect(read).toEqual(offer());
    expect(db.calls.get).toEqual([
      { Key: offerKey, ConsistentRead: true },
      { Key: offerKey, ConsistentRead: true },
    ]);
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
  it('checks the offer item is open without writing it, counts on the counters item, puts the record and the claim, in one transaction', async () => {
    const outcome = await store().store.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(db.calls.transactWrite).toHaveLength(1);
    const [write] = db.calls.transactWrite;
    expect(write).toHaveLength(4);
    // The offer item (and so every index entry) is not written: only a condition is checked on it.
    expect(write?.[0]).toEqual({
      ConditionCheck: {
        Key: offerKey,
        ConditionExpression: OFFER_OPEN_CONDITION,
        ExpressionAttributeValues: { ':now': NOW.toISOString() },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    // No maximum given: the counters item must have no `remaining` (an unlimited offer).
    expect(updateAt(write, 1)).toEqual({
      Key: countersKey,
      UpdateExpression: 'ADD acceptances :one',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(remaining)',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(putAt(write, 2)).toEqual({
      Item: acceptanceToItem(acceptance(), 'p-1'),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    // One claim per submission, whatever the answer: a decline with the same submission would
    // fail on this item.
    expect(putAt(write, 3)).toEqual({
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

  it('for a limited offer takes a remaining place, and only the last place marks the offer item exhausted', async () => {
    await store().store.accept(acceptance(), 'p-1', NOW, { maxAcceptances: 3, acceptances: 1 });
    await store().store.accept(acceptance(), 'p-1', NOW, { maxAcceptances: 3, acceptances: 2 });

    const [notLast, last] = db.calls.transactWrite;
    expect(notLast?.[0]).toHaveProperty('ConditionCheck');
    expect(updateAt(notLast, 1)).toMatchObject({
      UpdateExpression: 'ADD acceptances :one, remaining :minusOne',
      ConditionExpression: 'remaining > :one',
      ExpressionAttributeValues: { ':one': 1, ':minusOne': -1 },
    });
    expect(updateAt(last, 0)).toEqual({
      Key: offerKey,
      UpdateExpression: 'SET exhaustedAt = :now REMOVE GSI2PK, GSI2SK',
      ConditionExpression: OFFER_OPEN_CONDITION,
      ExpressionAttributeValues: { ':now': NOW.toISOString() },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(updateAt(last, 1)).toMatchObject({ ConditionExpression: 'remaining = :one' });
  });

  it('retries as the last acceptance when another one took the place before it (remaining 1)', async () => {
    db.answers.transactWrite = inTurn(
      cancelledWith({ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { ...countersKey, remaining: 1 } }),
      () => undefined,
    );

    const outcome = await store().store.accept(acceptance(), 'p-1', NOW, { maxAcceptances: 5, acceptances: 0 });

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(db.calls.transactWrite).toHaveLength(2);
    expect(updateAt(db.calls.transactWrite[1], 0)?.UpdateExpression).toContain('SET exhaustedAt = :now');
    expect(updateAt(db.calls.transactWrite[1], 1)?.ConditionExpression).toBe('remaining = :one');
  });

  it('answers an exhausted offer (no remaining place) with its state, writing nothing', async () => {
    const full = { ...offer(), maxAcceptances: 2 };
    db.answers.transactWrite = cancelledWith(
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Item: { ...countersKey, acceptances: 2, declines: 0, remaining: 0 } },
    );
    db.answers.get = ({ Key }: GetInput) => (Key.SK === 'OFFER' ? (offerToItem(full) as unknown as Item) : undefined);

    const outcome = await store().store.accept(acceptance(), 'p-1', NOW, { maxAcceptances: 2, acceptances: 1 });

    expect(outcome).toEqual({ kind: 'not-active', offer: { ...full, acceptances: 2 } });
    expect(db.calls.transactWrite).toHaveLength(1);
  });

  it('declines on the counters item under "a place remains", never writing the offer item', async () => {
    await store().store.decline(
      { summaryId: SUMMARY_ID, submissionId: acceptance().submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    const [write] = db.calls.transactWrite;
    expect(write?.[0]).toHaveProperty('ConditionCheck');
    expect(updateAt(write, 1)).toMatchObject({
      Key: countersKey,
      UpdateExpression: 'ADD declines :one',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(remaining) OR remaining > :zero)',
    });
  });

  // The adapters hand cancellation reasons over with the failed items unmarshalled (their own tests
  // check that translation): the store reads plain items.
  it('answers a replayed submission with the first record, unchanged', async () => {
    const first = { ...acceptance(), companyName: 'First Try Ltd' };
    db.answers.transactWrite = canceled('None', 'None', 'ConditionalCheckFailed', 'ConditionalCheckFailed');
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
    db.answers.transactWrite = canceled('None', 'None', 'None', 'ConditionalCheckFailed');
    db.answers.get = storedAnswer(accepted.submissionId, acceptanceToItem(accepted, 'p-1'));

    const outcome = await store().store.decline(
      { summaryId: accepted.summaryId, submissionId: accepted.submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    expect(outcome).toEqual({ kind: 'replayed', response: { kind: 'acceptance', acceptance: accepted } });
  });

  it('answers an offer that no longer takes answers with its stored state', async () => {
    // The offer item holds no counts (they are on the counters item): the answer needs its status.
    const closed = { ...offer(), deactivatedAt: '2026-11-20T00:00:00.000Z' };
    db.answers.transactWrite = cancelledWith(
      { Code: 'ConditionalCheckFailed', Item: offerToItem(closed) as unknown as Item },
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'None' },
    );

    expect(await store().store.accept(acceptance(), 'p-1', NOW)).toEqual({ kind: 'not-active', offer: closed });
  });

  it('creates an older offer’s missing counters item from the offer item, and replans on the one a concurrent answer created', async () => {
    // Arrange: no counters item (an offer stored before it existed); another answer creates it meanwhile.
    const legacyOffer = { ...offerToItem(offer()), acceptances: 1, declines: 4, maxAcceptances: 3 };
    const createdMeanwhile = { ...countersKey, entity: 'offerCounters', acceptances: 2, declines: 4, remaining: 1 };
    db.answers.transactWrite = inTurn(
      cancelledWith({ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }),
      () => undefined,
    );
    db.answers.get = (input) => (input.Key.SK === offerKeys.sk() ? legacyOffer : createdMeanwhile);
    db.answers.put = () => {
      throw new ConditionFailedError();
    };

    // Act
    const outcome = await store().store.accept(acceptance(), 'p-1', NOW, { maxAcceptances: 3, acceptances: 1 });

    // Assert
    expect(outcome.kind).toBe('recorded');
    expect(db.calls.put[0]).toMatchObject({
      Item: { ...countersKey, acceptances: 1, declines: 4, remaining: 2 },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    // The place left is the last one: the retry takes it (remaining = 1) and closes the offer.
    const retried = db.calls.transactWrite[1] ?? [];
    const counters = retried[1];
    expect(counters && 'Update' in counters ? counters.Update.ConditionExpression : '').toBe('remaining = :one');
    expect(retried[0] && 'Update' in retried[0]).toBe(true);
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
