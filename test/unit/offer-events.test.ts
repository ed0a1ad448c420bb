import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher, LogEventPublisher, publisherFromEnv } from '../../shared/customer/events.ts';
import type { Decline } from '../../shared/domain/acceptance.ts';

const eventBridge = mockClient(EventBridgeClient);
const decline: Decline = {
  summaryId: 'ABCD',
  submissionId: 'sub',
  reason: 'No budget',
  declinedAt: '2026-11-24T00:00:00Z',
};

beforeEach(() => eventBridge.reset());

describe('offer events', () => {
  it('publishes to the configured bus with the event type as detail type', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await new EventBridgePublisher('offers-bus').publish({ type: 'OfferDeclined', partnerId: 'p-1', decline });
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    const entry = call?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'offers-bus', Source: 'purchase-offers', DetailType: 'OfferDeclined' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({ partnerId: 'p-1', decline });
  });

  it('fails when EventBridge rejects the entry, so the caller can log it', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(
      new EventBridgePublisher('offers-bus').publish({ type: 'OfferDeclined', partnerId: 'p-1', decline }),
    ).rejects.toThrow('EventBridge rejected the OfferDeclined event');
  });

  it('logs events locally when no bus is configured', () => {
    expect(publisherFromEnv({})).toBeInstanceOf(LogEventPublisher);
    expect(publisherFromEnv({ EVENT_BUS_NAME: 'bus' })).toBeInstanceOf(EventBridgePublisher);
  });
});
