import { offerFromItem } from '../../shared/db/offers.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';
import type { WebhookEvent, WebhookEventType } from '../../shared/domain/webhook.ts';
import { offerView } from '../../shared/render/offer-view.ts';
import { webhookEventId } from '../../shared/webhooks/fan-out.ts';

/**
 * OfferAccepted → `offer.accepted` with the acceptance as recorded (the evidence snapshot);
 * OfferDeclined → `offer.declined` with the reason. `createdAt` is when the customer answered.
 */
export function webhookEventOf(event: OfferEvent): WebhookEvent<WebhookEventType> {
  if (event.type === 'OfferAccepted') {
    const { acceptance } = event;
    return {
      id: webhookEventId('offer.accepted', acceptance.summaryId, acceptance.submissionId),
      type: 'offer.accepted',
      createdAt: acceptance.acceptedAt,
      data: { ...acceptance },
    };
  }
  const { decline } = event;
  return {
    id: webhookEventId('offer.declined', decline.summaryId, decline.submissionId),
    type: 'offer.declined',
    createdAt: decline.declinedAt,
    data: {
      summaryId: decline.summaryId,
      submissionId: decline.submissionId,
      ...(decline.reason !== undefined ? { reason: decline.reason } : {}),
      declinedAt: decline.declinedAt,
    },
  };
}

/** A change to an offer item or its views counter, as the stream has it (old image: before). */
export interface OfferChange {
  readonly eventName: 'INSERT' | 'MODIFY';
  readonly entity: 'offer' | 'offerViews';
  readonly newItem: Record<string, unknown>;
  /** Absent for an INSERT (and for a table whose stream has new images only). */
  readonly oldItem?: Record<string, unknown>;
  /** When the change was written (the stream record's time), ISO 8601: the event's createdAt. */
  readonly at: string;
}

const number = (value: unknown) => (typeof value === 'number' ? value : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The webhook events one change stands for, each at its transition only (so a later change to the
 * same item, or a replay, makes no second event; ids are derived from the offer, so a replay that
 * did make one is the same event):
 * - a new offer item: `offer.created` (the offer as the API shows it, status and counters at
 *   creation; `publicBaseUrl` makes its `url`);
 * - views going from 0 to any number: `offer.viewed` (the first counted views, added in a batch;
 *   `viewedAt` is the first view's time as the counter keeps it);
 * - acceptances reaching maxAcceptances (`exhaustedAt` appearing): `offer.exhausted`;
 * - deactivatedAt appearing: `offer.deactivated` (by the partner, or by a revision).
 */
export function offerChangeEvents(change: OfferChange, publicBaseUrl: string): WebhookEvent<WebhookEventType>[] {
  const summaryId = text(change.newItem.summaryId);
  if (!summaryId) return [];
  const events: WebhookEvent<WebhookEventType>[] = [];
  if (change.entity === 'offerViews') {
    const before = number(change.oldItem?.views) ?? 0;
    const after = number(change.newItem.views) ?? 0;
    if (change.eventName === 'MODIFY' && change.oldItem && before === 0 && after >= 1) {
      // Views reach the counter a few seconds after they happen; the counter keeps the first one's time.
      const viewedAt = text(change.newItem.firstViewedAt) ?? change.at;
      events.push({
        id: webhookEventId('offer.viewed', summaryId),
        type: 'offer.viewed',
        createdAt: viewedAt,
        data: { summaryId, viewedAt },
      });
    }
    return events;
  }
  const offer = change.newItem;
  if (change.eventName === 'INSERT') {
    const createdAt = text(offer.createdAt) ?? change.at;
    events.push({
      id: webhookEventId('offer.created', summaryId),
      type: 'offer.created',
      createdAt,
      data: offerView(offerFromItem(change.newItem), publicBaseUrl, new Date(createdAt)),
    });
    return events;
  }
  if (!change.oldItem) return events;
  const max = number(offer.maxAcceptances);
  // The acceptance that takes the last place marks the offer item `exhaustedAt` (its count is on
  // the counters item, exactly max then); offer items from before the counters moved counted on
  // the item itself.
  const marked = text(offer.exhaustedAt) !== undefined && text(change.oldItem.exhaustedAt) === undefined;
  const counted = number(offer.acceptances) ?? 0;
  const crossed = max !== undefined && counted >= max && (number(change.oldItem.acceptances) ?? 0) < max;
  if (max !== undefined && (marked || crossed)) {
    events.push({
      id: webhookEventId('offer.exhausted', summaryId),
      type: 'offer.exhausted',
      createdAt: change.at,
      data: { summaryId, acceptances: marked ? max : counted, maxAcceptances: max },
    });
  }
  const deactivatedAt = text(offer.deactivatedAt);
  if (deactivatedAt && !text(change.oldItem.deactivatedAt)) {
    events.push({
      id: webhookEventId('offer.deactivated', summaryId),
      type: 'offer.deactivated',
      createdAt: deactivatedAt,
      data: {
        summaryId,
        deactivatedAt,
        ...(text(offer.revisedBy) ? { revisedBy: offer.revisedBy } : {}),
      },
    });
  }
  return events;
}
