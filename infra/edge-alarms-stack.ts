import { Aspects, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { NotifyOnAlarm } from './constructs/observability.ts';
import { MANAGED_BLOCK_RULES, RATE_RULES, WAF_REGION, type WafMetricNames } from './edge-stack.ts';
import type { EdgeAlarmThresholds } from './stages.ts';

export interface EdgeAlarmsStackProps extends StackProps {
  readonly stage: string;
  /** Subscribed to this stack's alarm topic; absent: no subscription. */
  readonly alarmEmail?: string;
  /** The CloudFront distribution's id (a cross-region reference to the main stack). */
  readonly distributionId: string;
  /** The web ACL's and its rules' metric names (the edge stack's `metrics`). */
  readonly waf: WafMetricNames;
  readonly thresholds: EdgeAlarmThresholds;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms on what the edge sees, in us-east-1: CloudFront and WAF publish their metrics only
 * there, and an alarm only notifies an SNS topic of its own region, so this stack has its own
 * AlarmTopic with the same stage email. It reads the distribution id from the main stack, so it
 * deploys after it.
 *
 * Metrics and dimensions:
 * - `AWS/CloudFront` `5xxErrorRate` (percent, statistic Average), dimensions `DistributionId` and
 *   `Region=Global` (CloudFront developer guide, "Types of metrics for CloudFront", read
 *   2026-11-30: every distribution metric has both; Region is always Global).
 * - `AWS/WAFV2` `BlockedRequests` (statistic Sum), dimensions `WebACL` (the web ACL's metric name)
 *   and `Rule` (the rule's metric name), without `Region`: it is "required for all protected
 *   resource types except for Amazon CloudFront distributions" (AWS WAF developer guide, "AWS WAF
 *   metrics and dimensions", read 2026-11-30). WAF reports a datapoint only when the count is
 *   above zero, so missing data is "nothing blocked".
 *
 * Every alarm notifies the topic on alarm and on recovery (NotifyOnAlarm); missing data never
 * breaches.
 */
export class EdgeAlarmsStack extends Stack {
  readonly alarmTopic: AlarmTopic;
  /** Viewers are getting 5xx answers (CloudFront's or the origin's). */
  readonly viewerErrors: Alarm;
  /** One per managed-rule block rule, by rule name. */
  readonly managedRuleBlocks: Readonly<Record<string, Alarm>>;
  /** The customer-pages rate rule is refusing many page requests. */
  readonly customerPageRateBlocks: Alarm;

  constructor(scope: Construct, id: string, props: EdgeAlarmsStackProps) {
    super(scope, id, props);
    if (this.region !== WAF_REGION) {
      throw new Error(`${id}: CloudFront and WAF metrics exist only in ${WAF_REGION}, got region ${this.region}`);
    }
    const { thresholds } = props;
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { stage: props.stage, kind: 'edge', email: props.alarmEmail });

    this.viewerErrors = new Alarm(this, 'Viewer5xxAlarm', {
      alarmDescription:
        `Viewers are getting 5xx answers: over ${thresholds.viewer5xxPercent} % of CloudFront's requests for ` +
        `${thresholds.viewer5xxPeriods * 5} minutes. Check the main stack's API 5xx and function error alarms; ` +
        'if they are quiet, CloudFront cannot reach the origin (502/504).',
      metric: new Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: props.distributionId, Region: 'Global' },
        statistic: 'Average',
        period: PERIOD,
      }),
      threshold: thresholds.viewer5xxPercent,
      evaluationPeriods: thresholds.viewer5xxPeriods,
      datapointsToAlarm: thresholds.viewer5xxPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const blocked = (rule: string): Metric => {
      // A renamed rule would leave an alarm on a metric nobody publishes: fail the synth instead.
      if (!props.waf.rules.includes(rule)) throw new Error(`${id}: the web ACL has no rule "${rule}"`);
      return new Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: props.waf.webAcl, Rule: rule },
        statistic: 'Sum',
        period: PERIOD,
      });
    };
    const blockAlarm = (alarmId: string, rule: string, threshold: number, description: string): Alarm =>
      new Alarm(this, alarmId, {
        alarmDescription: description,
        metric: blocked(rule),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    const managedRuleBlocks: Record<string, Alarm> = {};
    for (const [side, rule] of Object.entries(MANAGED_BLOCK_RULES)) {
      managedRuleBlocks[rule] = blockAlarm(
        `${rule}Alarm`,
        rule,
        thresholds.managedRuleBlocks,
        `WAF's ${rule} refused over ${thresholds.managedRuleBlocks} ${side === 'api' ? 'partner API' : 'page and console'} ` +
          'requests in 5 minutes: an attack, or a managed rule refusing real traffic. Read the sampled requests ' +
          '(WAF console, us-east-1): many addresses and one label on normal paths are false positives; exclude the label there.',
      );
    }
    this.managedRuleBlocks = managedRuleBlocks;

    const customerPages = RATE_RULES.find((rule) => rule.kind === 'customerPages');
    if (!customerPages) throw new Error(`${id}: no rate rule for customer pages`);
    this.customerPageRateBlocks = blockAlarm(
      'CustomerPageRateBlocksAlarm',
      customerPages.name,
      thresholds.customerPageRateBlocks,
      `WAF's ${customerPages.name} refused over ${thresholds.customerPageRateBlocks} offer page requests in 5 minutes ` +
        '(429). Read the sampled requests: one address of a carrier or an office opening a viral link means real ' +
        'customers are refused (raise waf.customerPages.limit); a single client fetching pages in a loop is the rule working.',
    );

    // Every alarm of this stack, also those added later, notifies this stack's topic.
    Aspects.of(this).add(new NotifyOnAlarm(this.alarmTopic));
  }
}
