import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sdkClientConfig, withOperationBudget } from '../config/aws-sdk.ts';
import { newDeliveryId, type StoredDelivery, type WebhookDeliveryStore } from '../db/webhook-deliveries.ts';
import type { WebhookDelivery, WebhookDispatcher, WebhookEndpoint, WebhookEvent } from '../domain/webhook.ts';

/**
 * One queued attempt: which delivery (the event itself is in the delivery log, so the message
 * carries no personal data) and, for a wait longer than SQS's 15-minute message delay, when it is
 * due: a message that arrives early is queued again with the rest of the wait.
 */
export interface DeliveryMessage {
  readonly partnerId: string;
  readonly endpointId: string;
  readonly deliveryId: string;
  /** ISO 8601; absent: due now. */
  readonly notBefore?: string;
}

/** SQS delays a message at most this long (SendMessage DelaySeconds, AWS SQS API reference, 2026-11). */
export const MAX_QUEUE_DELAY_SECONDS = 900;

/** The delivery queue and its dead-letter queue. */
export interface DeliveryQueue {
  /** Queues the message, visible after `delaySeconds` (0 to MAX_QUEUE_DELAY_SECONDS). */
  enqueue(message: DeliveryMessage, delaySeconds: number): Promise<void>;
  /** A delivery whose retries ran out: parked for operators (the alarm watches this queue's depth). */
  deadLetter(message: DeliveryMessage): Promise<void>;
}

/** AWS: SendMessage to the delivery queue and to its dead-letter queue, with the SDK's time limits. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly queueUrl: string,
    /** Only the delivery function parks messages there; the others only queue. */
    private readonly deadLetterQueueUrl: string | undefined,
    private readonly client: SQSClient = withOperationBudget(new SQSClient(sdkClientConfig())),
  ) {}

  async enqueue(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.ceil(delaySeconds))),
      }),
    );
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    if (!this.deadLetterQueueUrl) throw new Error('WEBHOOK_DEAD_LETTER_QUEUE_URL is not set');
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.deadLetterQueueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}

/** The queue from WEBHOOK_QUEUE_URL (and WEBHOOK_DEAD_LETTER_QUEUE_URL where set), by the stack. */
export function sqsDeliveryQueueFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryQueue | undefined {
  const queueUrl = env.WEBHOOK_QUEUE_URL;
  return queueUrl ? new SqsDeliveryQueue(queueUrl, env.WEBHOOK_DEAD_LETTER_QUEUE_URL || undefined) : undefined;
}

/**
 * The local runtime puts its in-process queue here before loading the handlers, so the functions
 * that queue deliveries (stream fan-out, ping, redelivery) and the delivery function share it.
 */
let localQueue: DeliveryQueue | undefined;
export function setLocalDeliveryQueue(queue: DeliveryQueue | undefined): void {
  localQueue = queue;
}

/** SQS on AWS, the local runtime's queue locally; undefined when there is neither. */
export function deliveryQueueFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryQueue | undefined {
  return sqsDeliveryQueueFromEnv(env) ?? localQueue;
}

/** The WebhookDispatcher: a pending entry in the delivery log, then a message on the queue. */
export class QueueingDispatcher implements WebhookDispatcher {
  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly queue: DeliveryQueue,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async dispatch(endpoint: WebhookEndpoint, event: WebhookEvent): Promise<WebhookDelivery> {
    // The same event to the same endpoint is the same delivery: a replayed stream record finds it
    // recorded and queues it again only if it never got an attempt (its message may have been lost).
    const delivery = this.pending(
      endpoint,
      event,
      newDeliveryId(new Date(event.createdAt), `${event.id}#${endpoint.endpointId}`),
    );
    if (!(await this.deliveries.create(delivery))) {
      const existing = await this.deliveries.get(endpoint.partnerId, endpoint.endpointId, delivery.deliveryId);
      if (existing && (existing.status !== 'pending' || existing.attempts > 0)) return existing;
    }
    await this.queue.enqueue(messageOf(delivery), 0);
    return delivery;
  }

  /** Sends an earlier delivery's event again, as a new delivery (same event, same webhook-id). */
  async redeliver(endpoint: WebhookEndpoint, earlier: StoredDelivery): Promise<WebhookDelivery> {
    const delivery = {
      ...this.pending(endpoint, earlier.event, newDeliveryId(this.now())),
      redeliveryOf: earlier.deliveryId,
    };
    await this.deliveries.create(delivery);
    await this.queue.enqueue(messageOf(delivery), 0);
    return delivery;
  }

  private pending(endpoint: WebhookEndpoint, event: WebhookEvent, deliveryId: string): StoredDelivery {
    const at = this.now().toISOString();
    return {
      deliveryId,
      endpointId: endpoint.endpointId,
      partnerId: endpoint.partnerId,
      eventId: event.id,
      eventType: event.type,
      status: 'pending',
      attempts: 0,
      createdAt: at,
      updatedAt: at,
      event,
    };
  }
}

export function messageOf(delivery: Pick<WebhookDelivery, 'partnerId' | 'endpointId' | 'deliveryId'>): DeliveryMessage {
  return { partnerId: delivery.partnerId, endpointId: delivery.endpointId, deliveryId: delivery.deliveryId };
}
