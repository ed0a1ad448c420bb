import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from './app-function.ts';

/** Messages per invocation of the delivery function; it makes their attempts one after the other. */
export const WEBHOOK_BATCH_SIZE = 5;
/**
 * Receives of one message before SQS moves it to the dead-letter queue. Retries of a failed
 * delivery are new messages (the function queues them itself), so this only counts invocations that
 * failed outright (the table or the queue unavailable) on the same message.
 */
export const WEBHOOK_MAX_RECEIVES = 5;

/**
 * The webhook delivery queue, its dead-letter queue and the alarm on the latter's depth. A failed
 * attempt is queued again by the delivery function with its backoff (SendMessage's delay, 15 min at
 * most; longer waits hop through the queue until due), and a delivery whose 3 days of retries ran
 * out is sent to the dead-letter queue by the function, as is a message whose handling itself kept
 * failing (the redrive policy).
 */
export class WebhookQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: { readonly deliveryTimeout: Duration }) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the webhook delivery queue.',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Above the 3-day retry window: a message waiting for its next hop is never dropped.
      retentionPeriod: Duration.days(4),
      // Lambda's guidance for SQS event sources: six times the function's timeout.
      visibilityTimeout: Duration.seconds(props.deliveryTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_MAX_RECEIVES },
    });
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'webhookDeliveries: a webhook delivery ran out of retries (3 days) or kept failing; see the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** sqs:SendMessage on the delivery queue only (its URL comes with the spec's env). */
  grantEnqueue(fn: AppFunction): void {
    this.queue.grantSendMessages(fn.role);
  }

  /** Invoked by the queue (batch item failures reported), sending retries to it and dead letters to its DLQ. */
  bindDelivery(fn: AppFunction): void {
    this.grantEnqueue(fn);
    this.deadLetterQueue.grantSendMessages(fn.role);
    fn.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: WEBHOOK_BATCH_SIZE,
        reportBatchItemFailures: true,
      }),
    );
  }
}
