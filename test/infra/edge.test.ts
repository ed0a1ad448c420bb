import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/app.ts';
import { CACHED_PATHS, ICON_PATHS, PERSONAL_PATHS } from '../../infra/constructs/edge.ts';
import {
  BODY_KEYS,
  MANAGED_BLOCK_RULES,
  MANAGED_RULE_EXCLUSIONS,
  MANAGED_RULE_GROUPS,
} from '../../infra/edge-stack.ts';
import { STAGES, type StageConfig } from '../../infra/stages.ts';
import { ORIGIN_VERIFY_HEADER } from '../../shared/http/origin-check.ts';
import { LEGACY_ICON_PATH, SITE_ICON_MAX_AGE_SECONDS, SITE_ICON_PATH } from '../../shared/render/site-icon.ts';
import { FALLBACK_FUNCTION, FUNCTIONS, ROUTES } from '../../shared/routes.ts';

const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
/** CloudFront's managed policies, by their documented ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

// biome-ignore lint/suspicious/noExplicitAny: the template's JSON, read loosely by the assertions below
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; [key: string]: unknown };

function build(stage: Partial<StageConfig> = {}) {
  const { stack, edge } = createApp(
    { context: { ...SKIP_BUNDLING, stage: 'test' } },
    { stages: { test: { ...STAGES.dev, name: 'test', ...stage } } },
  );
  const main = Template.fromStack(stack);
  const waf = Template.fromStack(edge);
  const resources = main.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  const [[, distribution]] = ofType('AWS::CloudFront::Distribution') as [[string, Resource]];
  const [[, webAcl]] = Object.entries(waf.toJSON().Resources as Record<string, Resource>).filter(
    ([, r]) => r.Type === 'AWS::WAFv2::WebACL',
  ) as [[string, Resource]];
  return {
    stack,
    edge,
    main,
    resources,
    ofType,
    logicalId,
    config: distribution.Properties.DistributionConfig,
    webAcl,
  };
}

const deployed = build();
const rules = deployed.webAcl.Properties.Rules as Json[];
const ruleNamed = (name: string) => rules.find((rule) => rule.Name === name);

describe('CloudFront distribution', () => {
  const { config } = deployed;
  const behaviour = (pattern: string) =>
    (config.CacheBehaviors as Json[]).find((candidate) => candidate.PathPattern === pattern);

  it('sends everything to the HTTP API with the origin secret header, over TLS 1.2 only', () => {
    expect(config.Origins).toHaveLength(1);
    const [origin] = config.Origins;
    expect(JSON.stringify(origin.DomainName)).toContain(`"${deployed.logicalId(deployed.stack.api)}","ApiEndpoint"`);
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    const [header] = origin.OriginCustomHeaders;
    expect(header.HeaderName).toBe(ORIGIN_VERIFY_HEADER);
    // A dynamic reference to the secret's `current`: the value itself is never in the template.
    const value = JSON.stringify(header.HeaderValue);
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain(`"Ref":"${deployed.logicalId(deployed.stack.edge.originSecret)}"`);
    expect(value).toContain(':SecretString:current::}}');
  });

  it.each([...PERSONAL_PATHS, 'default'])(
    'never caches %s and passes every viewer header, cookie and query string except Host',
    (pattern) => {
      const found = pattern === 'default' ? config.DefaultCacheBehavior : behaviour(pattern);
      expect(found).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'POST', 'DELETE']),
      });
    },
  );

  it('refuses plain HTTP for the API and redirects customers who typed http://', () => {
    expect(behaviour('/v1/*').ViewerProtocolPolicy).toBe('https-only');
    expect(behaviour('/o/*').ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('caches only the OpenAPI document and the icon, keyed on nothing from the request, before the /v1/* rule', () => {
    const patterns = (config.CacheBehaviors as Json[]).map((candidate) => candidate.PathPattern);
    expect(patterns.indexOf(CACHED_PATHS[0])).toBeLessThan(patterns.indexOf('/v1/*'));
    const openApi = behaviour(CACHED_PATHS[0]);
    expect(openApi.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(openApi.OriginRequestPolicyId).toBeUndefined();
    const policyId = openApi.CachePolicyId.Ref as string;
    expect(deployed.resources[policyId]?.Properties.CachePolicyConfig).toMatchObject({
      ParametersInCacheKeyAndForwardedToOrigin: {
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      },
    });
    const cachedPolicies = (config.CacheBehaviors as Json[]).filter((b) => b.CachePolicyId !== CACHING_DISABLED);
    expect(cachedPolicies.map((b) => b.PathPattern)).toEqual([...CACHED_PATHS]);
  });

  it('caches the icon and its /favicon.ico redirect for the week the origin names, whatever the viewer sends', () => {
    expect([...ICON_PATHS].sort()).toEqual([LEGACY_ICON_PATH, SITE_ICON_PATH].sort());
    for (const path of ICON_PATHS) {
      const icon = behaviour(path);
      expect(icon).toMatchObject({
        AllowedMethods: ['GET', 'HEAD'],
        CachedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      // No origin request policy: the function gets no viewer header, cookie or query string.
      expect(icon.OriginRequestPolicyId).toBeUndefined();
      expect(JSON.stringify(icon.TargetOriginId)).toBe(JSON.stringify(config.DefaultCacheBehavior.TargetOriginId));
      const policy = deployed.resources[icon.CachePolicyId.Ref as string]?.Properties.CachePolicyConfig;
      expect(policy).toMatchObject({
        MinTTL: 0,
        DefaultTTL: SITE_ICON_MAX_AGE_SECONDS,
        MaxTTL: SITE_ICON_MAX_AGE_SECONDS,
        ParametersInCacheKeyAndForwardedToOrigin: {
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      });
    }
    // The routes CloudFront caches exist: the fallback function answers both, GET and HEAD.
    for (const path of ICON_PATHS) {
      expect(ROUTES.filter((route) => route.path === path).map((route) => [route.method, route.function])).toEqual(
        expect.arrayContaining([
          ['GET', FALLBACK_FUNCTION],
          ['HEAD', FALLBACK_FUNCTION],
        ]),
      );
    }
  });

  it('attaches the web ACL from the us-east-1 stack (a cross-region reference)', () => {
    // CDK's cross-region reference: the edge stack writes the ARN to an SSM parameter in this
    // region, and this stack's exports reader reads it at deploy.
    const webAclId = JSON.stringify(config.WebACLId);
    expect(webAclId).toContain('ExportsReader');
    expect(webAclId).toContain('/cdk/exports/PurchaseOffers-test/PurchaseOffersEdgetestuseast1FnGetAttWebAclArn');
    expect(deployed.stack.dependencies).toContain(deployed.edge);
  });

  it('uses the distribution name for offer links when the stage has no domain', () => {
    const fn = deployed.resources[deployed.logicalId(deployed.stack.functions.offerPage!.function)];
    expect(fn?.Properties.Environment.Variables.PUBLIC_BASE_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [deployed.logicalId(deployed.stack.edge.distribution), 'DomainName'] }],
      ],
    });
  });

  it('serves the stage domain with its certificate and TLS 1.2 when the stage names one', () => {
    const custom = build({
      domain: {
        name: 'offers.example.org',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      },
    });
    expect(custom.config).toMatchObject({
      Aliases: ['offers.example.org'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    const fn = custom.resources[custom.logicalId(custom.stack.functions.offerPage!.function)];
    expect(fn?.Properties.Environment.Variables.PUBLIC_BASE_URL).toBe('https://offers.example.org');
  });
});

describe('origin secret', () => {
  const secretId = deployed.logicalId(deployed.stack.edge.originSecret);
  const statementsOf = (name: string) => {
    const roleId = deployed.logicalId(deployed.stack.functions[name]!.role);
    return deployed
      .ofType('AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[]);
  };
  const onSecret = (name: string) =>
    statementsOf(name).filter((st) => JSON.stringify(st.Resource).includes(`"Ref":"${secretId}"`));
  const httpFunctions = new Set<string>([...ROUTES.map((route) => route.function), FALLBACK_FUNCTION, 'authorizer']);

  it('is generated JSON with a `current` value', () => {
    expect(deployed.resources[secretId]?.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'current',
      SecretStringTemplate: '{}',
    });
  });

  it.each([...httpFunctions])('%s reads it (GetSecretValue on it only) and finds it in ORIGIN_SECRET_ARN', (name) => {
    const fn = deployed.resources[deployed.logicalId(deployed.stack.functions[name]!.function)];
    expect(fn?.Properties.Environment.Variables.ORIGIN_SECRET_ARN).toEqual({ Ref: secretId });
    expect(onSecret(name).map((st) => st.Action)).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('is readable by no function that answers no HTTP request, except its rotation', () => {
    for (const name of Object.keys(FUNCTIONS).filter((n) => !httpFunctions.has(n) && n !== 'originSecretRotation')) {
      expect([name, onSecret(name)]).toEqual([name, []]);
    }
  });

  it('is rotated on the stage schedule by its function, which may update this distribution only', () => {
    deployed.main.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      RotationLambdaARN: {
        'Fn::GetAtt': [deployed.logicalId(deployed.stack.functions.originSecretRotation!.function), 'Arn'],
      },
      RotationRules: { ScheduleExpression: `rate(${STAGES.dev.originSecretRotationDays} days)` },
    });
    const statements = statementsOf('originSecretRotation');
    const cloudFront = statements.find((st) => JSON.stringify(st.Action).includes('cloudfront:'));
    expect(cloudFront?.Action).toEqual(['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution']);
    expect(JSON.stringify(cloudFront?.Resource)).toContain(
      `"Ref":"${deployed.logicalId(deployed.stack.edge.distribution)}"`,
    );
    expect(onSecret('originSecretRotation').flatMap((st) => st.Action)).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
    deployed.main.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'secretsmanager.amazonaws.com',
      FunctionName: {
        'Fn::GetAtt': [deployed.logicalId(deployed.stack.functions.originSecretRotation!.function), 'Arn'],
      },
    });
  });
});

describe('AWS WAF (us-east-1)', () => {
  it('is a CLOUDFRONT web ACL in us-east-1 that allows what no rule blocks', () => {
    expect(deployed.edge.region).toBe('us-east-1');
    expect(deployed.webAcl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
  });

  it.each([
    ['RateCustomerPages', 'customerPages', '/o/', ['GET', 'HEAD'], BODY_KEYS.pageRateLimited],
    ['RateCustomerForms', 'customerForms', '/o/', ['POST'], BODY_KEYS.pageRateLimited],
    ['RateConsoleSignIn', 'consoleSignIn', '/console/sign-in', ['POST'], BODY_KEYS.pageRateLimited],
    ['RatePartnerApi', 'partnerApi', '/v1/', [], BODY_KEYS.problemRateLimited],
  ] as const)(
    '%s limits each address to the stage %s size, answering 429 with Retry-After',
    (name, kind, path, methods, body) => {
      const rule = ruleNamed(name);
      const { limit, windowSeconds } = STAGES.dev.waf[kind];
      expect(rule.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        Limit: limit,
        EvaluationWindowSec: windowSeconds,
      });
      const scope = JSON.stringify(rule.Statement.RateBasedStatement.ScopeDownStatement);
      expect(scope).toContain(`"SearchString":"${path}"`);
      for (const method of methods)
        expect(scope).toContain(
          `"FieldToMatch":{"Method":{}},"PositionalConstraint":"EXACTLY","SearchString":"${method}"`,
        );
      expect(rule.Action.Block.CustomResponse).toMatchObject({
        ResponseCode: 429,
        CustomResponseBodyKey: body,
        ResponseHeaders: expect.arrayContaining([{ Name: 'retry-after', Value: String(windowSeconds) }]),
      });
    },
  );

  it('limits every other request too (console pages, unknown paths): no path is unlimited', () => {
    const rule = ruleNamed('RateOtherRequests');
    const { limit, windowSeconds } = STAGES.dev.waf.otherRequests;
    expect(rule.Statement.RateBasedStatement).toMatchObject({ Limit: limit, EvaluationWindowSec: windowSeconds });
    const scope = rule.Statement.RateBasedStatement.ScopeDownStatement.AndStatement.Statements as Json[];
    expect(scope.map((st) => st.NotStatement.Statement.ByteMatchStatement.SearchString)).toEqual(['/o/', '/v1/']);
    expect(rule.Action.Block.CustomResponse.ResponseCode).toBe(429);
  });

  it('compares paths lower-cased, so /O/<code> counts as a customer page', () => {
    const scope = JSON.stringify(ruleNamed('RateCustomerPages').Statement);
    expect(scope).toContain(
      '"PositionalConstraint":"STARTS_WITH","SearchString":"/o/","TextTransformations":[{"Priority":0,"Type":"LOWERCASE"}]',
    );
  });

  it('takes each limit from the stage config', () => {
    const custom = build({ waf: { ...STAGES.dev.waf, consoleSignIn: { limit: 12, windowSeconds: 600 } } });
    const rule = (custom.webAcl.Properties.Rules as Json[]).find((r) => r.Name === 'RateConsoleSignIn');
    expect(rule.Statement.RateBasedStatement).toMatchObject({ Limit: 12, EvaluationWindowSec: 600 });
    expect(rule.Action.Block.CustomResponse.ResponseHeaders).toContainEqual({ Name: 'retry-after', Value: '600' });
    expect(() => build({ waf: { ...STAGES.dev.waf, partnerApi: { limit: 5, windowSeconds: 300 } } })).toThrow(
      /waf.partnerApi.limit/,
    );
  });

  it('runs the three AWS managed groups in count mode, so that our rules answer what they match', () => {
    for (const group of MANAGED_RULE_GROUPS) {
      expect(ruleNamed(group.name)).toMatchObject({
        Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: group.name } },
        OverrideAction: { Count: {} },
      });
    }
    expect(MANAGED_RULE_GROUPS.map((group) => group.name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
  });

  it('blocks what a managed group labelled with 403: a problem under /v1, a page elsewhere', () => {
    const api = ruleNamed(MANAGED_BLOCK_RULES.api);
    const pages = ruleNamed(MANAGED_BLOCK_RULES.pages);
    const groupOrder = Math.max(...MANAGED_RULE_GROUPS.map((group) => ruleNamed(group.name).Priority));
    expect(api.Priority).toBeGreaterThan(groupOrder);
    expect(pages.Priority).toBeGreaterThan(groupOrder);
    expect(api.Action.Block.CustomResponse).toMatchObject({
      ResponseCode: 403,
      CustomResponseBodyKey: BODY_KEYS.problemBlocked,
    });
    expect(pages.Action.Block.CustomResponse).toMatchObject({
      ResponseCode: 403,
      CustomResponseBodyKey: BODY_KEYS.pageBlocked,
    });
    for (const group of MANAGED_RULE_GROUPS) {
      for (const rule of [api, pages]) {
        expect(JSON.stringify(rule.Statement)).toContain(
          `{"LabelMatchStatement":{"Key":"${group.namespace}","Scope":"NAMESPACE"}}`,
        );
      }
    }
  });

  it.each(MANAGED_RULE_EXCLUSIONS.map((exclusion) => [exclusion.label, exclusion] as const))(
    'excuses %s only on its paths',
    (_label, exclusion) => {
      const statement = JSON.stringify(ruleNamed(MANAGED_BLOCK_RULES.api).Statement);
      expect(statement).toContain(`{"NotStatement":{"Statement":`);
      expect(statement).toContain(`"Key":"${exclusion.label}","Scope":"LABEL"`);
      for (const path of exclusion.paths.filter((p) => p !== '/'))
        expect(statement).toContain(`"SearchString":"${path}"`);
    },
  );

  it('keeps the body size rule for customer forms (only the API and the console are excused)', () => {
    const size = MANAGED_RULE_EXCLUSIONS.find((e) => e.label.endsWith('SizeRestrictions_Body'));
    expect(size?.paths).toEqual(['/v1/', '/console/']);
  });

  it('answers in our formats: RFC 9457 problems for the API, pages in both languages for people', () => {
    const bodies = deployed.webAcl.Properties.CustomResponseBodies as Record<
      string,
      { ContentType: string; Content: string }
    >;
    const rateProblem = JSON.parse(bodies[BODY_KEYS.problemRateLimited]!.Content);
    expect(rateProblem).toMatchObject({
      type: 'urn:purchase-offers:problem:rate-limited',
      status: 429,
      title: 'Too many requests',
    });
    const blockedProblem = JSON.parse(bodies[BODY_KEYS.problemBlocked]!.Content);
    expect(blockedProblem).toMatchObject({ type: 'urn:purchase-offers:problem:request-blocked', status: 403 });
    expect(bodies[BODY_KEYS.problemRateLimited]!.ContentType).toBe('APPLICATION_JSON');
    for (const key of [BODY_KEYS.pageRateLimited, BODY_KEYS.pageBlocked]) {
      expect(bodies[key]!.ContentType).toBe('TEXT_HTML');
      expect(bodies[key]!.Content).toContain('<div lang="pt-BR">');
    }
    // WAF's limit per custom body.
    for (const body of Object.values(bodies)) expect(Buffer.byteLength(body.Content)).toBeLessThanOrEqual(4096);
  });

  it('publishes metrics and sampled requests for every rule and the web ACL', () => {
    for (const rule of rules)
      expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, MetricName: rule.Name });
    expect(deployed.webAcl.Properties.VisibilityConfig.MetricName).toBe(deployed.edge.metrics.webAcl);
  });
});

describe('dashboard and alarm notifications', () => {
  const alarms = deployed.ofType('AWS::CloudWatch::Alarm');
  const topicId = deployed.logicalId(deployed.stack.observability.alarmTopic);

  it('makes every alarm of the stack notify the alarm topic, on alarm and on recovery', () => {
    expect(alarms.length).toBeGreaterThan(10);
    for (const [id, alarm] of alarms) {
      expect([id, alarm.Properties.AlarmActions]).toEqual([id, [{ Ref: topicId }]]);
      expect([id, alarm.Properties.OKActions]).toEqual([id, [{ Ref: topicId }]]);
    }
  });

  it('encrypts the topic with a rotated key CloudWatch may use, and subscribes the stage alarm email', () => {
    const topic = deployed.resources[topicId];
    expect(topic?.Properties.KmsMasterKeyId).toBeDefined();
    const keyId = (topic?.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ][0] as string;
    expect(deployed.resources[keyId]?.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(deployed.resources[keyId]?.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    deployed.main.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = build({ alarmEmail: 'ops@example.org' });
    withEmail.main.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: withEmail.logicalId(withEmail.stack.observability.alarmTopic) },
    });
  });

  it('shows API, Lambda, DynamoDB, WAF, webhook dead letters and the sync on one dashboard', () => {
    const [[, dashboard]] = deployed.ofType('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const title of [
      'API answers',
      'API latency',
      'Lambda errors',
      'Lambda throttles',
      'Lambda duration p99',
      'DynamoDB throttled requests',
      'WAF blocked requests',
      'Webhook dead-letter queue depth',
      'Office sync runs',
    ]) {
      expect([title, body.includes(title)]).toEqual([title, true]);
    }
    // One line per function, and WAF's metrics read in us-east-1 per rule.
    for (const name of Object.keys(FUNCTIONS))
      expect([name, body.includes(`\\"label\\":\\"${name}\\"`)]).toEqual([name, true]);
    expect(body).toContain('AWS/WAFV2');
    expect(body).toContain(`\\"region\\":\\"us-east-1\\"`);
    for (const rule of deployed.edge.metrics.rules) expect(body).toContain(rule);
    expect(body).toContain('ReadThrottleEvents');
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
  });
});

describe('route throttles (account protection behind WAF)', () => {
  it('lets a 5,000 views/s offer link through the gateway: per-client limits are WAF’s', () => {
    const [[, stage]] = deployed.ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties.RouteSettings['GET /o/{code}']).toEqual({
      ThrottlingRateLimit: 5000,
      ThrottlingBurstLimit: 5000,
    });
  });

  it('matches nothing from context but the stage name', () => {
    const ignored = createApp({
      context: { ...SKIP_BUNDLING, officeSyncRate: '3', publicBaseUrl: 'https://x.example' },
    });
    const schedule = Template.fromStack(ignored.stack).findResources('AWS::Scheduler::Schedule');
    expect(JSON.stringify(schedule)).toContain(`rate(${STAGES.dev.officeSyncRateMinutes} minutes)`);
  });
});
