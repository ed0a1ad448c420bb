import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, type CfnFunction, type IFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INDEXES } from '../../shared/db/table.ts';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS, type FunctionSpec, type TableGrant } from '../../shared/routes.ts';
import { lambdaBundling } from '../bundling.ts';

/**
 * A function's memory when its spec sets none, in MB. The handlers hold at most a page of items and
 * bundles under 1 MB (test/bench/RESULTS.md), so 256 MB leaves room; Lambda gives CPU in proportion
 * to memory, so a function that does more per run asks for more in its spec (the office sync).
 */
export const DEFAULT_MEMORY_MB = 256;
export const DEFAULT_TIMEOUT_SECONDS = DEFAULT_FUNCTION_TIMEOUT_SECONDS;
/** The policy holding the X-Ray grant (on "*"), apart from the role's default policy. */
export const TRACING_POLICY_ID = 'TracingPolicy';
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;
/** Lambda's asynchronous retries of a failed scheduled run (its maximum). */
export const SCHEDULED_RUN_RETRIES = 2;
/** The alias that holds a function's provisioned concurrency; its routes invoke it. */
export const LIVE_ALIAS = 'live';

export interface AppFunctionProps {
  readonly spec: FunctionSpec;
  /** Repository root: entries in FUNCTIONS are relative to it, and its lockfile pins the bundle. */
  readonly projectRoot: string;
  /** Deployment settings (see environment.ts); TABLE_NAME is added by `bindTable`. */
  readonly environment: Record<string, string>;
  /** Where failed asynchronous invocations (scheduled runs) go. */
  readonly deadLetterQueue?: IQueue;
  /**
   * Execution environments kept initialised (Lambda provisioned concurrency) on an alias
   * `LIVE_ALIAS` of the current version. Absent or 0: no version and no alias.
   */
  readonly provisionedConcurrency?: number;
}

/**
 * One Lambda function as this project deploys them: Node.js 24 on arm64, bundled by the shared
 * esbuild configuration, traced, logging to its own log group with a retention, and running as
 * its own role whose permissions are granted explicitly (no managed policies).
 */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** The `live` alias with the provisioned environments; absent when the function has none. */
  readonly alias?: Alias;
  /**
   * What callers invoke: the alias when there is one (so requests reach the provisioned
   * environments, not $LATEST), the function otherwise.
   */
  readonly invokeTarget: IFunction;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { spec } = props;

    // Created here rather than left to Lambda, so that the retention applies from the first log
    // line and the group belongs to the stack.
    this.logGroup = new LogGroup(this, 'LogGroup', { retention: RetentionDays.ONE_MONTH });

    // Our own role instead of the default one: the default attaches AWSLambdaBasicExecutionRole,
    // which may write to every log group in the account; this one may write to its own only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role: ${spec.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(props.projectRoot, spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      logGroup: this.logGroup,
      role: this.role,
      environment: props.environment,
      bundling: lambdaBundling(),
      deadLetterQueue: props.deadLetterQueue,
      // A failed scheduled run is retried by Lambda about one and three minutes later, so a passing
      // upstream hiccup does not cost a whole interval of freshness; runs that overlap are safe
      // (conditional writes, and the cursor only moves after a run's last page). A run that still
      // fails goes to the dead-letter queue and its alarm.
      retryAttempts: props.deadLetterQueue ? SCHEDULED_RUN_RETRIES : undefined,
      // Only the alias uses a published version, and CloudFormation deletes the one it replaced
      // only after the alias has moved (stack cleanup), so old versions need not pile up.
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY },
    });

    // Active tracing, with its grant in a policy of its own: X-Ray's PutTraceSegments and
    // PutTelemetryRecords support no resource-level permissions, so they can only be granted on
    // "*", and cdk-nag names such a finding by its resource only. Acknowledged on this policy, the
    // finding covers these two actions and nothing later added to the role's default policy.
    (this.function.node.defaultChild as CfnFunction).tracingConfig = { mode: Tracing.ACTIVE };
    const tracing = new Policy(this, TRACING_POLICY_ID, {
      roles: [this.role],
      statements: [new PolicyStatement({ actions: [...TRACING_ACTIONS], resources: ['*'] })],
    });
    Validations.of(tracing).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions.',
    });

    // Provisioned concurrency attaches to a version or an alias, never to $LATEST. `currentVersion`
    // publishes a new version whenever the code or configuration changes (its logical id is a hash
    // of them), and the alias follows it; CloudFormation waits until the alias's environments are
    // ready before the update completes.
    const provisioned = props.provisionedConcurrency ?? 0;
    if (provisioned > 0) {
      this.alias = new Alias(this, 'LiveAlias', {
        aliasName: LIVE_ALIAS,
        version: this.function.currentVersion,
        provisionedConcurrentExecutions: provisioned,
        description: `${spec.description}: the version its routes invoke, ${provisioned} environment(s) kept initialised`,
      });
    }
    this.invokeTarget = this.alias ?? this.function;
  }

  /**
   * Gives the function the table's name and one statement per grant its spec declares: exactly
   * those actions, on the table (or on the named index for an index grant), and only on the partition keys the
   * grant names (`dynamodb:LeadingKeys`; for an index query IAM matches the index's partition key).
   * Nothing when the spec declares no access.
   */
  bindTable(table: ITable, grants: readonly TableGrant[] | undefined): void {
    if (!grants) return;
    this.function.addEnvironment('TABLE_NAME', table.tableName);
    for (const grant of grants) {
      if (grant.index && grant.actions.some((action) => action !== 'Query')) {
        throw new Error(`${this.node.path}: only Query reads an index, not ${grant.actions.join(', ')}`);
      }
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: grant.actions.map((action) => `dynamodb:${action}`),
          resources: [grant.index ? `${table.tableArn}/index/${INDEXES[grant.index].indexName}` : table.tableArn],
          // ForAllValues: every key of the request (a batch, a transaction) must match. Scan has no
          // leading key and would pass such a condition, which is why no grant may list it.
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
        }),
      );
    }
  }
}
