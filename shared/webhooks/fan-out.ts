import { createHash } from 'node:crypto';
import type { Table } from '../db/port.ts';
import { WebhookDeliveryStore } from '../db/webhook-deliveries.ts';
import { DynamoWebhookEndpointStore } from '../db/webhook-endpoints.ts';
import type { WebhookDispatcher, WebhookEndpoint, WebhookEvent, WebhookEventType } from '../domain/webhook.ts';
import { type DeliveryQueue, QueueingDispatcher } from './delivery-queue.ts';

/**
 * The event's id is derived from what it is about (type, offer, submission), so a stream record
 * delivered twice makes the same event: partners dedupe on it (`webhook-id`).
 */
export function webhookEventId(type: WebhookEventType, ...about: readonly string[]): string {
  return `evt_${createHash('sha256')
    .update([type, ...about].join('\n'))
    .digest('base64url')
    .slice(0, 26)}`;
}

export interface EndpointLister {
  /** Every (not deleted) endpoint of the partner. */
  listForPartner(partnerId: string): Promise<WebhookEndpoint[]>;
}

/** Queues one delivery per enabled endpoint of the partner subscribed to the event's type. */
export class WebhookFanOut {
  constructor(
    private readonly endpoints: EndpointLister,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** Resolves with the number of deliveries queued; throws the first store or queue error. */
  async fanOut(partnerId: string, event: WebhookEvent<WebhookEventType>): Promise<number> {
    const targets = (await this.endpoints.listForPartner(partnerId)).filter(
      (endpoint) => endpoint.status === 'enabled' && endpoint.events.includes(event.type),
    );
    for (const endpoint of targets) await this.dispatcher.dispatch(endpoint, event);
    return targets.length;
  }
}

/**
 * The fan-out the functions that raise webhook events use: the partner's endpoints from the table,
 * each delivery recorded in the table and queued on `queue`.
 */
export function tableFanOut(table: Table, queue: DeliveryQueue): WebhookFanOut {
  return new WebhookFanOut(
    new DynamoWebhookEndpointStore(table),
    new QueueingDispatcher(new WebhookDeliveryStore(table), queue),
  );
}
