import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ServiceQuotaExceededException,
} from '@aws-sdk/client-scheduler';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsDeliveryQueue } from '../../shared/webhooks/delivery-queue.ts';
import { SchedulerOfferTimers } from '../../shared/webhooks/offer-timers.ts';

const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/webhook-deliveries';
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/webhook-deliveries-dlq';

const timersConfig = {
  groupName: 'offer-timers',
  targetArn: 'arn:aws:lambda:us-east-1:111122223333:function:offer-timers',
  roleArn: 'arn:aws:iam::111122223333:role/offer-timers-scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:offer-timers-dlq',
};

beforeEach(() => {
  sqs.reset();
  scheduler.reset();
});

describe('SqsDeliveryQueue', () => {
  const message = { partnerId: 'p-1', endpointId: 'ep-1', deliveryId: 'd-1' };

  it('sends the message as JSON to the delivery queue with the given delay', async () => {
    // Arrange
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    // Act
    await queue.enqueue({ ...message, notBefore: '2026-12-01T10:30:00.000Z' }, 120);

    // Assert
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"partnerId":"p-1","endpointId":"ep-1","deliveryId":"d-1","notBefore":"2026-12-01T10:30:00.000Z"}',
      DelaySeconds: 120,
    });
  });

  it('caps a wait beyond 15 minutes at 900 seconds', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await queue.enqueue({ ...message, notBefore: '2026-12-01T12:00:00.000Z' }, 3_600);

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(900);
  });

  it('sends a wait already past (negative) with no delay', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await queue.enqueue({ ...message, notBefore: '2026-11-30T00:00:00.000Z' }, -45);

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(0);
  });

  it('rounds a fractional wait up to whole seconds so the message is never early', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await queue.enqueue(message, 12.2);

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(13);
  });

  it('parks a dead-lettered delivery on the dead-letter queue, without a delay', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await queue.deadLetter(message);

    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      QueueUrl: DLQ_URL,
      MessageBody: '{"partnerId":"p-1","endpointId":"ep-1","deliveryId":"d-1"}',
    });
  });

  it('refuses to dead-letter when no dead-letter queue is configured, sending nothing', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const queue = new SqsDeliveryQueue(QUEUE_URL, undefined);

    await expect(queue.deadLetter(message)).rejects.toThrow('WEBHOOK_DEAD_LETTER_QUEUE_URL is not set');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('propagates an SQS error from enqueue', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('SQS is unavailable'));
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await expect(queue.enqueue(message, 0)).rejects.toThrow('SQS is unavailable');
  });

  it('propagates an SQS error from deadLetter', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('Access denied to the DLQ'));
    const queue = new SqsDeliveryQueue(QUEUE_URL, DLQ_URL);

    await expect(queue.deadLetter(message)).rejects.toThrow('Access denied to the DLQ');
  });
});

describe('SchedulerOfferTimers', () => {
  const summaryId = 'ABCDEFGHJKMNPQRSTVWX2345';
  const expiring = { summaryId, kind: 'expiring' as const, dueAt: '2026-12-09T14:05:07.123Z' };
  const expired = { summaryId, kind: 'expired' as const, dueAt: '2026-12-10T14:05:07.123Z' };

  const conflict = () =>
    new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} });
  const notFound = () =>
    new ResourceNotFoundException({ message: 'Schedule not found', Message: 'Schedule not found', $metadata: {} });

  it('creates one-time UTC schedules for the expiring and expired timers', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const timers = new SchedulerOfferTimers(timersConfig);

    await timers.create([expiring, expired]);

    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toEqual({
      Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring',
      GroupName: 'offer-timers',
      ScheduleExpression: 'at(2026-12-09T14:05:07)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:111122223333:function:offer-timers',
        RoleArn: 'arn:aws:iam::111122223333:role/offer-timers-scheduler',
        Input: '{"summaryId":"ABCDEFGHJKMNPQRSTVWX2345","kind":"expiring","dueAt":"2026-12-09T14:05:07.123Z"}',
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:111122223333:offer-timers-dlq' },
      },
    });
    expect(calls[1]?.args[0].input).toMatchObject({
      Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expired',
      GroupName: 'offer-timers',
      ScheduleExpression: 'at(2026-12-10T14:05:07)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:lambda:us-east-1:111122223333:function:offer-timers',
        RoleArn: 'arn:aws:iam::111122223333:role/offer-timers-scheduler',
        Input: '{"summaryId":"ABCDEFGHJKMNPQRSTVWX2345","kind":"expired","dueAt":"2026-12-10T14:05:07.123Z"}',
      },
    });
  });

  it('leaves an already existing schedule as it is and still creates the next one', async () => {
    scheduler
      .on(CreateScheduleCommand, { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring' })
      .rejects(conflict())
      .on(CreateScheduleCommand, { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expired' })
      .resolves({ ScheduleArn: 'arn:schedule' });
    const timers = new SchedulerOfferTimers(timersConfig);

    await expect(timers.create([expiring, expired])).resolves.toBeUndefined();

    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input.Name)).toEqual([
      'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring',
      'offer-ABCDEFGHJKMNPQRSTVWX2345-expired',
    ]);
  });

  it('propagates any other error from CreateSchedule', async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ServiceQuotaExceededException({
        message: 'Too many schedules',
        Message: 'Too many schedules',
        $metadata: {},
      }),
    );
    const timers = new SchedulerOfferTimers(timersConfig);

    await expect(timers.create([expired])).rejects.toThrow('Too many schedules');
  });

  it('deletes both timers of the offer on cancel', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    const timers = new SchedulerOfferTimers(timersConfig);

    await timers.cancel(summaryId);

    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring', GroupName: 'offer-timers' },
      { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expired', GroupName: 'offer-timers' },
    ]);
  });

  it('ignores a missing schedule on cancel and still deletes the other one', async () => {
    scheduler
      .on(DeleteScheduleCommand, { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring' })
      .rejects(notFound())
      .on(DeleteScheduleCommand, { Name: 'offer-ABCDEFGHJKMNPQRSTVWX2345-expired' })
      .resolves({});
    const timers = new SchedulerOfferTimers(timersConfig);

    await expect(timers.cancel(summaryId)).resolves.toBeUndefined();

    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input.Name)).toEqual([
      'offer-ABCDEFGHJKMNPQRSTVWX2345-expiring',
      'offer-ABCDEFGHJKMNPQRSTVWX2345-expired',
    ]);
  });

  it('propagates any other error from DeleteSchedule', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new Error('Scheduler is unavailable'));
    const timers = new SchedulerOfferTimers(timersConfig);

    await expect(timers.cancel(summaryId)).rejects.toThrow('Scheduler is unavailable');
  });

  it('does not swallow a ConflictException on cancel (only a missing schedule is fine)', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(conflict());
    const timers = new SchedulerOfferTimers(timersConfig);

    await expect(timers.cancel(summaryId)).rejects.toThrow('Schedule already exists');
  });
});
