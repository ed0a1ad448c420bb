import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app.ts';
import { EdgeAlarmsStack } from '../../infra/edge-alarms-stack.ts';
import { MANAGED_BLOCK_RULES } from '../../infra/edge-stack.ts';
import { type EdgeAlarmThresholds, STAGES, type StageConfig } from '../../infra/stages.ts';

// Assertions look at the templates only; bundling every function would just slow them down.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

// biome-ignore lint/suspicious/noExplicitAny: the templates' JSON, read loosely by the assertions below
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; [key: string]: unknown };

/** Thresholds unlike the defaults, so that each assertion shows the stage's value is the one used. */
const THRESHOLDS: EdgeAlarmThresholds = {
  viewer5xxPercent: 2.5,
  viewer5xxPeriods: 4,
  managedRuleBlocks: 250,
  customerPageRateBlocks: 40,
};

function build(stage: Partial<StageConfig> = {}) {
  const { app, stack, edge, edgeAlarms } = createApp(
    { context: { ...SKIP_BUNDLING, stage: 'test' } },
    { stages: { test: { ...STAGES.dev, name: 'test', edgeAlarms: THRESHOLDS, ...stage } } },
  );
  const resourcesOf = (template: Template) => template.toJSON().Resources as Record<string, Resource>;
  const alarmsTemplate = Template.fromStack(edgeAlarms);
  const resources = resourcesOf(alarmsTemplate);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
  const dimension = (alarm: Json, name: string) =>
    (alarm.Dimensions as { Name: string; Value: Json }[]).find((d) => d.Name === name)?.Value;
  const [[, webAcl]] = Object.entries(resourcesOf(Template.fromStack(edge))).filter(
    ([, r]) => r.Type === 'AWS::WAFv2::WebACL',
  ) as [[string, Resource]];
  return {
    app,
    stack,
    edge,
    edgeAlarms,
    alarmsTemplate,
    resources,
    ofType,
    alarms,
    dimension,
    main: resourcesOf(Template.fromStack(stack)),
    webAcl,
    topicId: edgeAlarms.getLogicalId(edgeAlarms.alarmTopic.node.defaultChild as never),
  };
}

const deployed = build();
const wafRule = (name: string) => (deployed.webAcl.Properties.Rules as Json[]).find((rule) => rule.Name === name);
const blockAlarm = (rule: string) =>
  deployed.alarms.find((alarm) => alarm.Namespace === 'AWS/WAFV2' && deployed.dimension(alarm, 'Rule') === rule);

describe('edge alarms stack', () => {
  it('lives in us-east-1, where CloudFront and WAF publish their metrics, and deploys after the main stack', () => {
    expect([deployed.edgeAlarms.stackName, deployed.edgeAlarms.region]).toEqual([
      'PurchaseOffersEdgeAlarms-test',
      'us-east-1',
    ]);
    expect(deployed.edgeAlarms.dependencies).toContain(deployed.stack);
    expect(deployed.stack.dependencies).toContain(deployed.edge);
  });

  it('refuses any other region', () => {
    const app = new App();
    expect(
      () =>
        new EdgeAlarmsStack(app, 'Elsewhere', {
          env: { region: 'eu-west-1' },
          stage: 'test',
          distributionId: 'E123',
          waf: deployed.edge.metrics,
          thresholds: THRESHOLDS,
        }),
    ).toThrow(/only in us-east-1/);
  });

  it("alarms on CloudFront's 5xx rate of the main stack's distribution, above the stage's percentage for its consecutive periods", () => {
    const alarm = deployed.alarms.find((candidate) => candidate.MetricName === '5xxErrorRate');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/CloudFront',
      Statistic: 'Average',
      Period: 300,
      Threshold: THRESHOLDS.viewer5xxPercent,
      EvaluationPeriods: THRESHOLDS.viewer5xxPeriods,
      DatapointsToAlarm: THRESHOLDS.viewer5xxPeriods,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(deployed.dimension(alarm, 'Region')).toBe('Global');
    // A cross-region reference: the main stack writes the distribution's id to an SSM parameter in
    // us-east-1, this stack's exports reader reads that parameter.
    const [readerId, parameter] = deployed.dimension(alarm, 'DistributionId')['Fn::GetAtt'] as [string, string];
    expect(deployed.resources[readerId]?.Properties.ReaderProps.imports[parameter]).toBe(
      `{{resolve:ssm:${parameter}}}`,
    );
    const [[, writer]] = Object.entries(deployed.main).filter(([id]) => id.startsWith('ExportsWriteruseast1')) as [
      [string, Resource],
    ];
    const distributionId = deployed.stack.getLogicalId(deployed.stack.edge.distribution.node.defaultChild as never);
    expect(writer.Properties.WriterProps).toMatchObject({ region: 'us-east-1' });
    expect(writer.Properties.WriterProps.exports[parameter]).toEqual({ Ref: distributionId });
    expect(deployed.main[distributionId]?.Type).toBe('AWS::CloudFront::Distribution');
  });

  it.each(Object.values(MANAGED_BLOCK_RULES))(
    'alarms when the managed-rule block rule %s blocks more than the stage allows in 5 minutes',
    (rule) => {
      const alarm = blockAlarm(rule);
      expect(alarm).toMatchObject({
        MetricName: 'BlockedRequests',
        Statistic: 'Sum',
        Period: 300,
        Threshold: THRESHOLDS.managedRuleBlocks,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      // The dimensions are the web ACL's and the rule's metric names in the edge stack; a CloudFront
      // web ACL's metrics have no Region dimension.
      expect(deployed.dimension(alarm, 'WebACL')).toBe(deployed.webAcl.Properties.VisibilityConfig.MetricName);
      expect(deployed.dimension(alarm, 'Region')).toBeUndefined();
      expect(wafRule(rule).VisibilityConfig.MetricName).toBe(rule);
      expect(wafRule(rule).Action.Block).toBeDefined();
    },
  );

  it('alarms when the customer-pages rate rule refuses more page requests than the stage allows in 5 minutes', () => {
    const [rateRule] = (deployed.webAcl.Properties.Rules as Json[]).filter(
      (rule) =>
        rule.Statement.RateBasedStatement?.Limit === STAGES.dev.waf.customerPages.limit &&
        JSON.stringify(rule.Statement).includes('"SearchString":"/o/"') &&
        JSON.stringify(rule.Statement).includes('"SearchString":"GET"'),
    );
    const alarm = blockAlarm(rateRule.VisibilityConfig.MetricName);
    expect(alarm).toMatchObject({
      MetricName: 'BlockedRequests',
      Statistic: 'Sum',
      Period: 300,
      Threshold: THRESHOLDS.customerPageRateBlocks,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(deployed.dimension(alarm, 'WebACL')).toBe(deployed.webAcl.Properties.VisibilityConfig.MetricName);
  });

  it('makes every alarm notify the edge topic on alarm and on recovery, and never breach on missing data', () => {
    const watched = deployed.alarms.map((alarm) => deployed.dimension(alarm, 'Rule') ?? alarm.MetricName).sort();
    expect(watched).toEqual(['5xxErrorRate', ...Object.values(MANAGED_BLOCK_RULES), 'RateCustomerPages'].sort());
    for (const alarm of deployed.alarms) {
      expect(alarm).toMatchObject({
        AlarmActions: [{ Ref: deployed.topicId }],
        OKActions: [{ Ref: deployed.topicId }],
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('encrypts its topic with a rotated key CloudWatch may use and refuses publishing without TLS', () => {
    const topic = deployed.resources[deployed.topicId] as Resource;
    const [keyId] = topic.Properties.KmsMasterKeyId['Fn::GetAtt'] as [string, string];
    const key = deployed.resources[keyId] as Resource;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const grants = (key.Properties.KeyPolicy.Statement as Json[]).filter(
      (statement) => statement.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(grants).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    deployed.alarmsTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: deployed.topicId }],
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
  });

  it("subscribes the stage's alarm email to the edge topic, as to the main stack's", () => {
    deployed.alarmsTemplate.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = build({ alarmEmail: 'ops@example.org' });
    withEmail.alarmsTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: withEmail.topicId },
    });
    const mainTopicId = withEmail.stack.getLogicalId(
      withEmail.stack.observability.alarmTopic.node.defaultChild as never,
    );
    const mainSubscriptions = Object.values(withEmail.main).filter((r) => r.Type === 'AWS::SNS::Subscription');
    expect(mainSubscriptions.map((r) => [r.Properties.Endpoint, r.Properties.TopicArn])).toEqual([
      ['ops@example.org', { Ref: mainTopicId }],
    ]);
  });

  it("keeps the main stack's alarm topic and key under their logical IDs (a new topic would need the email confirmed again)", () => {
    const mainTopicId = deployed.stack.getLogicalId(deployed.stack.observability.alarmTopic.node.defaultChild as never);
    const mainKeyId = deployed.stack.getLogicalId(
      deployed.stack.observability.alarmTopic.key.node.defaultChild as never,
    );
    // The IDs the stack had before the topic became a construct of its own (a key placed under the
    // topic, or a renamed construct, would get another hash and replace the resource).
    expect(mainTopicId).toBe('ObservabilityAlarmTopicF724909D');
    expect(mainKeyId).toBe('ObservabilityAlarmTopicKey48516DE9');
    expect(deployed.main[mainTopicId]?.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [mainKeyId, 'Arn'] });
  });
});

describe('edge alarm thresholds (infra/stages.ts)', () => {
  const bad = (thresholds: Partial<EdgeAlarmThresholds>) => () =>
    createApp(
      { context: { ...SKIP_BUNDLING, stage: 'x' } },
      { stages: { x: { ...STAGES.dev, name: 'x', edgeAlarms: { ...STAGES.dev.edgeAlarms, ...thresholds } } } },
    );

  it.each([
    [{ viewer5xxPercent: 0 }, /edgeAlarms\.viewer5xxPercent/],
    [{ viewer5xxPercent: 100 }, /edgeAlarms\.viewer5xxPercent/],
    [{ viewer5xxPercent: Number.NaN }, /edgeAlarms\.viewer5xxPercent/],
    [{ viewer5xxPeriods: 0 }, /edgeAlarms\.viewer5xxPeriods/],
    [{ viewer5xxPeriods: 1.5 }, /edgeAlarms\.viewer5xxPeriods/],
    [{ viewer5xxPeriods: 289 }, /edgeAlarms\.viewer5xxPeriods/],
    [{ managedRuleBlocks: 0 }, /edgeAlarms\.managedRuleBlocks/],
    [{ customerPageRateBlocks: 2.5 }, /edgeAlarms\.customerPageRateBlocks/],
  ] as const)('rejects %o, naming the setting', (thresholds, message) => {
    expect(bad(thresholds)).toThrow(message);
  });

  it('accepts the bounds: a day of 5-minute periods, a fraction of a percent, a single request', () => {
    expect(
      bad({ viewer5xxPeriods: 288, viewer5xxPercent: 0.5, managedRuleBlocks: 1, customerPageRateBlocks: 1 }),
    ).not.toThrow();
  });
});
