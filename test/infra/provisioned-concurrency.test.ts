import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createApp } from '../../infra/app.ts';
import { LIVE_ALIAS } from '../../infra/constructs/app-function.ts';
import { PurchaseOffersStack } from '../../infra/stack.ts';
import { MAX_PROVISIONED_CONCURRENCY, STAGES, type StageConfig } from '../../infra/stages.ts';
import { ROUTES, routeKey } from '../../shared/routes.ts';

// Assertions look at the template only; bundling every function would just slow them down.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const PAGE = 'offerPage';

// biome-ignore lint/suspicious/noExplicitAny: the template's JSON, read loosely by the assertions below
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; [key: string]: unknown };

/** A stage `test` like dev with these settings changed (stages are code: tests define their own). */
function build(overrides: Partial<StageConfig>) {
  const built = createApp(
    { context: { ...SKIP_BUNDLING, stage: 'test' } },
    { stages: { test: { ...STAGES.dev, name: 'test', ...overrides } } },
  );
  const { app, stack } = built;
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, Resource> };
  const resources = template.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const page = stack.functions[PAGE];
  if (!page) throw new Error(`no ${PAGE} function`);
  const functionId = stack.getLogicalId(page.function.node.defaultChild as never);
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties);
  /** The integration resource the route with this key sends requests to. */
  const integrationOf = (key: string) => {
    const route = routes.find((candidate) => candidate.RouteKey === key);
    const integrationId = /"Ref":"([^"]+)"/.exec(JSON.stringify(route?.Target))?.[1] ?? '';
    return resources[integrationId];
  };
  return { ...built, resources, ofType, page, functionId, integrationOf };
}

const PROVISIONED = 3;
const provisioned = build({ offerPageProvisionedConcurrency: PROVISIONED });
const none = build({ offerPageProvisionedConcurrency: 0 });
const pageRouteKeys = ROUTES.filter((route) => route.function === PAGE).map(routeKey);
const otherRouteKeys = ROUTES.filter((route) => route.function !== PAGE).map(routeKey);

/** Permissions letting API Gateway invoke the given function (its logical id) or an alias of it. */
function apiPermissions(built: ReturnType<typeof build>) {
  return built
    .ofType('AWS::Lambda::Permission')
    .map(([, permission]) => permission.Properties)
    .filter((props) => props.Principal === 'apigateway.amazonaws.com');
}

describe('offer page with provisioned concurrency (stage setting above 0)', () => {
  const { ofType, functionId, integrationOf } = provisioned;
  const aliases = ofType('AWS::Lambda::Alias');
  const [[aliasId, alias]] = aliases as [[string, Resource]];

  it(`has one alias "${LIVE_ALIAS}" of the page function with exactly the stage's provisioned environments`, () => {
    expect(aliases).toHaveLength(1);
    expect(alias.Properties).toMatchObject({
      Name: LIVE_ALIAS,
      FunctionName: { Ref: functionId },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: PROVISIONED },
    });
  });

  it('points the alias at a version published from the page function', () => {
    const versionId = alias.Properties.FunctionVersion?.['Fn::GetAtt']?.[0];
    expect(alias.Properties.FunctionVersion).toEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
    expect(provisioned.resources[versionId]).toMatchObject({
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: functionId } },
    });
    expect(ofType('AWS::Lambda::Version')).toHaveLength(1);
  });

  it.each(pageRouteKeys)('route %s invokes the alias, not $LATEST', (key) => {
    expect(integrationOf(key)?.Properties.IntegrationUri).toEqual({ Ref: aliasId });
  });

  it('leaves every other route on its own function', () => {
    const onAlias = otherRouteKeys.filter((key) =>
      JSON.stringify(integrationOf(key)?.Properties.IntegrationUri).includes(aliasId),
    );
    expect(otherRouteKeys.length).toBeGreaterThan(0);
    expect(onAlias).toEqual([]);
  });

  it("lets API Gateway invoke the alias for each of the page's routes, and no longer the function itself", () => {
    const permissions = apiPermissions(provisioned);
    const onAlias = permissions.filter(
      (props) => JSON.stringify(props.FunctionName) === JSON.stringify({ Ref: aliasId }),
    );
    expect(onAlias).toHaveLength(pageRouteKeys.length);
    for (const props of onAlias) expect(props.Action).toBe('lambda:InvokeFunction');
    const onFunction = permissions.filter((props) => JSON.stringify(props.FunctionName).includes(`"${functionId}"`));
    expect(onFunction).toEqual([]);
  });

  it('switches the integration to the alias only once those permissions exist', () => {
    const aliasPermissionIds = provisioned
      .ofType('AWS::Lambda::Permission')
      .filter(
        ([, permission]) => JSON.stringify(permission.Properties.FunctionName) === JSON.stringify({ Ref: aliasId }),
      )
      .map(([id]) => id);
    for (const key of pageRouteKeys) {
      expect(integrationOf(key)?.DependsOn).toEqual(expect.arrayContaining(aliasPermissionIds));
    }
  });

  it("graphs the alias's utilization and spillover on the dashboard", () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const metric of ['ProvisionedConcurrencyUtilization', 'ProvisionedConcurrencySpilloverInvocations']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain(`:${LIVE_ALIAS}`);
  });

  it("keeps the page's errors alarm on the function's own metric, which adds up every version and alias", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const pageErrors = alarms.find(
      (props) => props.MetricName === 'Errors' && JSON.stringify(props.Dimensions).includes(`"${functionId}"`),
    );
    expect(pageErrors?.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: functionId } }]);
  });

  it('passes cdk-nag with no finding of any level', () => {
    const report = new AwsSolutionsChecks().validateScope(provisioned.app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('offer page without provisioned concurrency (0)', () => {
  const { ofType, functionId, integrationOf } = none;

  it('has no alias and no published version', () => {
    expect([ofType('AWS::Lambda::Alias'), ofType('AWS::Lambda::Version')]).toEqual([[], []]);
  });

  it.each(pageRouteKeys)('route %s invokes the page function itself, as before', (key) => {
    expect(integrationOf(key)?.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
    expect(integrationOf(key)?.DependsOn).toBeUndefined();
  });

  it("lets API Gateway invoke the function for each of the page's routes", () => {
    const onFunction = apiPermissions(none).filter(
      (props) => JSON.stringify(props.FunctionName) === JSON.stringify({ 'Fn::GetAtt': [functionId, 'Arn'] }),
    );
    expect(onFunction).toHaveLength(pageRouteKeys.length);
  });

  it('has no provisioned concurrency graphs', () => {
    const [[, dashboard]] = ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).not.toContain('ProvisionedConcurrency');
  });

  it('keeps every logical id: turning it on only adds the version and the alias', () => {
    const added = Object.keys(provisioned.resources).filter((id) => !(id in none.resources));
    const removed = Object.keys(none.resources).filter((id) => !(id in provisioned.resources));
    expect(removed).toEqual([]);
    expect(added.map((id) => provisioned.resources[id]?.Type).sort()).toEqual([
      'AWS::Lambda::Alias',
      'AWS::Lambda::Version',
    ]);
  });
});

describe('the stages', () => {
  it('provisions environments in prod and none in dev', () => {
    expect(STAGES.prod.offerPageProvisionedConcurrency).toBeGreaterThan(0);
    expect(STAGES.dev.offerPageProvisionedConcurrency).toBe(0);
  });

  it.each([-1, 1.5, MAX_PROVISIONED_CONCURRENCY + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses offerPageProvisionedConcurrency %p, naming the setting',
    (value) => {
      expect(() =>
        createApp(
          { context: { ...SKIP_BUNDLING, stage: 'x' } },
          { stages: { x: { ...STAGES.dev, name: 'x', offerPageProvisionedConcurrency: value } } },
        ),
      ).toThrow(/Stage x: offerPageProvisionedConcurrency must be a whole number from 0 \(none\) to 100/);
    },
  );

  it('accepts the largest allowed value', () => {
    const { stack } = createApp(
      { context: { ...SKIP_BUNDLING, stage: 'x' } },
      { stages: { x: { ...STAGES.dev, name: 'x', offerPageProvisionedConcurrency: MAX_PROVISIONED_CONCURRENCY } } },
    );
    expect(stack.functions[PAGE]?.alias).toBeDefined();
  });
});

describe('the stack', () => {
  it('refuses provisioned concurrency for a function something other than API Gateway invokes', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const props = {
      stage: 'x',
      env: { region: 'eu-west-1' },
      webAclArn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/00000000-0000-4000-8000-000000000000',
      wafMetrics: { webAcl: 'x', rules: [] },
      originSecretRotationDays: 30,
      checkoutUrlTemplate: STAGES.dev.checkoutUrlTemplate,
      directoryBaseUrl: STAGES.dev.directoryBaseUrl,
      directoryCredentialParameter: '/x/directory-credential',
      formTokenKeysParameter: '/x/form-token-keys',
      scheduleRateMinutes: { officeSync: 10 },
    };
    // The office sync also runs on a schedule and is invoked by the console.
    expect(
      () => new PurchaseOffersStack(app, 'Scheduled', { ...props, provisionedConcurrency: { officeSync: 1 } }),
    ).toThrow(/officeSync: provisioned concurrency is only for functions that API Gateway alone invokes/);
  });
});
