import { Duration, type IAspect } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { Alarm, CfnAlarm, Dashboard, GraphWidget, type IMetric, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { OFFICE_SYNC_METRICS } from '../../functions/office-sync/metrics.ts';
import type { WafMetricNames } from '../edge-stack.ts';
import { AlarmTopic } from './alarm-topic.ts';
import type { AppFunction } from './app-function.ts';

export interface ObservabilityProps {
  readonly stage: string;
  /** Alarm notifications by email to this address; absent: the topic has no subscription. */
  readonly alarmEmail?: string;
  readonly api: HttpApi;
  readonly functions: Readonly<Record<string, AppFunction>>;
  readonly table: ITable;
  readonly webhookDeadLetterQueue: IQueue;
  readonly distribution: Distribution;
  readonly waf: WafMetricNames;
  /** Region of WAF and CloudFront metrics (us-east-1). */
  readonly edgeRegion: string;
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;

/**
 * Where every alarm of the stack notifies (an AlarmTopic with the stage's alarm email), and one
 * dashboard of what ops looks at first.
 */
export class Observability extends Construct {
  readonly alarmTopic: AlarmTopic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { stage: props.stage, email: props.alarmEmail });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [new TextWidget({ markdown: `# Purchase offers (${props.stage})`, width: 24, height: 1 })],
        [
          graph('API answers (count per 5 min)', [
            props.api.metricClientError({ period: PERIOD, label: '4xx' }),
            props.api.metricServerError({ period: PERIOD, label: '5xx' }),
            props.api.metricCount({ period: PERIOD, label: 'requests' }),
          ]),
          graph('API latency (ms)', [
            props.api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
            props.api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
            props.api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
          ]),
        ],
        [
          graph(
            'Lambda errors',
            perFunction(props.functions, (fn) => fn.metricErrors({ period: PERIOD })),
          ),
          graph(
            'Lambda throttles',
            perFunction(props.functions, (fn) => fn.metricThrottles({ period: PERIOD })),
          ),
        ],
        [
          graph(
            'Lambda duration p99 (ms)',
            perFunction(props.functions, (fn) => fn.metricDuration({ period: PERIOD, statistic: 'p99' })),
          ),
          graph('DynamoDB throttled requests', [
            props.table.metric('ReadThrottleEvents', { period: PERIOD, statistic: 'Sum', label: 'reads' }),
            props.table.metric('WriteThrottleEvents', { period: PERIOD, statistic: 'Sum', label: 'writes' }),
          ]),
        ],
        [
          graph(
            'WAF blocked requests, per rule',
            props.waf.rules.map(
              (rule) =>
                new Metric({
                  namespace: 'AWS/WAFV2',
                  metricName: 'BlockedRequests',
                  dimensionsMap: { WebACL: props.waf.webAcl, Rule: rule },
                  region: props.edgeRegion,
                  statistic: 'Sum',
                  period: PERIOD,
                  label: rule,
                }),
            ),
          ),
          graph('CloudFront error rates (%)', [
            ...(['4xxErrorRate', '5xxErrorRate'] as const).map(
              (metricName) =>
                new Metric({
                  namespace: 'AWS/CloudFront',
                  metricName,
                  dimensionsMap: { DistributionId: props.distribution.distributionId, Region: 'Global' },
                  region: props.edgeRegion,
                  statistic: 'Average',
                  period: PERIOD,
                }),
            ),
          ]),
        ],
        [
          graph('Webhook dead-letter queue depth', [
            props.webhookDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: PERIOD,
              statistic: 'Maximum',
              label: 'messages',
            }),
          ]),
          graph('Office sync runs', [
            syncMetric(OFFICE_SYNC_METRICS.succeeded),
            syncMetric(OFFICE_SYNC_METRICS.failed),
            syncMetric(OFFICE_SYNC_METRICS.invalid),
            syncMetric(OFFICE_SYNC_METRICS.written),
          ]),
        ],
        ...provisionedConcurrencyRows(props.functions),
      ],
    });
  }
}

/**
 * Per function with provisioned environments (its `live` alias): how full they are and how many
 * invocations found them all busy and ran on an on-demand environment, perhaps a cold start.
 * Spillover is not an error, so it has no alarm: a steady one means the stage's setting is too
 * low. The errors, throttles and duration graphs above need nothing: a function's metrics without
 * a `Resource` dimension add up all its versions and aliases.
 */
function provisionedConcurrencyRows(functions: Readonly<Record<string, AppFunction>>): GraphWidget[][] {
  return Object.entries(functions).flatMap(([name, fn]) =>
    fn.alias
      ? [
          [
            graph(`${name} provisioned concurrency utilization (max)`, [
              fn.alias.metric('ProvisionedConcurrencyUtilization', {
                period: PERIOD,
                statistic: 'Maximum',
                label: 'utilization',
              }),
            ]),
            graph(`${name} invocations beyond provisioned concurrency`, [
              fn.alias.metric('ProvisionedConcurrencySpilloverInvocations', {
                period: PERIOD,
                statistic: 'Sum',
                label: 'spillover',
              }),
              fn.alias.metric('ProvisionedConcurrencyInvocations', {
                period: PERIOD,
                statistic: 'Sum',
                label: 'provisioned',
              }),
            ]),
          ],
        ]
      : [],
  );
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: WIDTH, height: 6 });
}

function perFunction(
  functions: Readonly<Record<string, AppFunction>>,
  metric: (fn: AppFunction['function']) => Metric,
): IMetric[] {
  return Object.entries(functions).map(([name, fn]) => metric(fn.function).with({ label: name }));
}

function syncMetric(metricName: string): Metric {
  return new Metric({
    namespace: OFFICE_SYNC_METRICS.namespace,
    metricName,
    dimensionsMap: { service: OFFICE_SYNC_METRICS.service },
    statistic: 'Sum',
    period: PERIOD,
    label: metricName,
  });
}

/**
 * Makes every alarm in the scope notify the topic, on alarm and on recovery, including alarms that
 * constructs added later create: an aspect runs over the whole tree at synth.
 */
export class NotifyOnAlarm implements IAspect {
  private readonly done = new WeakSet<IConstruct>();

  constructor(private readonly topic: Topic) {}

  visit(node: IConstruct): void {
    if (this.done.has(node)) return;
    if (node instanceof Alarm) {
      this.done.add(node);
      node.addAlarmAction(new SnsAction(this.topic));
      node.addOkAction(new SnsAction(this.topic));
      return;
    }
    // A bare CfnAlarm (not an L2 Alarm's own resource): its actions are set directly.
    if (node instanceof CfnAlarm && !(node.node.scope instanceof Alarm)) {
      this.done.add(node);
      const actions = Array.isArray(node.alarmActions) ? node.alarmActions : [];
      const ok = Array.isArray(node.okActions) ? node.okActions : [];
      node.alarmActions = [...actions, this.topic.topicArn];
      node.okActions = [...ok, this.topic.topicArn];
    }
  }
}
