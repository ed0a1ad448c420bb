import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoCustomerResponseStore, MAX_CONFLICT_ATTEMPTS } from '../../shared/db/customer-responses.ts';
import { offerKeys, offerToItem, offerViewsKeys } from '../../shared/db/offers.ts';
import { type Acceptance, OfferBusyError } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';

const SUMMARY_ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';
const NOW = new Date('2026-11-24T12:00:00.000Z');

function offer(): Offer {
  return {
    summaryId: SUMMARY_ID,
    partnerId: 'p-1',
    officeId: 'o-1',
    officeName: 'HQ',
    usageLocation: 'BR',
    items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }],
    delegatedAdmin: false,
    locale: 'en',
    customization: {},
    partner: { name: 'Fabrikam', advisorCode: '4400001', contact: { name: 'Pat', email: 'pat@example.com' } },
    createdAt: '2026-11-01T00:00:00.000Z',
    views: 0,
    acceptances: 0,
    declines: 0,
  };
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

function canceled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const ddb = mockClient(DynamoDBDocumentClient);

function store(): { store: DynamoCustomerResponseStore; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  return {
    store: new DynamoCustomerResponseStore(
      { client, name: 'Table' },
      {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      },
    ),
    sleeps,
  };
}

const offerKey = { PK: offerKeys.pk(SUMMARY_ID), SK: offerKeys.sk() };
const counterKey = { PK: offerViewsKeys.pk(SUMMARY_ID), SK: offerViewsKeys.sk() };

beforeEach(() => ddb.reset());

describe('DynamoCustomerResponseStore.viewOffer', () => {
  it('reads the offer and bumps only its counter item, conditioned on the counter existing', async () => {
    ddb.on(GetCommand).resolves({ Item: offerToItem(offer()) });
    ddb.on(UpdateCommand).resolves({ Attributes: { views: 5 } });

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual({ ...offer(), views: 5 });
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ Key: offerKey, ConsistentRead: true }),
    ]);
    const updates = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input as UpdateCommandInput);
    expect(updates).toEqual([
      expect.objectContaining({
        Key: counterKey,
        UpdateExpression: 'ADD #views :one',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    ]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('does not count a view when told not to (link previewers)', async () => {
    ddb.on(GetCommand).resolves({ Item: offerToItem(offer()) });

    const viewed = await store().store.viewOffer(SUMMARY_ID, false);

    expect(viewed?.summaryId).toBe(SUMMARY_ID);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it.each([
    // What DynamoDB answers an UpdateItem on an item an accept transaction holds: the SDK does not retry it.
    ['a transaction conflict', new TransactionConflictException({ message: 'conflict', $metadata: {} })],
    ['throttling', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} })],
  ])('still returns the offer when counting fails with %s', async (_label, failure) => {
    ddb.on(GetCommand).resolves({ Item: offerToItem(offer()) });
    ddb.on(UpdateCommand).rejects(failure);

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toEqual(offer());
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('answers an unknown code with undefined and writes nothing', async () => {
    ddb.on(GetCommand).resolves({});
    ddb
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed).toBeUndefined();
    // Only the conditioned update, which wrote nothing; no fallback creates a counter.
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('gives an offer stored before counter items its counter on its first view', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...offerToItem(offer()), views: 7 } });
    ddb
      .on(UpdateCommand, { ConditionExpression: 'attribute_exists(PK)' })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    ddb
      .on(UpdateCommand, { UpdateExpression: 'ADD #views :one SET entity = :entity, summaryId = :summaryId' })
      .resolves({
        Attributes: { views: 1 },
      });

    const viewed = await store().store.viewOffer(SUMMARY_ID, true);

    expect(viewed?.views).toBe(8);
    const fallback = ddb.commandCalls(UpdateCommand)[1]?.args[0].input as UpdateCommandInput;
    expect(fallback).toMatchObject({ Key: counterKey });
    expect(fallback.ConditionExpression).toBeUndefined();
  });
});

describe('DynamoCustomerResponseStore.accept under contention', () => {
  it('retries a transaction conflict and records the acceptance', async () => {
    const { store: responses, sleeps } = store();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .resolves({});

    const outcome = await responses.accept(acceptance(), 'p-1', NOW);

    expect(outcome).toEqual({ kind: 'recorded', record: acceptance() });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it(`gives up with OfferBusyError after ${MAX_CONFLICT_ATTEMPTS} conflicting attempts`, async () => {
    const { store: responses } = store();
    ddb.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None'));

    const outcome = responses.accept(acceptance(), 'p-1', NOW);

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    await expect(outcome).rejects.toMatchObject({ attempts: MAX_CONFLICT_ATTEMPTS, retryAfterSeconds: 2 });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it('gives up on declines the same way', async () => {
    const { store: responses } = store();
    ddb.on(TransactWriteCommand).rejects(canceled('None', 'TransactionConflict'));

    const outcome = responses.decline(
      { summaryId: SUMMARY_ID, submissionId: acceptance().submissionId, declinedAt: NOW.toISOString() },
      'p-1',
      NOW,
    );

    await expect(outcome).rejects.toBeInstanceOf(OfferBusyError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(MAX_CONFLICT_ATTEMPTS);
  });

  it('does not retry other failures', async () => {
    const { store: responses } = store();
    ddb.on(TransactWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'x', $metadata: {} }));

    await expect(responses.accept(acceptance(), 'p-1', NOW)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
