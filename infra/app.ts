import { pathToFileURL } from 'node:url';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EdgeAlarmsStack } from './edge-alarms-stack.ts';
import { EdgeStack, WAF_REGION } from './edge-stack.ts';
import { PurchaseOffersStack } from './stack.ts';
import { DEFAULT_STAGE, STAGES, type StageConfig, stageConfig } from './stages.ts';

/**
 * The CDK app: three stacks per stage, all from the stage's entry in infra/stages.ts, picked with
 * `-c stage=<name>` (default `dev`). Nothing else comes from context, so the committed file is
 * what `cdk diff` compares against. In deploy order:
 *   PurchaseOffersEdge-<stage>        us-east-1: the AWS WAF web ACL (CloudFront only takes web
 *                                     ACLs from there)
 *   PurchaseOffers-<stage>            the stage's region: everything else, the CloudFront
 *                                     distribution included (it takes the web ACL's ARN through a
 *                                     cross-region reference: CDK writes it to an SSM parameter in
 *                                     this region)
 *   PurchaseOffersEdgeAlarms-<stage>  us-east-1: alarms on CloudFront and WAF metrics (published
 *                                     only there) with their own alarm topic; takes the
 *                                     distribution id the same way, the other way round
 */
export interface CreateAppOptions {
  /** Stage definitions to pick from; tests pass their own. */
  readonly stages?: Readonly<Record<string, StageConfig>>;
}

function stageName(app: App): string {
  const value: unknown = app.node.tryGetContext('stage');
  return value === undefined || value === null || value === '' ? DEFAULT_STAGE : String(value);
}

/** Builds the app with its stacks and cdk-nag; tests call it with their own context and stages. */
export function createApp(
  props: AppProps = {},
  options: CreateAppOptions = {},
): { app: App; stack: PurchaseOffersStack; edge: EdgeStack; edgeAlarms: EdgeAlarmsStack; config: StageConfig } {
  const app = new App({
    ...props,
    // Strong (CDK's default, stated): the edge stack refuses to drop the web ACL ARN while the main
    // stack still reads it, so a deploy cannot detach WAF by accident (and the main stack keeps
    // the distribution id the edge alarms read).
    context: { '@aws-cdk/core:defaultCrossStackReferences': 'strong', ...props.context },
  });
  const config = stageConfig(stageName(app), options.stages ?? STAGES);
  const stage = config.name;
  // The account: the stage's, else the CLI's; none at all for an offline synth. Regions are always
  // explicit: cross-region references need them, and they must not follow whoever runs the CLI.
  const account = config.account ?? process.env.CDK_DEFAULT_ACCOUNT;

  const edge = new EdgeStack(app, `PurchaseOffersEdge-${stage}`, {
    description: `Purchase offers: AWS WAF in front of CloudFront (${stage})`,
    env: { account, region: WAF_REGION },
    crossRegionReferences: true,
    stage,
    rateLimits: config.waf,
  });

  const stack = new PurchaseOffersStack(app, `PurchaseOffers-${stage}`, {
    description: `Purchase offers as a service (${stage})`,
    env: { account, region: config.region },
    crossRegionReferences: true,
    stage,
    domain: config.domain,
    webAclArn: edge.webAcl.attrArn,
    wafMetrics: edge.metrics,
    alarmEmail: config.alarmEmail,
    originSecretRotationDays: config.originSecretRotationDays,
    checkoutUrlTemplate: config.checkoutUrlTemplate,
    directoryBaseUrl: config.directoryBaseUrl,
    directoryCredentialParameter:
      config.directoryCredentialParameter ?? `/purchase-offers/${stage}/directory-credential`,
    formTokenKeysParameter: config.formTokenKeysParameter ?? `/purchase-offers/${stage}/form-token-keys`,
    scheduleRateMinutes: { officeSync: config.officeSyncRateMinutes },
    provisionedConcurrency: { offerPage: config.offerPageProvisionedConcurrency },
  });
  stack.addStackDependency(edge, 'The distribution attaches the web ACL');

  const edgeAlarms = new EdgeAlarmsStack(app, `PurchaseOffersEdgeAlarms-${stage}`, {
    description: `Purchase offers: alarms on CloudFront and AWS WAF metrics, published only in us-east-1 (${stage})`,
    env: { account, region: WAF_REGION },
    crossRegionReferences: true,
    stage,
    alarmEmail: config.alarmEmail,
    distributionId: stack.edge.distribution.distributionId,
    waf: edge.metrics,
    thresholds: config.edgeAlarms,
  });
  edgeAlarms.addStackDependency(stack, 'The alarms watch the distribution');
  Tags.of(app).add('project', 'purchase-offers');
  Tags.of(app).add('stage', stage);

  // cdk-nag 3 runs as a validation plugin at synth; unacknowledged errors fail the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, edge, edgeAlarms, config };
}

// Run by the CDK CLI (cdk.json: `npx tsx infra/app.ts`); tests import createApp instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) createApp();
