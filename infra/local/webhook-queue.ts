import type { SQSEvent } from 'aws-lambda';
import type { DeliveryMessage, DeliveryQueue } from '../../shared/webhooks/delivery-queue.ts';

/**
 * The local stand-in for the webhook delivery queue and its dead-letter queue: messages wait in
 * memory until their delay is over (by `now`, which tests move), then go to the same delivery
 * handler as on AWS, as one-record SQS events. A message the handler reports failed comes back
 * after `retryAfterMs`, like SQS's visibility timeout.
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  /** Messages not yet handed over, with when they become visible (ms since the epoch). */
  readonly waiting: { message: DeliveryMessage; visibleAt: number }[] = [];
  /** What reached the dead-letter queue, oldest first. */
  readonly deadLettered: DeliveryMessage[] = [];
  /** Every enqueue's delay in seconds, oldest first (the demo prints them; tests read them). */
  readonly delays: number[] = [];
  private sequence = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly retryAfterMs = 30_000,
  ) {}

  async enqueue(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    this.delays.push(delaySeconds);
    this.waiting.push({ message, visibleAt: this.now() + Math.max(0, delaySeconds) * 1000 });
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    this.deadLettered.push(message);
  }

  /** When the next waiting message becomes visible; undefined when none waits. */
  nextVisibleAt(): number | undefined {
    return this.waiting.reduce<number | undefined>(
      (soonest, entry) => (soonest === undefined || entry.visibleAt < soonest ? entry.visibleAt : soonest),
      undefined,
    );
  }

  /**
   * Hands every message visible now to `handler`, one at a time, until none is left visible
   * (a handler may queue new ones). Resolves with how many were handed over.
   */
  async drain(
    handler: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
  ): Promise<number> {
    let handed = 0;
    for (;;) {
      const index = this.waiting.findIndex((entry) => entry.visibleAt <= this.now());
      if (index < 0) return handed;
      const [entry] = this.waiting.splice(index, 1);
      if (!entry) return handed;
      const messageId = `local-${++this.sequence}`;
      handed++;
      const result = await handler({ Records: [sqsRecord(messageId, entry.message)] });
      if (result.batchItemFailures.length > 0) {
        this.waiting.push({ message: entry.message, visibleAt: this.now() + this.retryAfterMs });
      }
    }
  }
}

function sqsRecord(messageId: string, message: DeliveryMessage): SQSEvent['Records'][number] {
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify(message),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:webhook-deliveries',
    awsRegion: 'local',
  };
}
