import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app.ts';
import { WEBHOOK_BATCH_SIZE, WEBHOOK_MAX_RECEIVES } from '../../infra/constructs/webhook-queue.ts';
import { FUNCTIONS, type FunctionSpec } from '../../shared/routes.ts';

const { stack } = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const queueId = id(stack.webhookQueue.queue);
const deadLetterId = id(stack.webhookQueue.deadLetterQueue);

type Statement = { Action: string | string[]; Resource: unknown };
function sqsStatements(name: string): Statement[] {
  const roleId = id(stack.functions[name]!.role);
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [])
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('sqs:')));
}
const queuesIn = (statements: Statement[]) =>
  [...new Set(statements.map((statement) => /"Fn::GetAtt":\["([^"]+)"/.exec(JSON.stringify(statement.Resource))?.[1]))]
    // Only the webhook queues: other queues (a schedule's dead-letter queue) are not asked about.
    .filter((queue) => queue === queueId || queue === deadLetterId)
    .sort();

describe('webhook delivery queue', () => {
  it('drives the delivery function in small batches that report each failed message', () => {
    const fnId = id(stack.functions.webhookDeliveries!.function);
    const mappings = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(resource.Properties?.FunctionName).includes(`"${fnId}"`),
    );
    expect(mappings.map((mapping) => mapping.Properties)).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        BatchSize: WEBHOOK_BATCH_SIZE,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
  });

  it('hands messages that keep failing to its encrypted dead-letter queue, with an alarm on its depth', () => {
    expect(resources[queueId]?.Properties).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
        maxReceiveCount: WEBHOOK_MAX_RECEIVES,
      },
      SqsManagedSseEnabled: true,
      // Six times the delivery function's timeout, and messages kept past the 3-day retry window.
      VisibilityTimeout: FUNCTIONS.webhookDeliveries.timeoutSeconds * 6,
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
    const alarms = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map((alarm) => alarm.Properties ?? {})
      .filter((alarm) => JSON.stringify(alarm.Dimensions).includes(`"${deadLetterId}"`));
    expect(alarms).toEqual([
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it('lets functions send to the queues only as their spec says: enqueue to the queue, deliver to both', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS) as [string, FunctionSpec][]) {
      const statements = sqsStatements(name).filter((statement) =>
        [statement.Action].flat().includes('sqs:SendMessage'),
      );
      const expected =
        spec.webhookQueue === 'deliver'
          ? [queueId, deadLetterId].sort()
          : spec.webhookQueue === 'enqueue'
            ? [queueId]
            : [];
      expect([name, queuesIn(statements)]).toEqual([name, expected]);
    }
  });

  it('tells each function the queue URLs it may use, and no others', () => {
    const variables = (name: string): Record<string, unknown> => {
      const environment = resources[id(stack.functions[name]!.function)]?.Properties?.Environment;
      return (environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    };
    expect(variables('webhookDeliveries')).toMatchObject({
      WEBHOOK_QUEUE_URL: { Ref: queueId },
      WEBHOOK_DEAD_LETTER_QUEUE_URL: { Ref: deadLetterId },
    });
    expect(variables('offerEvents')).toMatchObject({ WEBHOOK_QUEUE_URL: { Ref: queueId } });
    expect(variables('offerEvents').WEBHOOK_DEAD_LETTER_QUEUE_URL).toBeUndefined();
    expect(variables('offerPage').WEBHOOK_QUEUE_URL).toBeUndefined();
  });
});

describe('offer timers (one-time schedules per offer)', () => {
  const policies = Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy');
  const statementsWith = (action: string) =>
    policies.flatMap((policy) =>
      (
        (policy.Properties?.PolicyDocument as { Statement: (Statement & { Condition?: unknown })[] } | undefined)
          ?.Statement ?? []
      )
        .filter((statement) => [statement.Action].flat().includes(action))
        .map((statement) => ({ roles: JSON.stringify(policy.Properties?.Roles), statement })),
    );

  it('lets only the offer events function create and delete schedules, named offer-* in their group', () => {
    const offerEventsRole = id(stack.functions.offerEvents!.role);
    for (const action of ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']) {
      const grants = statementsWith(action);
      expect(grants).toHaveLength(1);
      expect(grants[0]?.roles).toContain(`"${offerEventsRole}"`);
      expect(JSON.stringify(grants[0]?.statement.Resource)).toMatch(/schedule\/[^"]+\/offer-\*"/);
    }
    const passRole = statementsWith('iam:PassRole');
    expect(passRole).toHaveLength(1);
    expect(passRole[0]?.statement.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
  });

  it('runs schedules as a role that may invoke the offer timers function only', () => {
    const invokes = statementsWith('lambda:InvokeFunction').filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes(id(stack.functions.offerTimers!.function)),
    );
    expect(invokes).toHaveLength(1);
    expect(JSON.stringify(invokes[0]?.statement.Resource)).not.toContain(':*');
    const variables = resources[id(stack.functions.offerEvents!.function)]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(Object.keys(variables.Variables)).toEqual(
      expect.arrayContaining([
        'OFFER_TIMERS_GROUP',
        'OFFER_TIMERS_TARGET_ARN',
        'OFFER_TIMERS_ROLE_ARN',
        'OFFER_TIMERS_DLQ_ARN',
      ]),
    );
  });
});
