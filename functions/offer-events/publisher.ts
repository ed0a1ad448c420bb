import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { type SdkLimits, sdkClientConfig, withOperationBudget } from '../../shared/config/aws-sdk.ts';
import { errorForLog } from '../../shared/db/errors.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';
import { logger } from '../../shared/observability/logger.ts';

export interface OfferEventPublisher {
  /** Publishes the events in order; resolves with the indexes of those that were not published. */
  publish(events: readonly OfferEvent[]): Promise<number[]>;
}

export const EVENT_SOURCE = 'purchase-offers';
/** PutEvents takes at most this many entries per request. */
const MAX_ENTRIES_PER_REQUEST = 10;

/** Local runtime: each event is a structured log line (ids only: the detail holds personal data). */
export class LogEventPublisher implements OfferEventPublisher {
  async publish(events: readonly OfferEvent[]): Promise<number[]> {
    for (const event of events) {
      const summaryId = event.type === 'OfferAccepted' ? event.acceptance.summaryId : event.decline.summaryId;
      logger.info('offer event', { eventType: event.type, partnerId: event.partnerId, summaryId });
    }
    return [];
  }
}

/**
 * The EventBridge client, with the time limits of every SDK client (connect 1 s, attempt 2 s,
 * 3 attempts, 4 s an operation): a hung PutEvents fails the batch instead of the whole invocation.
 * `config`: extra client settings (tests: a fake endpoint, region and credentials).
 */
export function createEventBridgeClient(
  config: Record<string, unknown> = {},
  limits: SdkLimits = {},
): EventBridgeClient {
  return withOperationBudget(
    new EventBridgeClient({ ...sdkClientConfig(limits), ...config }),
    limits.operationBudgetMs,
  );
}

/** AWS: PutEvents to the offer events bus, up to ten entries a request. */
export class EventBridgePublisher implements OfferEventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client = createEventBridgeClient(),
  ) {}

  /**
   * A request that fails as a whole (timeout, throttling, a signature error) marks its events and
   * every later one as not published, so the stream handler reports them for retry in order; the
   * error is logged through errorForLog and never thrown (an SDK error may quote the signed request).
   */
  async publish(events: readonly OfferEvent[]): Promise<number[]> {
    const failed: number[] = [];
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_REQUEST) {
      const batch = events.slice(start, start + MAX_ENTRIES_PER_REQUEST);
      let result: PutEventsCommandOutput;
      try {
        result = await this.client.send(
          new PutEventsCommand({
            Entries: batch.map(({ type, ...detail }) => ({
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: type,
              Detail: JSON.stringify(detail),
            })),
          }),
        );
      } catch (error) {
        logger.error('offer events could not be sent', { error: errorForLog(error), notSent: events.length - start });
        for (let index = start; index < events.length; index++) failed.push(index);
        return failed;
      }
      if (!result.FailedEntryCount) continue;
      // Entries come back in request order; a failed one carries an ErrorCode.
      batch.forEach((_event, index) => {
        const entry = result.Entries?.[index];
        if (!entry || entry.ErrorCode) failed.push(start + index);
      });
    }
    return failed;
  }
}

export function publisherFromEnv(env: NodeJS.ProcessEnv = process.env): OfferEventPublisher {
  return env.EVENT_BUS_NAME ? new EventBridgePublisher(env.EVENT_BUS_NAME) : new LogEventPublisher();
}
