import type { Acceptance, Decline } from '../domain/acceptance.ts';
import { logger } from '../observability/logger.ts';

/** Events partners can later be notified by; the detail carries no more personal data than needed. */
export type OfferEvent =
  | { readonly type: 'OfferAccepted'; readonly partnerId: string; readonly acceptance: Acceptance }
  | { readonly type: 'OfferDeclined'; readonly partnerId: string; readonly decline: Decline };

export interface OfferEventPublisher {
  publish(event: OfferEvent): Promise<void>;
}

export const EVENT_SOURCE = 'purchase-offers';

/** Local runtime and tests: the event is a structured log line. */
export class LogEventPublisher implements OfferEventPublisher {
  readonly published: OfferEvent[] = [];
  async publish(event: OfferEvent): Promise<void> {
    this.published.push(event);
    logger.info('offer event', { eventType: event.type, partnerId: event.partnerId });
  }
}

/**
 * AWS: one PutEvents per response. The SDK client is imported on first use, so page views never
 * pay for loading it (esbuild keeps a dynamic import lazy inside the single-file bundle).
 */
export class EventBridgePublisher implements OfferEventPublisher {
  private client?: Promise<{ send: (command: unknown) => Promise<{ FailedEntryCount?: number }> }>;
  private commandClass?: new (
    input: unknown,
  ) => unknown;

  constructor(private readonly busName: string) {}

  async publish(event: OfferEvent): Promise<void> {
    this.client ??= import('@aws-sdk/client-eventbridge').then((sdk) => {
      this.commandClass = sdk.PutEventsCommand as unknown as new (input: unknown) => unknown;
      return new sdk.EventBridgeClient({}) as never;
    });
    const client = await this.client;
    const Command = this.commandClass as new (input: unknown) => unknown;
    const { type, ...detail } = event;
    const result = await client.send(
      new Command({
        Entries: [
          { EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: type, Detail: JSON.stringify(detail) },
        ],
      }),
    );
    if (result.FailedEntryCount) throw new Error(`EventBridge rejected the ${type} event`);
  }
}

export function publisherFromEnv(env: NodeJS.ProcessEnv = process.env): OfferEventPublisher {
  return env.EVENT_BUS_NAME ? new EventBridgePublisher(env.EVENT_BUS_NAME) : new LogEventPublisher();
}
