import { fileURLToPath } from 'node:url';
import {
  Annotations,
  Aspects,
  CfnOutput,
  type CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnIntegration,
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnFunction, CfnPermission, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GSI1, GSI2, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/db/table.ts';
import { invokedFunctionSetting } from '../shared/lambda/invoke.ts';
import {
  FALLBACK_FUNCTION,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  ROUTES,
  type Route,
  routeKey,
  type ScheduleName,
} from '../shared/routes.ts';
import { AppFunction } from './constructs/app-function.ts';
import { EdgeDistribution } from './constructs/edge.ts';
import { API_KEY_CACHE_SECONDS, type DeploymentSettings, environmentFor } from './constructs/environment.ts';
import { NotifyOnAlarm, Observability } from './constructs/observability.ts';
import { bindOfficeSync, type OfficeSyncAccessProps } from './constructs/office-sync.ts';
import { WebhookQueue } from './constructs/webhook-queue.ts';
import { WAF_REGION, type WafMetricNames } from './edge-stack.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Stage-wide throttling; routes may override it (`Route.throttle`). Account protection, like the
 * route throttles (shared/routes.ts): per-client limits are AWS WAF's (infra/stages.ts).
 */
export const DEFAULT_THROTTLE = { rateLimit: 1_000, burstLimit: 2_000 } as const;
/**
 * API Gateway's own authorizer cache is off: it needs an identity source, and a request without
 * that header would then get API Gateway's bare `{"message":"Unauthorized"}` instead of our
 * problem+json. The authorizer caches key lookups itself (API_KEY_CACHE_SECONDS).
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(0);
/**
 * The freshness promise for offices, as README's "Partner offices" tells partners: a new office is
 * usable within this. The sync rate must leave room inside it, and the stale alarm never waits longer.
 */
export const OFFICE_FRESHNESS_PROMISE = Duration.minutes(15);
/**
 * Functions that need more than their spec's table grants (the office sync: the directory
 * credential and its alarms). Keyed by FUNCTIONS name.
 */
export const CUSTOM_ACCESS: Readonly<Partial<Record<string, (fn: AppFunction, props: OfficeSyncAccessProps) => void>>> =
  { officeSync: bindOfficeSync };

/** The policy holding a stream consumer's ListStreams grant (on "*"), apart from its default policy. */
export const STREAM_LIST_POLICY_ID = 'StreamListPolicy';

/** The FUNCTIONS entry that serves as the partner routes' Lambda authorizer. */
const AUTHORIZER: FunctionName = 'authorizer';

export interface PurchaseOffersStackProps extends StackProps {
  readonly stage: string;
  /**
   * The public domain and its ACM certificate (us-east-1). Offer links, the console and the API
   * live under it; absent: under the CloudFront distribution's own name.
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** The AWS WAF web ACL the distribution attaches (edge stack, us-east-1). */
  readonly webAclArn: string;
  /** WAF's metric names, for the dashboard. */
  readonly wafMetrics: WafMetricNames;
  /** Alarm notifications go to this address; absent: the alarm topic has no subscription. */
  readonly alarmEmail?: string;
  /** Days between rotations of the origin secret. */
  readonly originSecretRotationDays: number;
  readonly checkoutUrlTemplate: string;
  readonly directoryBaseUrl: string;
  /** SecureString SSM parameter with the directory credential (created by ops). */
  readonly directoryCredentialParameter: string;
  /** SecureString SSM parameter with the form-token keys (created and rotated by ops). */
  readonly formTokenKeysParameter: string;
  /** How often each named schedule runs. */
  readonly scheduleRateMinutes: Readonly<Record<ScheduleName, number>>;
  /**
   * Provisioned execution environments per function (by FUNCTIONS key): above 0, the function's
   * routes invoke its `live` alias holding that many. Absent or 0: none, and no alias.
   */
  readonly provisionedConcurrency?: Readonly<Partial<Record<FunctionName, number>>>;
}

/** `office-sync` / `officeSync` → `OfficeSync`: construct ids read like the function names. */
function pascal(name: string): string {
  return name.replace(/(^|[-_\s]+)(\w)/g, (_match, _sep, letter: string) => letter.toUpperCase());
}

/**
 * The whole service: one table, one function per FUNCTIONS entry, one HTTP API route per ROUTES
 * entry, schedules for the functions that declare one, and alarms. It is driven by the route
 * table alone, so adding a function or route in shared/routes.ts needs no change here.
 */
export class PurchaseOffersStack extends Stack {
  readonly table: Table;
  readonly offerEvents: EventBus;
  /** The webhook delivery queue, its dead-letter queue and alarm. */
  readonly webhookQueue: WebhookQueue;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** CloudFront in front of the API, with the origin secret the functions check. */
  readonly edge: EdgeDistribution;
  /** The alarm topic and the dashboard. */
  readonly observability: Observability;
  /** By FUNCTIONS key. */
  readonly functions: Readonly<Record<string, AppFunction>>;

  constructor(scope: Construct, id: string, props: PurchaseOffersStackProps) {
    super(scope, id, props);
    const specs: Readonly<Record<string, FunctionSpec>> = FUNCTIONS;
    const routes = ROUTES;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Offers, acceptances and partner keys outlive any one deployment of the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // New acceptances and declines become events from here (the offerEvents function), so an
      // event exists exactly when the response was committed.
      // Old images too: webhook events of offer changes fire at their transition (the first
      // counted view, acceptances reaching the maximum, deactivation), not on every later change.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    // Both project only what lists show (INCLUDE), so an answer to an offer, which writes only its
    // counters, writes no index entry. GSI1v2 replaced GSI1 (ALL), GSI2 is new: DynamoDB creates
    // one index per table update, so an existing stack takes them in steps (README, Deploy).
    for (const index of [GSI1, GSI2]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      });
    }

    // The API is created before the functions: their PUBLIC_BASE_URL may reference its endpoint,
    // and the API resource itself depends on no function, so there is no cycle.
    this.api = new HttpApi(this, 'HttpApi', {
      description: `Purchase offers API (${props.stage})`,
      // Our stage is declared below with access logging and throttling, which the automatic
      // default stage cannot carry.
      createDefaultStage: false,
    });

    // CloudFront in front: its name (or the stage's domain) is the public base URL. The distribution
    // depends on the API resource only, never on a function, so the functions may reference it.
    this.edge = new EdgeDistribution(this, 'Edge', {
      api: this.api,
      stage: props.stage,
      domain: props.domain,
      webAclArn: props.webAclArn,
    });

    // Partners' integrations subscribe to acceptances and declines here (rules on this bus).
    this.offerEvents = new EventBus(this, 'OfferEvents', {
      description: 'Purchase offers: OfferAccepted and OfferDeclined events',
    });

    // Webhook deliveries: the queue the fan-out, the ping and redeliveries send to, and the
    // delivery function it drives (FunctionSpec.webhookQueue says which is which).
    const webhookQueue = new WebhookQueue(this, 'WebhookDeliveries', {
      deliveryTimeout: Duration.seconds(FUNCTIONS.webhookDeliveries.timeoutSeconds),
    });
    this.webhookQueue = webhookQueue;

    const settings: DeploymentSettings = {
      PUBLIC_BASE_URL: this.edge.publicBaseUrl,
      CHECKOUT_URL_TEMPLATE: props.checkoutUrlTemplate,
      DIRECTORY_BASE_URL: props.directoryBaseUrl,
      EVENT_BUS_NAME: this.offerEvents.eventBusName,
      API_KEY_CACHE_SECONDS: String(API_KEY_CACHE_SECONDS),
      FORM_TOKEN_KEYS_PARAMETER: props.formTokenKeysParameter,
      WEBHOOK_QUEUE_URL: webhookQueue.queue.queueUrl,
      WEBHOOK_DEAD_LETTER_QUEUE_URL: webhookQueue.deadLetterQueue.queueUrl,
    };

    const officeSyncRate = props.scheduleRateMinutes.officeSync;
    if (officeSyncRate > OFFICE_FRESHNESS_PROMISE.toMinutes() - 5) {
      Annotations.of(this).addWarning(
        `officeSyncRate ${officeSyncRate} min: a new office may take longer than the promised ` +
          `${OFFICE_FRESHNESS_PROMISE.toMinutes()} minutes to become usable.`,
      );
    }

    // The functions that answer HTTP requests (and the authorizer, which skips the key lookup for
    // requests that did not come through CloudFront) check the origin header.
    const httpFunctions = new Set<string>([...routes.map((route) => route.function), FALLBACK_FUNCTION, AUTHORIZER]);
    const functions: Record<string, AppFunction> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const deadLetterQueue = spec.schedule ? this.deadLetterQueueFor(name, 'a scheduled run failed') : undefined;
      const fn = new AppFunction(this, `${pascal(name)}Function`, {
        spec,
        projectRoot: PROJECT_ROOT,
        environment: environmentFor({ spec, stage: props.stage, settings }),
        deadLetterQueue,
        provisionedConcurrency: this.provisionedConcurrencyOf(name, specs, props.provisionedConcurrency),
      });
      fn.bindTable(this.table, spec.table);
      CUSTOM_ACCESS[name]?.(fn, {
        credentialParameterName: props.directoryCredentialParameter,
        // Two missed intervals, and never less than the freshness promise: by then new offices
        // are late, whatever the reason.
        staleAfter: Duration.minutes(Math.max(OFFICE_FRESHNESS_PROMISE.toMinutes(), 2 * officeSyncRate)),
      });
      if (spec.env?.includes('EVENT_BUS_NAME')) this.offerEvents.grantPutEventsTo(fn.function);
      if (spec.env?.includes('FORM_TOKEN_KEYS_PARAMETER')) this.grantFormTokenKeys(fn, props.formTokenKeysParameter);
      if (spec.streamEntities)
        this.subscribeToTableStream(name, fn, spec.streamEntities, spec.streamChanges, spec.streamBatch);
      if (spec.webhookQueue === 'enqueue') webhookQueue.grantEnqueue(fn);
      if (spec.webhookQueue === 'deliver') webhookQueue.bindDelivery(fn);
      if (httpFunctions.has(name)) this.edge.grantOriginCheck(fn);
      if (spec.originSecret === 'rotate') this.edge.rotateWith(fn, props.originSecretRotationDays);
      functions[name] = fn;

      new Alarm(this, `${pascal(name)}ErrorsAlarm`, {
        alarmDescription: `${name}: the function failed (unhandled error or timeout)`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

      if (spec.schedule && deadLetterQueue) {
        this.schedule(name, fn, deadLetterQueue, props.scheduleRateMinutes[spec.schedule]);
      }
    }
    this.functions = functions;
    this.offerTimers(specs, functions);
    this.grantInvokes(specs, functions);

    this.apiStage = this.httpStage(routes);
    this.addRoutes(routes);

    new Alarm(this, 'Api5xxAlarm', {
      alarmDescription: 'The HTTP API answered with server errors (5xx)',
      metric: this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.observability = new Observability(this, 'Observability', {
      stage: props.stage,
      alarmEmail: props.alarmEmail,
      api: this.api,
      functions,
      table: this.table,
      webhookDeadLetterQueue: webhookQueue.deadLetterQueue,
      distribution: this.edge.distribution,
      waf: props.wafMetrics,
      edgeRegion: WAF_REGION,
    });
    // Every alarm in the stack, also those constructs add later, notifies the alarm topic.
    Aspects.of(this).add(new NotifyOnAlarm(this.observability.alarmTopic));

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'The HTTP API itself: it refuses requests that did not come through CloudFront',
    });
    new CfnOutput(this, 'PublicBaseUrl', {
      value: this.edge.publicBaseUrl,
      description: 'Where customers, the console and partners reach the service',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.edge.distribution.distributionDomainName,
      description: "Point the stage's domain (CNAME or alias) here",
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'OfferEventsBusName', {
      value: this.offerEvents.eventBusName,
      description: 'EventBridge bus with OfferAccepted and OfferDeclined events (add rules here)',
    });
  }

  /**
   * Routes of aliased functions: their integrations (created under the first route of each) switch
   * to the alias only after API Gateway may invoke it, so the deploy that turns provisioned
   * concurrency on does not send requests to an alias that would refuse them. Nothing without an
   * alias, so such stacks keep their template.
   */
  private integrateAfterPermissions(aliasRoutes: readonly HttpRoute[]): void {
    const children = aliasRoutes.flatMap((route) => route.node.findAll());
    const permissions = children.filter((child) => child instanceof CfnPermission);
    for (const integration of children.filter((child) => child instanceof CfnIntegration)) {
      integration.node.addDependency(...permissions);
    }
  }

  /**
   * The function's provisioned environments, 0 when none. Only for a function that API Gateway
   * alone invokes (routes, the authorizer): schedules, the table stream, queues, timers, rotations
   * and other functions invoke the function itself, and would miss the alias's environments.
   */
  private provisionedConcurrencyOf(
    name: string,
    specs: Readonly<Record<string, FunctionSpec>>,
    provisioned: PurchaseOffersStackProps['provisionedConcurrency'] = {},
  ): number {
    const count = (provisioned as Readonly<Record<string, number | undefined>>)[name] ?? 0;
    if (count === 0) return 0;
    const spec = specs[name];
    const invokedOtherwise =
      spec?.schedule ||
      spec?.streamEntities ||
      spec?.streamChanges ||
      spec?.webhookQueue === 'deliver' ||
      spec?.offerTimers === 'fire' ||
      spec?.originSecret ||
      Object.values(specs).some((other) => (other.invokes as readonly string[] | undefined)?.includes(name));
    if (invokedOtherwise) {
      throw new Error(`${name}: provisioned concurrency is only for functions that API Gateway alone invokes`);
    }
    return count;
  }

  /** The `$default` stage: JSON access logs and throttling, with per-route overrides. */
  private httpStage(routes: readonly Route[]): HttpStage {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No headers and no path: the Authorization header is an API key, and offer paths carry
        // the customer link codes. The route key identifies the endpoint without them.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            responseLength: '$context.responseLength',
            error: '$context.error.message',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const overrides = routes.filter((route) => route.throttle);
    if (overrides.length > 0) {
      const cfnStage = stage.node.defaultChild as CfnStage;
      cfnStage.routeSettings = Object.fromEntries(
        overrides.map((route) => [
          routeKey(route),
          // A JSON property: CloudFormation's own (Pascal case) names, CDK does not convert them.
          { ThrottlingRateLimit: route.throttle?.rateLimit, ThrottlingBurstLimit: route.throttle?.burstLimit },
        ]),
      );
    }
    return stage;
  }

  private addRoutes(routes: readonly Route[]): void {
    const authorizerFunction = this.functions[AUTHORIZER];
    if (!authorizerFunction) throw new Error(`FUNCTIONS must define "${AUTHORIZER}" for partner routes`);
    const authorizer = new HttpLambdaAuthorizer('PartnerApiKey', authorizerFunction.invokeTarget, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No identity source, so the authorizer also runs for requests without a key (see
      // AUTHORIZER_CACHE_TTL) and the route answers them with problem+json.
      identitySource: [],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });

    // One integration per function: a function serves a route group and dispatches on routeKey.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (name: string) => {
      let integration = integrations.get(name);
      if (!integration) {
        const target = this.functions[name];
        if (!target) throw new Error(`Route target "${name}" is not in FUNCTIONS`);
        // The alias when the function has provisioned environments, so requests reach them.
        integration = new HttpLambdaIntegration(`${pascal(name)}Integration`, target.invokeTarget);
        integrations.set(name, integration);
      }
      return integration;
    };

    const aliasRoutes: HttpRoute[] = [];
    for (const route of routes) {
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        authorizer: route.auth === 'partner' ? authorizer : undefined,
      }) as [HttpRoute];
      if (this.functions[route.function]?.alias) aliasRoutes.push(httpRoute);
      // Route settings name route keys, which must exist before the stage refers to them.
      if (route.throttle) this.apiStage.node.addDependency(httpRoute);
      if (route.auth === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Customer route: customers open offer links without an account; the unguessable link code ' +
            'is the credential, and the route is throttled.',
        });
      }
    }

    this.integrateAfterPermissions(aliasRoutes);

    // The construct writes `IdentitySource: []`; CreateAuthorizer wants the property left out when
    // there is none (optional for REQUEST authorizers without caching), not an empty list.
    const cfnAuthorizer = this.api.node.tryFindChild('PartnerApiKey')?.node.defaultChild as CfnResource | undefined;
    if (!cfnAuthorizer) throw new Error('The partner authorizer was not created');
    cfnAuthorizer.addPropertyDeletionOverride('IdentitySource');

    // Everything no route matches: a problem+json 404/405 (or a 404 page under /o/) instead of
    // API Gateway's bare `{"message":"Not Found"}`.
    const fallback = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationFor(FALLBACK_FUNCTION),
    });
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The $default route only answers 404/405 for requests no route matches; it reads no data.',
    });
  }

  /**
   * New items of the given entities, from the table stream, in order per offer. A batch that keeps
   * failing is split to isolate the bad record, retried, then recorded in a dead-letter queue.
   */
  private subscribeToTableStream(
    name: string,
    fn: AppFunction,
    entities: readonly string[],
    changes: readonly string[] = [],
    batch: FunctionSpec['streamBatch'] = { size: 10, windowSeconds: 1 },
  ): void {
    const deadLetterQueue = this.deadLetterQueueFor(name, 'stream records could not be processed');
    // The mapping and its grants are made here rather than by DynamoEventSource, which puts
    // ListStreams (on "*") into the role's default policy, where acknowledging that finding would
    // also silence any other wildcard added there later.
    const streamArn = this.table.tableStreamArn;
    if (!streamArn) throw new Error('The table has no stream');
    fn.function.addEventSourceMapping('TableStream', {
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: batch.size,
      maxBatchingWindow: Duration.seconds(batch.windowSeconds),
      bisectBatchOnError: true,
      // Unset, Lambda retries until the record expires from the stream (MaximumRetryAttempts -1)
      // and maxRecordAge stays at its default, the stream's own retention.
      ...(batch.retryUntilExpired ? {} : { retryAttempts: 10 }),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(deadLetterQueue),
      filters: [
        FilterCriteria.filter({
          eventName: FilterRule.isEqual('INSERT'),
          dynamodb: { NewImage: { entity: { S: FilterRule.or(...entities) } } },
        }),
        ...(changes.length > 0
          ? [
              FilterCriteria.filter({
                eventName: FilterRule.or('INSERT', 'MODIFY'),
                dynamodb: { NewImage: { entity: { S: FilterRule.or(...changes) } } },
              }),
            ]
          : []),
      ],
    });
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    const listStreams = new Policy(fn, STREAM_LIST_POLICY_ID, {
      roles: [fn.role],
      statements: [new PolicyStatement({ actions: ['dynamodb:ListStreams'], resources: ['*'] })],
    });
    Validations.of(listStreams).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams (Lambda reading the table stream) supports no resource-level permissions.',
    });
  }

  /**
   * GetParameter on the one parameter, nothing else: no GetParameters, history or path reads.
   * A SecureString under the default aws/ssm key needs no KMS grant (its key policy lets SSM decrypt
   * for principals of the account). The stack cannot create the parameter (CloudFormation makes no
   * SecureStrings), so ops creates it before the first deploy.
   */
  private grantFormTokenKeys(fn: AppFunction, parameterName: string): void {
    fn.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: parameterName.replace(/^\//, ''),
          }),
        ],
      }),
    );
  }

  /**
   * A function's `invokes`: lambda:InvokeFunction on each named function's ARN only (no version or
   * alias wildcard), and that function's name in the caller's environment.
   */
  private grantInvokes(specs: Readonly<Record<string, FunctionSpec>>, functions: Record<string, AppFunction>): void {
    for (const [name, spec] of Object.entries(specs)) {
      const caller = functions[name];
      for (const targetName of spec.invokes ?? []) {
        const target = functions[targetName];
        if (!caller || !target) throw new Error(`${name} invokes ${targetName}, which the stack does not have`);
        caller.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.function.functionArn] }),
        );
        caller.function.addEnvironment(invokedFunctionSetting(targetName), target.function.functionName);
      }
    }
  }

  /**
   * Per-offer one-time schedules in a group of their own: the `manage` function may create and
   * delete schedules named `offer-*` in that group only, and pass the one role they run as; that
   * role may invoke the `fire` function only, and failed firings go to a dead-letter queue with an
   * alarm.
   */
  private offerTimers(specs: Readonly<Record<string, FunctionSpec>>, functions: Record<string, AppFunction>): void {
    const entries = Object.entries(specs);
    const fireName = entries.find(([, spec]) => spec.offerTimers === 'fire')?.[0];
    const target = fireName ? functions[fireName] : undefined;
    if (!fireName || !target) return;
    const group = new ScheduleGroup(this, 'OfferTimersGroup', {});
    const deadLetterQueue = this.deadLetterQueueFor(fireName, 'an offer timer could not be delivered');
    const role = new Role(this, 'OfferTimersScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `EventBridge Scheduler: offer timers invoke ${fireName}`,
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.function.functionArn] }),
    );
    deadLetterQueue.grantSendMessages(role);
    const scheduleArn = this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${group.scheduleGroupName}/offer-*`,
    });
    for (const [name, spec] of entries) {
      const fn = functions[name];
      if (spec.offerTimers !== 'manage' || !fn) continue;
      const policy = new Policy(fn, 'OfferTimersPolicy', {
        roles: [fn.role],
        statements: [
          new PolicyStatement({
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
            resources: [scheduleArn],
          }),
          new PolicyStatement({
            actions: ['iam:PassRole'],
            resources: [role.roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          }),
        ],
      });
      Validations.of(policy).acknowledge({
        // The group's name is generated at synth (a plain string), so the finding names it as is.
        // The stage's region (and account, when the stage names one) are literals in the ARN.
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region}:${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:schedule/${group.scheduleGroupName}/offer-*]`,
        reason:
          'Offer timer schedules are named per offer (offer-<summaryId>-<kind>) in their own group: the wildcard is that name prefix in that group only.',
      });
      fn.function.addEnvironment('OFFER_TIMERS_GROUP', group.scheduleGroupName);
      fn.function.addEnvironment('OFFER_TIMERS_TARGET_ARN', target.function.functionArn);
      fn.function.addEnvironment('OFFER_TIMERS_ROLE_ARN', role.roleArn);
      fn.function.addEnvironment('OFFER_TIMERS_DLQ_ARN', deadLetterQueue.queueArn);
    }
  }

  /** Failed runs land here (scheduler, Lambda's async retries, or a stream event source). */
  private deadLetterQueueFor(name: string, what: string): Queue {
    const queue = new Queue(this, `${pascal(name)}DeadLetterQueue`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue; failed invocations stop here.',
    });
    new Alarm(this, `${pascal(name)}DeadLetterAlarm`, {
      alarmDescription: `${name}: ${what} after retries (see the dead-letter queue)`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return queue;
  }

  private schedule(name: string, fn: AppFunction, deadLetterQueue: Queue, rateMinutes: number): void {
    // A role per schedule (instead of the shared one LambdaInvoke would create) keeps the
    // acknowledgement below scoped to invoking this one function, from this account only.
    const role = new Role(this, `${pascal(name)}ScheduleRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `EventBridge Scheduler: invokes ${name}`,
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.function.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason: "grantInvoke also covers the function's versions and aliases (`<arn>:*`) of this one function only.",
    });
    new Schedule(this, `${pascal(name)}Schedule`, {
      description: `Runs ${name} every ${rateMinutes} minute(s)`,
      schedule: ScheduleExpression.rate(Duration.minutes(rateMinutes)),
      target: new LambdaInvoke(fn.function, {
        role,
        deadLetterQueue,
        retryAttempts: 2,
        // A run older than one interval is superseded by the next one.
        maxEventAge: Duration.minutes(Math.max(rateMinutes, 1)),
      }),
    });
  }
}
