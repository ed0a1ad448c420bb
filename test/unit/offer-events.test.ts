import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher, LogEventPublisher, publisherFromEnv } from '../../functions/offer-events/publisher.ts';
import { acceptanceToItem, declineToItem, offerEventFromItem } from '../../shared/db/customer-responses.ts';
import type { Acceptance, Decline, OfferEvent } from '../../shared/domain/acceptance.ts';
import type { WebhookFanOut } from '../../shared/webhooks/fan-out.ts';

const eventBridge = mockClient(EventBridgeClient);

function aDecline(overrides: Partial<Decline> = {}): Decline {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: 'sub-1',
    reason: 'No budget',
    declinedAt: '2026-11-24T00:00:00.000Z',
    ...overrides,
  };
}

function anAcceptance(overrides: Partial<Acceptance> = {}): Acceptance {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: 'sub-2',
    companyName: 'Fabrikam Ltda',
    contactName: 'Ana Souza',
    email: 'ana@fabrikam.example',
    items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 12 }],
    delegatedAdmin: true,
    acceptedAt: '2026-11-24T00:00:01.000Z',
    ...overrides,
  };
}

const declined = (n: number): OfferEvent => ({
  type: 'OfferDeclined',
  partnerId: 'p-1',
  decline: aDecline({ submissionId: `sub-${n}` }),
});

beforeEach(() => eventBridge.reset());

describe('EventBridge publisher', () => {
  it('publishes to the configured bus with the event type as detail type', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const decline = aDecline();

    // Act
    const failed = await new EventBridgePublisher('offers-bus').publish([
      { type: 'OfferDeclined', partnerId: 'p-1', decline },
    ]);

    // Assert
    expect(failed).toEqual([]);
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    const entry = call?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'offers-bus', Source: 'purchase-offers', DetailType: 'OfferDeclined' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({ partnerId: 'p-1', decline });
  });

  it('sends at most ten entries a request, in order', async () => {
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => ({
      FailedEntryCount: 0,
      Entries: Entries.map(() => ({ EventId: 'x' })),
    }));
    const events = Array.from({ length: 23 }, (_, n) => declined(n));

    await new EventBridgePublisher('offers-bus').publish(events);

    const sizes = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
    const order = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.Detail ?? '{}').decline.submissionId);
    expect(order).toEqual(events.map((event) => (event.type === 'OfferDeclined' ? event.decline.submissionId : '')));
  });

  it('reports the indexes of the entries EventBridge rejected', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: Array.from({ length: 10 }, () => ({ EventId: 'x' })) })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'y' }, { ErrorCode: 'InternalFailure' }] });
    const events = Array.from({ length: 12 }, (_, n) => declined(n));

    await expect(new EventBridgePublisher('offers-bus').publish(events)).resolves.toEqual([11]);
  });

  it('logs events locally when no bus is configured', async () => {
    expect(publisherFromEnv({})).toBeInstanceOf(LogEventPublisher);
    expect(publisherFromEnv({ EVENT_BUS_NAME: 'bus' })).toBeInstanceOf(EventBridgePublisher);
    await expect(new LogEventPublisher().publish([declined(1)])).resolves.toEqual([]);
  });
});

describe('events from stored items', () => {
  it('turns an acceptance item into OfferAccepted with its partner', () => {
    const acceptance = anAcceptance();
    const item = acceptanceToItem(acceptance, 'p-9');
    expect(offerEventFromItem(item)).toEqual({ type: 'OfferAccepted', partnerId: 'p-9', acceptance });
  });

  it('turns a decline item into OfferDeclined with its partner', () => {
    const decline = aDecline();
    const item = declineToItem(decline, 'p-9');
    expect(offerEventFromItem(item)).toEqual({ type: 'OfferDeclined', partnerId: 'p-9', decline });
  });

  it('ignores other items', () => {
    expect(offerEventFromItem({ PK: 'OFFER#X', SK: 'OFFER', entity: 'offer', partnerId: 'p-9' })).toBeUndefined();
  });
});

describe('offerEvents handler (stream → bus)', () => {
  let sequence = 0;
  function streamRecord(item: object, eventName: DynamoDBRecord['eventName'] = 'INSERT') {
    sequence += 1;
    return {
      eventName,
      dynamodb: { SequenceNumber: String(sequence), NewImage: marshall(item as Record<string, unknown>) as never },
    } satisfies DynamoDBRecord;
  }

  async function loadHandler() {
    process.env.EVENT_BUS_NAME = 'offers-bus';
    const module = await import('../../functions/offer-events/handler.ts');
    return module.handler;
  }

  it('publishes new acceptances and declines, skips other changes and reports nothing failed', async () => {
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => ({
      FailedEntryCount: 0,
      Entries: Entries.map(() => ({ EventId: 'x' })),
    }));
    const handler = await loadHandler();
    const event: DynamoDBStreamEvent = {
      Records: [
        streamRecord(acceptanceToItem(anAcceptance(), 'p-1')),
        streamRecord({ PK: 'OFFER#X', SK: 'OFFER', entity: 'offer', partnerId: 'p-1' }),
        streamRecord(declineToItem(aDecline(), 'p-1'), 'MODIFY'),
        streamRecord(declineToItem(aDecline(), 'p-1')),
      ],
    };

    const result = await handler(event);

    expect(result).toEqual({ batchItemFailures: [] });
    const types = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => entry.DetailType);
    expect(types).toEqual(['OfferAccepted', 'OfferDeclined']);
  });

  it('sends the whole acceptance evidence snapshot as OfferAccepted’s detail', async () => {
    // Arrange
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const handler = await loadHandler();
    const acceptance = anAcceptance({
      firstName: 'Ana',
      lastName: 'Souza',
      phone: '+55 11 4000-0000',
      jobTitle: 'CFO',
      purchaseOrder: 'PO-77',
      items: [
        {
          sku: 'M365_BUSINESS_STANDARD',
          name: 'Microsoft 365 Business Standard',
          licenses: 12,
          term: 'P1Y',
          billingFrequency: 'monthly',
          unitPrice: { currency: 'USD', monthlyUnitMinor: 1313, perBillingPeriodMinor: 1313, billingPeriodMonths: 1 },
        },
      ],
      catalogVersion: '2026-11-01',
      priceListVersion: 'US-2026-07-01',
      disclosureVersion: '2026-11-30',
      customerAgreement: {
        agreementUrl: 'https://aka.ms/customeragreement',
        dateAgreed: '2026-11-24',
        primaryContact: {
          firstName: 'Ana',
          lastName: 'Souza',
          email: 'ana@fabrikam.example',
          phone: '+55 11 4000-0000',
        },
      },
    });

    // Act
    await handler({ Records: [streamRecord(acceptanceToItem(acceptance, 'p-1'))] });

    // Assert: through the stream's DynamoDB JSON and back, nothing of the snapshot is lost.
    const [entry] = eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entry?.DetailType).toBe('OfferAccepted');
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({ partnerId: 'p-1', acceptance });
  });

  it('reports the records whose events were rejected, so Lambda retries them', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: 'x' }, { ErrorCode: 'ThrottlingException' }],
    });
    const handler = await loadHandler();
    const first = streamRecord(acceptanceToItem(anAcceptance(), 'p-1'));
    const second = streamRecord(declineToItem(aDecline(), 'p-1'));

    const result = await handler({ Records: [first, second] });

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: second.dynamodb.SequenceNumber }] });
  });

  it('reads the partner of a views counter once per summary ID in a batch, and fans out each first view', async () => {
    // Arrange
    const { createHandler } = await import('../../functions/offer-events/handler.ts');
    const partnerReads: string[] = [];
    const partnerOfOffer = async (summaryId: string) => {
      partnerReads.push(summaryId);
      return `partner-of-${summaryId}`;
    };
    const queued: string[] = [];
    const fanOut = {
      fanOut: async (partnerId: string, event: { type: string; data: unknown }) => {
        queued.push(`${partnerId} ${event.type}`);
        return 1;
      },
    } as unknown as WebhookFanOut;
    const firstView = (summaryId: string) => {
      sequence += 1;
      return {
        eventName: 'MODIFY',
        dynamodb: {
          SequenceNumber: String(sequence),
          OldImage: marshall({ entity: 'offerViews', summaryId, views: 0 }) as never,
          NewImage: marshall({ entity: 'offerViews', summaryId, views: 1 }) as never,
        },
      };
    };
    const handler = createHandler(
      new LogEventPublisher(),
      () => fanOut,
      partnerOfOffer,
      () => undefined,
    );

    // Act: the same first view twice (a replayed record) and another offer's first view.
    const result = await handler({
      Records: [firstView('S-1'), firstView('S-1'), firstView('S-2')] as DynamoDBRecord[],
    });

    // Assert
    expect(result).toEqual({ batchItemFailures: [] });
    expect(partnerReads).toEqual(['S-1', 'S-2']);
    expect(queued).toEqual([
      'partner-of-S-1 offer.viewed',
      'partner-of-S-1 offer.viewed',
      'partner-of-S-2 offer.viewed',
    ]);
  });
});

describe('offer.viewed from the views counter', () => {
  it('fires when the counter leaves 0 by a batch, dated by the first view (not by the counting)', async () => {
    const { offerChangeEvents } = await import('../../functions/offer-events/webhooks.ts');
    const change = {
      eventName: 'MODIFY' as const,
      entity: 'offerViews' as const,
      oldItem: { entity: 'offerViews', summaryId: 'S-1', views: 0 },
      newItem: { entity: 'offerViews', summaryId: 'S-1', views: 7, firstViewedAt: '2026-11-30T10:00:01.000Z' },
      at: '2026-11-30T10:00:04.000Z',
    };

    const events = offerChangeEvents(change, 'https://offers.example.com');
    const later = offerChangeEvents(
      { ...change, oldItem: change.newItem, newItem: { ...change.newItem, views: 12 } },
      'https://offers.example.com',
    );

    expect(events.map(({ type, createdAt, data }) => ({ type, createdAt, data }))).toEqual([
      {
        type: 'offer.viewed',
        createdAt: '2026-11-30T10:00:01.000Z',
        data: { summaryId: 'S-1', viewedAt: '2026-11-30T10:00:01.000Z' },
      },
    ]);
    expect(later).toEqual([]);
  });
});
