import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OFFICE_SYNC_METRICS } from '../../functions/office-sync/metrics.ts';
import { createApp } from '../../infra/app.ts';
import { RUNTIME_SOURCE_MAPS } from '../../infra/bundling.ts';
import { TRACING_ACTIONS, TRACING_POLICY_ID } from '../../infra/constructs/app-function.ts';
import { API_KEY_CACHE_SECONDS } from '../../infra/constructs/environment.ts';
import { AUTHORIZER_CACHE_TTL, DEFAULT_THROTTLE, STREAM_LIST_POLICY_ID } from '../../infra/stack.ts';
import { STAGES, type StageConfig } from '../../infra/stages.ts';
import { createTableInput, GSI1, GSI2, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/db/table.ts';
import { FALLBACK_FUNCTION, FUNCTIONS, type FunctionSpec, ROUTES, type Route, routeKey } from '../../shared/routes.ts';

// Assertions look at the template only; bundling every function would just slow them down.
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

type Resource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];

function synth(context: Record<string, unknown> = {}, stages?: Record<string, StageConfig>) {
  const { stack } = createApp({ context: { ...SKIP_BUNDLING, ...context } }, { stages });
  return { stack, template: Template.fromStack(stack) };
}

/** A stage `test` like dev with these settings changed (stages are code: tests define their own). */
function synthStage(overrides: Partial<StageConfig>) {
  return synth({ stage: 'test' }, { test: { ...STAGES.dev, name: 'test', ...overrides } });
}

/**
 * CDK's own reader and writer of cross-region references (the web ACL's ARN from us-east-1, the
 * distribution id to the edge alarms in us-east-1): a Lambda function and role each of CDK's
 * custom resource providers, not ours.
 */
const isCrossRegionProvider = (id: string) =>
  id.startsWith('CustomCrossRegionExportReader') || id.startsWith('CustomCrossRegionExportWriter');

const { stack, template } = synth();
const resources = template.toJSON().Resources as Record<string, Resource>;

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function logicalId(construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

function functionProps(name: string): Record<string, unknown> {
  const fn = stack.functions[name];
  if (!fn) throw new Error(`no function ${name}`);
  return resources[logicalId(fn.function)]?.Properties ?? {};
}

/** Every Allow statement of the policies attached to the function's role. */
function statementsOf(name: string): Statement[] {
  const roleId = logicalId(stack.functions[name]!.role);
  const role = resources[roleId]?.Properties ?? {};
  const inline = (role.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? [];
  const attached = ofType('AWS::IAM::Policy')
    .map(([, policy]) => policy.Properties ?? {})
    .filter((policy) => JSON.stringify(policy.Roles).includes(`"${roleId}"`))
    .map((policy) => policy as unknown as { PolicyDocument: { Statement: Statement[] } });
  return [...inline, ...attached]
    .flatMap((policy) => policy.PolicyDocument.Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

const actionsIn = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);

function actionsOf(name: string): string[] {
  return statementsOf(name).flatMap(actionsIn);
}

const functionEntries = Object.entries(FUNCTIONS) as [string, FunctionSpec][];

describe('API routes (derived from ROUTES)', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties ?? {});
  const routeFor = (route: Route) => routes.find((candidate) => candidate.RouteKey === routeKey(route));
  const [authorizerId] = ofType('AWS::ApiGatewayV2::Authorizer').map(([id]) => id);

  it('has exactly one API route per ROUTES entry, plus $default', () => {
    expect(routes.map((route) => route.RouteKey).sort()).toEqual([...ROUTES.map(routeKey), '$default'].sort());
  });

  it('sends requests no route matches to the fallback function, without the authorizer', () => {
    const fallback = routes.find((route) => route.RouteKey === '$default');
    expect(fallback?.AuthorizerId).toBeUndefined();
    const integrationId = /"Ref":"([^"]+)"/.exec(JSON.stringify(fallback?.Target))?.[1] ?? '';
    expect(JSON.stringify(resources[integrationId]?.Properties?.IntegrationUri)).toContain(
      `"${logicalId(stack.functions[FALLBACK_FUNCTION]!.function)}"`,
    );
  });

  it.each(ROUTES.filter((route) => route.auth === 'partner').map((route) => [routeKey(route), route] as const))(
    'partner route %s goes through the API key authorizer',
    (_key, route) => {
      expect(routeFor(route)).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
    },
  );

  it.each(ROUTES.filter((route) => route.auth === 'public').map((route) => [routeKey(route), route] as const))(
    'public route %s has no authorizer',
    (_key, route) => {
      const found = routeFor(route);
      expect(found).toBeDefined();
      expect(found?.AuthorizerId).toBeUndefined();
      expect(found?.AuthorizationType ?? 'NONE').toBe('NONE');
    },
  );

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))('%s invokes its function', (_key, route) => {
    const target = JSON.stringify(routeFor(route)?.Target);
    const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1] ?? '';
    expect(JSON.stringify(resources[integrationId]?.Properties?.IntegrationUri)).toContain(
      `"${logicalId(stack.functions[route.function]!.function)}"`,
    );
  });
});

describe('authorizer', () => {
  it('is a REQUEST authorizer with simple responses that runs even without an Authorization header', () => {
    const [[, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'REQUEST', EnableSimpleResponses: true });
    // An identity source would make API Gateway answer a missing header itself, not as problem+json.
    expect(authorizer.Properties).not.toHaveProperty('IdentitySource');
    expect(authorizer.Properties?.AuthorizerResultTtlInSeconds ?? 0).toBe(AUTHORIZER_CACHE_TTL.toSeconds());
    expect(JSON.stringify(authorizer.Properties?.AuthorizerUri)).toContain(
      `"${logicalId(stack.functions.authorizer!.function)}"`,
    );
  });

  it('caches key lookups inside the function instead, for a bounded time', () => {
    const variables = (functionProps('authorizer').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.API_KEY_CACHE_SECONDS).toBe(String(API_KEY_CACHE_SECONDS));
    expect(API_KEY_CACHE_SECONDS).toBeGreaterThan(0);
    expect(API_KEY_CACHE_SECONDS).toBeLessThanOrEqual(300);
  });
});

describe('table', () => {
  it('is retained, deletion-protected, point-in-time recoverable and on-demand', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('has the shared key schema, GSI1 and GSI2 projecting only what lists show, and the TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [GSI1, GSI2].map((index) =>
        Match.objectLike({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] },
        }),
      ),
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('keeps counters and the partner snapshot out of the indexes, and the local table equal to the stack’s', () => {
    for (const index of [GSI1, GSI2]) {
      expect(index.nonKeyAttributes).not.toContain('partner');
      expect(index.nonKeyAttributes).not.toContain('remaining');
      expect(index.nonKeyAttributes).not.toContain('views');
    }
    const [resource] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Resource[];
    expect(resource?.Properties?.GlobalSecondaryIndexes).toEqual(createTableInput('T').GlobalSecondaryIndexes);
  });
});

describe('stage', () => {
  const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
  const props = stage.Properties ?? {};

  it('is the auto-deployed $default stage with default throttling', () => {
    expect(props).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
      },
    });
  });

  it('applies each route throttle override, and only those', () => {
    const expected = Object.fromEntries(
      ROUTES.filter((route) => route.throttle).map((route) => [
        routeKey(route),
        { ThrottlingRateLimit: route.throttle?.rateLimit, ThrottlingBurstLimit: route.throttle?.burstLimit },
      ]),
    );
    expect(props.RouteSettings ?? {}).toEqual(expected);
  });

  it('writes JSON access logs to a log group, without the Authorization header or the path', () => {
    const settings = props.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const [destinationLogGroup] =
      JSON.stringify(settings.DestinationArn)
        .match(/"Fn::GetAtt":\["([^"]+)"/)
        ?.slice(1) ?? [];
    expect(resources[destinationLogGroup ?? '']?.Type).toBe('AWS::Logs::LogGroup');
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      ip: '$context.identity.sourceIp',
      latency: '$context.responseLatency',
    });
    expect(settings.Format.toLowerCase()).not.toContain('authorization');
    expect(settings.Format).not.toContain('$context.path');
  });
});

describe('functions (derived from FUNCTIONS)', () => {
  it('creates one Lambda function per FUNCTIONS entry and no others', () => {
    expect(ofType('AWS::Lambda::Function').filter(([id]) => !isCrossRegionProvider(id))).toHaveLength(
      functionEntries.length,
    );
  });

  it.each(functionEntries)(
    '%s runs nodejs24.x on arm64 with tracing, its spec limits, and source maps where decided',
    (name, spec) => {
      const sourceMaps = RUNTIME_SOURCE_MAPS[name as keyof typeof RUNTIME_SOURCE_MAPS];
      expect(functionProps(name)).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: spec.memoryMb ?? 256,
        Timeout: spec.timeoutSeconds ?? 10,
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: expect.any(String),
            STAGE: 'dev',
          }),
        },
      });
      const options = (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables
        .NODE_OPTIONS;
      expect(options).toBe(sourceMaps ? '--enable-source-maps' : undefined);
    },
  );

  it.each(functionEntries)('%s logs to its own log group kept for a month', (name) => {
    const logGroupId = logicalId(stack.functions[name]!.logGroup);
    expect(functionProps(name).LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    expect(resources[logGroupId]?.Properties?.RetentionInDays).toBe(30);
  });

  it.each(functionEntries)('%s gets TABLE_NAME exactly when it has table access', (name, spec) => {
    const variables = (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
    if (!spec.table) expect(variables.TABLE_NAME).toBeUndefined();
    else expect(variables.TABLE_NAME).toEqual({ Ref: logicalId(stack.table) });
  });

  it.each(functionEntries)('%s gets the deployment settings it reads, and no others', (name, spec) => {
    const variables = (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
    const expected = new Set<string>(spec.env ?? []);
    for (const setting of [
      'PUBLIC_BASE_URL',
      'CHECKOUT_URL_TEMPLATE',
      'DIRECTORY_BASE_URL',
      'EVENT_BUS_NAME',
      'API_KEY_CACHE_SECONDS',
      'FORM_TOKEN_KEYS_PARAMETER',
    ]) {
      expect([setting, setting in variables]).toEqual([setting, expected.has(setting)]);
    }
    expect(variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    if (expected.has('PUBLIC_BASE_URL')) {
      // Without a domain in the stage, links point at the CloudFront distribution (never the API itself).
      expect(variables.PUBLIC_BASE_URL).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.edge.distribution), 'DomainName'] }]],
      });
    }
  });
});

describe('least privilege: table grants to the partition', () => {
  const tableArn = () => ({ 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] });
  const indexArn = (index: 'GSI1' | 'GSI2') => ({
    'Fn::Join': ['', [tableArn(), `/index/${(index === 'GSI1' ? GSI1 : GSI2).indexName}`]],
  });
  const leadingKeys = (partitions: readonly string[]) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] },
  });

  /** The function's statements on the table or its index (stream reads are checked with the offer events). */
  function tableStatements(name: string): { actions: string[]; resource: unknown; condition: unknown }[] {
    return statementsOf(name)
      .filter((st) => actionsIn(st).some((a) => a.startsWith('dynamodb:') && !STREAM_ACTIONS.includes(a)))
      .map((st) => ({ actions: actionsIn(st), resource: st.Resource, condition: st.Condition }));
  }

  // Written out by hand, from reading each function's code, rather than derived from the specs: a
  // spec that grew wider than its code needs fails here.
  const EXPECTED: Record<string, { actions: string[]; index?: 'GSI1' | 'GSI2'; partitions: string[] }[]> = {
    authorizer: [{ actions: ['GetItem'], partitions: ['APIKEY#*'] }],
    catalog: [],
    offerPage: [
      { actions: ['GetItem', 'UpdateItem', 'PutItem', 'ConditionCheckItem'], partitions: ['OFFER#*'] },
      { actions: ['PutItem'], partitions: ['VIEWS#*'] },
    ],
    offers: [
      { actions: ['BatchGetItem'], partitions: ['PARTNER#*', 'OFFICES#*', 'OFFER#*'] },
      { actions: ['GetItem'], partitions: ['PARTNER#*', 'OFFER#*'] },
      { actions: ['PutItem'], partitions: ['OFFER#*', 'PARTNER#*'] },
      { actions: ['UpdateItem'], partitions: ['OFFER#*'] },
    ],
    offersRead: [
      { actions: ['Query', 'BatchGetItem'], partitions: ['OFFER#*'] },
      { actions: ['Query'], index: 'GSI1', partitions: ['PARTNER#*'] },
      { actions: ['Query'], index: 'GSI2', partitions: ['PARTNER#*'] },
    ],
    offices: [
      { actions: ['Query'], partitions: ['OFFICES#*'] },
      { actions: ['BatchGetItem'], partitions: ['OFFICES#*', 'SYNC#OFFICES'] },
    ],
    officeSync: [
      { actions: ['GetItem'], partitions: ['SYNC#OFFICES'] },
      { actions: ['BatchGetItem', 'Query', 'PutItem'], partitions: ['OFFICES#*'] },
      { actions: ['UpdateItem'], partitions: ['OFFICES#*', 'SYNC#OFFICES'] },
    ],
    fallback: [],
    offerEvents: [
      { actions: ['Query'], partitions: ['WEBHOOKS#*'] },
      { actions: ['PutItem', 'GetItem'], partitions: ['WHDELIVERY#*'] },
      { actions: ['GetItem'], partitions: ['OFFER#*'] },
    ],
    webhookEndpoints: [
      { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], partitions: ['WEBHOOKS#*'] },
      { actions: ['GetItem', 'Query', 'PutItem'], partitions: ['WHDELIVERY#*'] },
    ],
    webhookDeliveries: [{ actions: ['GetItem', 'UpdateItem'], partitions: ['WHDELIVERY#*', 'WEBHOOKS#*'] }],
    offerViews: [{ actions: ['UpdateItem'], partitions: ['OFFER#*', 'VIEWS#*'] }],
    // Sessions and sign-in counters; the key it signs in with; then, for its pages, what the
    // partner API's services do: the create wizard as offers' create (profile, office and
    // idempotency record in one BatchGetItem; the offer, its counters, reference claim and
    // idempotency record put in one transaction), offices and their freshness as offices', the
    // list and offer pages as offersRead's, deactivate and revise as offers'.
    console: [
      { actions: ['GetItem', 'PutItem', 'UpdateItem'], partitions: ['CONSOLE#*'] },
      { actions: ['GetItem'], partitions: ['APIKEY#*'] },
      { actions: ['GetItem', 'BatchGetItem', 'PutItem'], partitions: ['PARTNER#*'] },
      { actions: ['Query', 'BatchGetItem'], partitions: ['OFFICES#*', 'SYNC#OFFICES'] },
      { actions: ['BatchGetItem'], partitions: ['PARTNER#*', 'OFFICES#*'] },
      { actions: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem'], partitions: ['OFFER#*'] },
      { actions: ['Query'], index: 'GSI1', partitions: ['PARTNER#*'] },
      { actions: ['Query'], index: 'GSI2', partitions: ['PARTNER#*'] },
    ],
    // The origin secret and the distribution only (infra/constructs/edge.ts); no table.
    originSecretRotation: [],
    offerTimers: [
      { actions: ['GetItem', 'UpdateItem'], partitions: ['OFFER#*'] },
      { actions: ['Query'], partitions: ['WEBHOOKS#*'] },
      { actions: ['PutItem', 'GetItem'], partitions: ['WHDELIVERY#*'] },
    ],
  };

  it('covers every function', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it.each(functionEntries)('%s has exactly its grants: these actions, on these partition keys only', (name) => {
    const expected = (EXPECTED[name] ?? []).map((grant) => ({
      actions: grant.actions.map((action) => `dynamodb:${action}`),
      resource: grant.index ? indexArn(grant.index) : tableArn(),
      condition: leadingKeys(grant.partitions),
    }));
    expect(tableStatements(name)).toEqual(expected);
    expect(actionsOf(name)).not.toContain('*');
    expect(actionsOf(name).filter((action) => action.endsWith(':*'))).toEqual([]);
  });

  it('keeps the customer page and the authorizer away from each other’s partitions', () => {
    const partitionsOf = (name: string) =>
      tableStatements(name).flatMap(
        (st) => (st.condition as ReturnType<typeof leadingKeys>)['ForAllValues:StringLike']['dynamodb:LeadingKeys'],
      );
    expect(partitionsOf('offerPage')).toEqual(['OFFER#*', 'VIEWS#*']);
    expect(partitionsOf('authorizer')).toEqual(['APIKEY#*']);
  });

  it('lets the office sync write only offices, sync markers and the sync state', () => {
    const writes = tableStatements('officeSync').filter((st) =>
      st.actions.some((action) => WRITE_ACTIONS.includes(action)),
    );
    const partitions = writes.flatMap(
      (st) => (st.condition as ReturnType<typeof leadingKeys>)['ForAllValues:StringLike']['dynamodb:LeadingKeys'],
    );
    expect([...new Set(partitions)].sort()).toEqual(['OFFICES#*', 'SYNC#OFFICES']);
  });

  it.each(
    functionEntries.filter(
      ([, spec]) =>
        spec.table && !spec.table.some((grant) => grant.actions.some((a) => WRITE_ACTIONS.includes(`dynamodb:${a}`))),
    ),
  )('read-only function %s has no write action', (name) => {
    expect(actionsOf(name).filter((action) => WRITE_ACTIONS.includes(action))).toEqual([]);
  });

  it('attaches no managed policies to any role (they grant more than one function needs)', () => {
    for (const [id, role] of ofType('AWS::IAM::Role').filter(([id]) => !isCrossRegionProvider(id))) {
      expect([id, role.Properties?.ManagedPolicyArns]).toEqual([id, undefined]);
    }
  });
});

describe('wildcard resources', () => {
  /** Every statement on "*" in the stack, with the policy resource holding it. */
  const wildcards = ofType('AWS::IAM::Policy').flatMap(([id, policy]) =>
    ((policy.Properties?.PolicyDocument ?? { Statement: [] }) as { Statement: Statement[] }).Statement.filter(
      (st) => JSON.stringify(st.Resource) === '"*"',
    ).map((st) => ({ id, actions: actionsIn(st) })),
  );

  it('are only X-Ray tracing and ListStreams, each alone in a policy of its own', () => {
    const tracingPolicies = Object.values(stack.functions).map((fn) =>
      logicalId(fn.node.findChild(TRACING_POLICY_ID) as never),
    );
    const streamPolicies = functionEntries
      .filter(([, spec]) => spec.streamEntities)
      .map(([name]) => logicalId(stack.functions[name]!.node.findChild(STREAM_LIST_POLICY_ID) as never));
    expect(wildcards.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        ...tracingPolicies.map((id) => ({ id, actions: [...TRACING_ACTIONS] })),
        ...streamPolicies.map((id) => ({ id, actions: ['dynamodb:ListStreams'] })),
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    for (const id of [...tracingPolicies, ...streamPolicies]) {
      const document = resources[id]?.Properties?.PolicyDocument as { Statement: unknown[] } | undefined;
      expect(document?.Statement).toHaveLength(1);
    }
  });

  it('are acknowledged to cdk-nag on those policies, never on a role or its default policy', () => {
    const acknowledged = stack.node
      .findAll()
      .filter((construct) =>
        construct.node.metadata.some(
          (entry) =>
            entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY &&
            Object.keys(entry.data as object).some((id) => id.endsWith('AwsSolutions-IAM5[Resource::*]')),
        ),
      )
      .map((construct) => construct.node.id);
    expect(acknowledged.length).toBe(wildcards.length);
    expect([...new Set(acknowledged)].sort()).toEqual([STREAM_LIST_POLICY_ID, TRACING_POLICY_ID].sort());
  });

  it('leaves functions traced (X-Ray active)', () => {
    for (const [name] of functionEntries) {
      expect([name, functionProps(name).TracingConfig]).toEqual([name, { Mode: 'Active' }]);
    }
  });
});

describe('alarms and outputs', () => {
  it('alarms on errors of every function and on API 5xx', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
    for (const [name] of functionEntries) {
      const fnId = logicalId(stack.functions[name]!.function);
      expect(
        alarms.some(
          (alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions).includes(`"Ref":"${fnId}"`),
        ),
      ).toBe(true);
    }
    expect(alarms.some((alarm) => alarm.MetricName === '5xx' && alarm.Namespace === 'AWS/ApiGateway')).toBe(true);
  });

  it('outputs the API URL, the table name and the offer events bus', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [logicalId(stack.api), 'ApiEndpoint'] } });
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.table) } });
    template.hasOutput('OfferEventsBusName', { Value: { Ref: logicalId(stack.offerEvents) } });
  });

  it('hard-codes no physical resource names', () => {
    const nameProps: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::Scheduler::Schedule': 'Name',
    };
    for (const [id, resource] of Object.entries(resources)) {
      const prop = nameProps[resource.Type];
      if (prop) expect([id, resource.Properties?.[prop]]).toEqual([id, undefined]);
    }
  });
});

describe('stages (infra/stages.ts, picked with -c stage=<name>)', () => {
  it('points offer links at the stage domain when it names one', () => {
    const custom = synth({ stage: 'prod' });
    expect(custom.stack.stackName).toBe('PurchaseOffers-prod');
    expect(STAGES.prod.domain.name).toBe('offers.example.com');
    const linking = functionEntries.filter(([, spec]) => spec.env?.includes('PUBLIC_BASE_URL')).map(([name]) => name);
    expect(linking.length).toBeGreaterThan(0);
    for (const name of linking) {
      const props =
        custom.template.toJSON().Resources[
          custom.stack.getLogicalId(custom.stack.functions[name]!.function.node.defaultChild as never)
        ].Properties;
      expect(props.Environment.Variables).toMatchObject({
        PUBLIC_BASE_URL: 'https://offers.example.com',
        STAGE: 'prod',
      });
    }
  });

  it('deploys the main stack to the stage region and the web ACL to us-east-1', () => {
    const { stack: main, edge } = createApp({ context: { ...SKIP_BUNDLING, stage: 'prod' } });
    expect([main.region, edge.region, edge.stackName]).toEqual([
      STAGES.prod.region,
      'us-east-1',
      'PurchaseOffersEdge-prod',
    ]);
  });

  it('rejects an unknown stage, an invalid name, the local stage and a bad sync rate', () => {
    expect(() => createApp({ context: { ...SKIP_BUNDLING, stage: 'staging' } })).toThrow(/Unknown stage "staging"/);
    const bad = (config: Partial<StageConfig>) => () =>
      createApp(
        { context: { ...SKIP_BUNDLING, stage: 'x' } },
        { stages: { x: { ...STAGES.dev, name: 'x', ...config } } },
      );
    expect(bad({ name: 'Prod!' })).toThrow(/Stage name/);
    expect(() =>
      createApp(
        { context: { ...SKIP_BUNDLING, stage: 'local' } },
        { stages: { local: { ...STAGES.dev, name: 'local' } } },
      ),
    ).toThrow(/not be "local"/);
    expect(bad({ officeSyncRateMinutes: 0 })).toThrow(/officeSyncRateMinutes/);
    expect(bad({ directoryBaseUrl: 'http://directory.example.com' })).toThrow(/directoryBaseUrl/);
    expect(
      bad({
        domain: { name: 'offers.example.com', certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/x' },
      }),
    ).toThrow(/us-east-1/);
  });
});

describe('scheduled functions (derived from FUNCTIONS)', () => {
  const scheduledEntries = functionEntries.filter(([, spec]) => spec.schedule);

  it('schedules exactly the functions that declare a schedule', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', scheduledEntries.length);
  });

  it.each(scheduledEntries)('%s runs on its schedule, and failed runs reach an alarmed dead-letter queue', (name) => {
    const fnId = logicalId(stack.functions[name]!.function);
    const schedule = ofType('AWS::Scheduler::Schedule')
      .map(([, resource]) => resource.Properties ?? {})
      .find((props) => JSON.stringify(props.Target).includes(`"${fnId}"`));
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(10 minutes)',
      Target: { DeadLetterConfig: { Arn: expect.anything() }, RetryPolicy: expect.any(Object) },
    });
    const scheduleQueue = JSON.stringify(
      (schedule?.Target as { DeadLetterConfig?: unknown } | undefined)?.DeadLetterConfig,
    );
    const queueId = /"Fn::GetAtt":\["([^"]+)"/.exec(scheduleQueue)?.[1] ?? '';
    expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    // Lambda's own asynchronous failures go to the same queue.
    expect(functionProps(name).DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
    expect(
      alarms.some(
        (alarm) =>
          alarm.Namespace === 'AWS/SQS' && JSON.stringify(alarm.Dimensions).includes(`"Fn::GetAtt":["${queueId}"`),
      ),
    ).toBe(true);
  });

  it('takes the office sync rate from the stage', () => {
    const custom = synthStage({ officeSyncRateMinutes: 5 });
    custom.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('retries a failed scheduled run in Lambda before it reaches the dead-letter queue', () => {
    for (const [name] of scheduledEntries) {
      const fnId = logicalId(stack.functions[name]!.function);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        // Lambda's maximum for asynchronous invocations.
        MaximumRetryAttempts: 2,
      });
    }
  });

  it('warns when the office sync rate cannot keep the 15-minute promise', () => {
    const slow = synthStage({ officeSyncRateMinutes: 30 });
    const warnings = Annotations.fromStack(slow.stack).findWarning('*', Match.stringLikeRegexp('officeSyncRate 30'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('officeSyncRate'))).toHaveLength(0);
  });

  it('alarms when no office sync has succeeded for 20 minutes (two intervals), missing data included', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: OFFICE_SYNC_METRICS.namespace,
      MetricName: OFFICE_SYNC_METRICS.succeeded,
      Dimensions: [{ Name: 'service', Value: OFFICE_SYNC_METRICS.service }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      Period: 1200,
      TreatMissingData: 'breaching',
    });
  });
});

describe('offer events (table stream → offerEvents → event bus)', () => {
  const streamEntries = functionEntries.filter(([, spec]) => spec.streamEntities);

  it('streams new images from the table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it.each(streamEntries)(
    '%s reads the stream, filtered to new items of its entities, with a dead-letter queue',
    (name, spec) => {
      const fnId = logicalId(stack.functions[name]!.function);
      const mappings = ofType('AWS::Lambda::EventSourceMapping')
        .map(([, resource]) => resource.Properties ?? {})
        .filter((props) => JSON.stringify(props.FunctionName).includes(`"${fnId}"`));
      expect(mappings).toHaveLength(1);
      const [mapping] = mappings as [Record<string, unknown>];
      expect(mapping).toMatchObject({
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] },
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
      const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
      expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
        { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: [...(spec.streamEntities ?? [])] } } } },
        ...(spec.streamChanges
          ? [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: [...spec.streamChanges] } } } }]
          : []),
      ]);
      const queueId = /"Fn::GetAtt":\["([^"]+)"/.exec(JSON.stringify(mapping.DestinationConfig))?.[1] ?? '';
      expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties ?? {});
      expect(alarms.some((alarm) => JSON.stringify(alarm.Dimensions).includes(`"Fn::GetAtt":["${queueId}"`))).toBe(
        true,
      );
    },
  );

  it('lets only the functions that publish events put them on the offer events bus, and nowhere else', () => {
    const busArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.offerEvents), 'Arn'] });
    for (const [name, spec] of functionEntries) {
      const statements = statementsOf(name).filter((st) => actionsIn(st).includes('events:PutEvents'));
      const publishes = spec.env?.includes('EVENT_BUS_NAME') ?? false;
      expect([name, statements.map((st) => JSON.stringify(st.Resource))]).toEqual([name, publishes ? [busArn] : []]);
    }
    const variables = (functionProps('offerEvents').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.EVENT_BUS_NAME).toEqual({ Ref: logicalId(stack.offerEvents) });
  });

  it('lets only stream consumers read the stream, and only the table’s own stream', () => {
    const streamArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] });
    for (const [name, spec] of functionEntries) {
      const statements = statementsOf(name).filter((st) => actionsIn(st).some((a) => STREAM_ACTIONS.includes(a)));
      const resources = statements.map((st) => JSON.stringify(st.Resource));
      if (spec.streamEntities) {
        expect(resources.length).toBeGreaterThan(0);
        // ListStreams supports no resource; the rest must name this table's stream.
        for (const st of statements.filter((st) => !actionsIn(st).every((a) => a === 'dynamodb:ListStreams')))
          expect(JSON.stringify(st.Resource)).toBe(streamArn);
      } else expect([name, resources]).toEqual([name, []]);
    }
  });

  it('hands the views function large batches (one transaction per offer and 99 views), other consumers small ones', () => {
    const batching = (name: string) => {
      const fnId = logicalId(stack.functions[name]!.function);
      const mapping = ofType('AWS::Lambda::EventSourceMapping')
        .map(([, resource]) => resource.Properties ?? {})
        .find((props) => JSON.stringify(props.FunctionName).includes(`"${fnId}"`));
      return { size: mapping?.BatchSize, window: mapping?.MaximumBatchingWindowInSeconds };
    };
    expect(batching('offerViews')).toEqual({ size: 1_000, window: 2 });
    expect(batching('offerEvents')).toEqual({ size: 10, window: 1 });
  });

  it('retries view batches until their records leave the stream, other consumers 10 times', () => {
    const retries = (name: string) => {
      const fnId = logicalId(stack.functions[name]!.function);
      const mapping = ofType('AWS::Lambda::EventSourceMapping')
        .map(([, resource]) => resource.Properties ?? {})
        .find((props) => JSON.stringify(props.FunctionName).includes(`"${fnId}"`));
      // Absent MaximumRetryAttempts / MaximumRecordAgeInSeconds mean -1: until the record expires.
      return { attempts: mapping?.MaximumRetryAttempts ?? -1, age: mapping?.MaximumRecordAgeInSeconds ?? -1 };
    };
    expect(retries('offerViews')).toEqual({ attempts: -1, age: -1 });
    expect(retries('offerEvents')).toEqual({ attempts: 10, age: -1 });
  });

  it('keeps the customer page function free of the events SDK: it only writes to the table', () => {
    expect(actionsOf('offerPage').filter((action) => action.startsWith('events:'))).toEqual([]);
  });
});

describe('form-token keys (SSM SecureString)', () => {
  const parameterArn = (name: string) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        // Stages name their region, so it is a literal in the ARN.
        `:ssm:${STAGES.dev.region}:`,
        { Ref: 'AWS::AccountId' },
        `:parameter${name}`,
      ],
    ],
  });

  it('lets the offer page GetParameter the one parameter named in its environment, and nothing more of SSM', () => {
    const variables = (functionProps('offerPage').Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.FORM_TOKEN_KEYS_PARAMETER).toBe('/purchase-offers/dev/form-token-keys');
    const ssm = statementsOf('offerPage').filter((st) => actionsIn(st).some((a) => a.startsWith('ssm:')));
    expect(ssm.map((st) => ({ actions: actionsIn(st), resource: st.Resource }))).toEqual([
      { actions: ['ssm:GetParameter'], resource: parameterArn('/purchase-offers/dev/form-token-keys') },
    ]);
    expect(actionsOf('offerPage').filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('gives no other function the keys', () => {
    for (const [name] of functionEntries.filter(([name]) => name !== 'offerPage')) {
      const onKeys = statementsOf(name).filter((st) => JSON.stringify(st.Resource).includes('form-token-keys'));
      expect([name, onKeys]).toEqual([name, []]);
    }
  });

  it('takes the parameter name from the stage (formTokenKeysParameter)', () => {
    const { stack: custom, template: customTemplate } = synthStage({ formTokenKeysParameter: '/ops/keys' });
    const fn = custom.functions.offerPage!.function;
    const id = custom.getLogicalId(fn.node.defaultChild as never);
    const variables = customTemplate.toJSON().Resources[id].Properties.Environment.Variables;
    expect(variables.FORM_TOKEN_KEYS_PARAMETER).toBe('/ops/keys');
    expect(JSON.stringify(customTemplate.toJSON())).toContain(':parameter/ops/keys');
  });
});
