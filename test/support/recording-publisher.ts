import type { OfferEventPublisher } from '../../functions/offer-events/publisher.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';

/** Keeps what the offer-events handler publishes, as EventBridge would receive it; never fails an entry. */
export class RecordingPublisher implements OfferEventPublisher {
  readonly events: OfferEvent[] = [];
  async publish(events: readonly OfferEvent[]): Promise<number[]> {
    this.events.push(...events);
    return [];
  }
}
