import { Template } from 'aws-cdk-lib/assertions';
import { OFFICE_SYNC_METRICS } from '../../functions/office-sync/metrics.ts';
import { createApp } from '../../infra/app.ts';
import {
  OFFICE_SYNC_INVALID_RECORDS_ALARM_ID,
  OFFICE_SYNC_SSM_ACTIONS,
  OFFICE_SYNC_STALE_ALARM_ID,
} from '../../infra/constructs/office-sync.ts';
import { STAGES, type StageConfig } from '../../infra/stages.ts';

/** The office sync as deployed: the real app, its schedule, dead-letter path, alarms and policy. */
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The default stage (dev), or a stage `test` like it with these settings changed. */
function synth(stage?: Partial<StageConfig>) {
  const { stack } = stage
    ? createApp(
        { context: { ...SKIP_BUNDLING, stage: 'test' } },
        { stages: { test: { ...STAGES.dev, name: 'test', ...stage } } },
      )
    : createApp({ context: SKIP_BUNDLING });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const id = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  const sync = stack.functions.officeSync;
  if (!sync) throw new Error('no officeSync function');
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const statementsOfRole = (roleId: string): Statement[] =>
    ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return { stack, resources, id, sync, ofType, statementsOfRole };
}

const deployed = synth();
const { resources, id, sync, ofType, statementsOfRole } = deployed;
const fnId = id(sync.function);
const fnArn = { 'Fn::GetAtt': [fnId, 'Arn'] };
const fn = resources[fnId]?.Properties ?? {};
const schedules = ofType('AWS::Scheduler::Schedule').filter(([, s]) =>
  JSON.stringify((s.Properties.Target as { Arn: unknown }).Arn).includes(`"${fnId}"`),
);
const schedule = schedules[0]?.[1].Properties ?? {};
const queueId = /"Fn::GetAtt":\["([^"]+)"/.exec(JSON.stringify(fn.DeadLetterConfig))?.[1] ?? '';
const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('office sync schedule', () => {
  it('runs the sync function every 10 minutes by default', () => {
    expect(schedules).toHaveLength(1);
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: fnArn, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 } },
    });
  });

  it('takes its rate from the stage (officeSyncRateMinutes)', () => {
    const custom = synth({ officeSyncRateMinutes: 3 });
    const rates = custom
      .ofType('AWS::Scheduler::Schedule')
      .map(([, s]) => s.Properties.ScheduleExpression)
      .filter((expression) => expression !== undefined);
    expect(rates).toContain('rate(3 minutes)');
    expect(() => synth({ officeSyncRateMinutes: 2.5 })).toThrow(/officeSyncRateMinutes/);
  });

  it('invokes with a role that may invoke only the sync function and write only to its dead-letter queue', () => {
    const roleId = /"Fn::GetAtt":\["([^"]+)"/.exec(
      JSON.stringify((schedule.Target as { RoleArn: unknown }).RoleArn),
    )?.[1];
    const statements = statementsOfRole(roleId ?? '');
    expect(statements).toHaveLength(2);
    const invoke = statements.find((s) => actions(s).includes('lambda:InvokeFunction'));
    expect(actions(invoke!)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(invoke?.Resource)).not.toMatch(/"\*"/);
    expect(JSON.stringify(invoke?.Resource)).toContain(`"${fnId}"`);
    const send = statements.find((s) => actions(s).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('office sync dead-letter queue', () => {
  it('receives failed runs from Lambda and undeliverable ones from the scheduler', () => {
    expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    expect((schedule.Target as { DeadLetterConfig: unknown }).DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
    );
    // Lambda retries a failed run before the next interval (overlapping runs are safe).
    expect(invokeConfig?.[1].Properties.MaximumRetryAttempts).toBe(2);
  });

  it('is encrypted, keeps messages 14 days and refuses requests without TLS', () => {
    expect(resources[queueId]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const policy = ofType('AWS::SQS::QueuePolicy').find(([, p]) =>
      JSON.stringify(p.Properties.Queues).includes(`"${queueId}"`),
    );
    const document = policy?.[1].Properties.PolicyDocument as { Statement: Statement[] } | undefined;
    expect(document?.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('office sync alarms', () => {
  it('alarms as soon as a failed run reaches the dead-letter queue', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
  });

  it('alarms on errors of the sync function', () => {
    expect(alarms).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Threshold: 1,
      }),
    );
  });

  it('alarms when no run has succeeded for two intervals (20 minutes), including when no run happens at all', () => {
    const stale = resources[id(sync.node.findChild(OFFICE_SYNC_STALE_ALARM_ID))]?.Properties;
    expect(stale).toMatchObject({
      Namespace: OFFICE_SYNC_METRICS.namespace,
      MetricName: OFFICE_SYNC_METRICS.succeeded,
      Dimensions: [{ Name: 'service', Value: OFFICE_SYNC_METRICS.service }],
      Statistic: 'Sum',
      Period: 1200,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });
});

describe('office sync invalid records', () => {
  it('alarms as soon as a run skipped any record that failed validation', () => {
    // Arrange: the alarm the construct created, by its id.
    const invalid = resources[id(sync.node.findChild(OFFICE_SYNC_INVALID_RECORDS_ALARM_ID))]?.Properties;

    // Assert: on the metric the handler publishes (same names), one record is enough.
    expect(invalid).toMatchObject({
      Namespace: OFFICE_SYNC_METRICS.namespace,
      MetricName: OFFICE_SYNC_METRICS.invalid,
      Dimensions: [{ Name: 'service', Value: OFFICE_SYNC_METRICS.service }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(OFFICE_SYNC_METRICS.invalid).toBe('OfficeRecordsInvalid');
  });
});

describe('office sync least privilege', () => {
  const statements = statementsOfRole(id(sync.role)).filter((s) => s.Effect === 'Allow');
  const tableArn = { 'Fn::GetAtt': [id(deployed.stack.table), 'Arn'] };

  it('may only read and conditionally write office partitions and the sync state, by key', () => {
    const table = statements.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    const onKeys = (keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
    expect(table).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn, Condition: onKeys(['SYNC#OFFICES']) },
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
        Resource: tableArn,
        Condition: onKeys(['OFFICES#*']),
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: tableArn,
        Condition: onKeys(['OFFICES#*', 'SYNC#OFFICES']),
      },
    ]);
  });

  it('may read the directory credential parameter with GetParameter, and nothing else in SSM', () => {
    const ssm = statements.filter((s) => actions(s).some((a) => a.startsWith('ssm:')));
    expect(ssm).toEqual([
      {
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              // Stages name their region, so it is a literal in the ARN.
              `:ssm:${STAGES.dev.region}:`,
              { Ref: 'AWS::AccountId' },
              ':parameter/purchase-offers/dev/directory-credential',
            ],
          ],
        },
      },
    ]);
    expect([...OFFICE_SYNC_SSM_ACTIONS]).toEqual(['ssm:GetParameter']);
    expect(fn.Environment).toMatchObject({
      Variables: {
        DIRECTORY_CREDENTIAL_PARAMETER: '/purchase-offers/dev/directory-credential',
        DIRECTORY_BASE_URL: expect.stringMatching(/^https:\/\//),
        TABLE_NAME: { Ref: id(deployed.stack.table) },
      },
    });
  });

  it('has nothing beyond that, its logs, traces and its dead-letter queue', () => {
    const services = new Set(statements.flatMap(actions).map((a) => a.split(':')[0]));
    // secretsmanager: its on-demand route checks the CloudFront origin header (GetSecretValue only).
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'secretsmanager', 'sqs', 'ssm', 'xray']);
    expect(statements.flatMap(actions).filter((a) => a.startsWith('secretsmanager:'))).toEqual([
      'secretsmanager:GetSecretValue',
    ]);
    expect(statements.flatMap(actions).filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
  });

  it('is the only function that can read the credential, and GET /v1/offices only reads', () => {
    // Other functions may read parameters of their own (the customer page's form-token keys), never this one.
    for (const [name, other] of Object.entries(deployed.stack.functions)) {
      if (name === 'officeSync') continue;
      const onCredential = statementsOfRole(id(other.role)).filter(
        (s) =>
          actions(s).some((a) => a.startsWith('ssm:') || a === '*') &&
          (JSON.stringify(s.Resource).includes('directory-credential') || JSON.stringify(s.Resource) === '"*"'),
      );
      expect([name, onCredential.flatMap(actions)]).toEqual([name, []]);
    }
    const offices = deployed.stack.functions.offices;
    const officeActions = statementsOfRole(id(offices!.role)).flatMap(actions);
    expect(officeActions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem']));
    expect(officeActions.filter((a) => a.startsWith('dynamodb:') && /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });

  it('has the time and memory for a large run', () => {
    expect(fn).toMatchObject({ Timeout: 300, MemorySize: 512, Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });
});
