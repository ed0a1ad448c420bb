import type { DeploymentSetting, FunctionSpec } from '../../shared/routes.ts';

/**
 * What a function finds in its environment, derived from its spec. The CDK stack and the benchmark
 * both call this, so the benchmark initialises each bundle with the variables it gets on AWS. It
 * must stay free of CDK imports: the benchmark runs it outside any construct tree.
 */
export type DeploymentSettings = Readonly<Record<DeploymentSetting, string>>;

/** Every function behind an HTTP route builds links to offers and checkout URLs. */
const HTTP_SETTINGS: readonly DeploymentSetting[] = ['PUBLIC_BASE_URL', 'CHECKOUT_URL_TEMPLATE'];

export const DEFAULT_CHECKOUT_URL_TEMPLATE =
  'https://checkout.example.com/purchase?advisor={advisorCode}&offer={summaryId}&items={items}&delegatedAdmin={delegatedAdmin}';
export const DEFAULT_DIRECTORY_BASE_URL = 'https://partner-directory.example.com';

/** The structured logger's service name (shared/observability/logger.ts uses it as its default too). */
export const SERVICE_NAME = 'purchase-offers';

export interface EnvironmentInput {
  readonly spec: FunctionSpec;
  readonly stage: string;
  /** Whether any route in ROUTES targets the function. */
  readonly servesHttp: boolean;
  readonly settings: DeploymentSettings;
}

/** Settings only; TABLE_NAME comes from `AppFunction.bindTable`, which also grants the access. */
export function environmentFor({ spec, stage, servesHttp, settings }: EnvironmentInput): Record<string, string> {
  const names = new Set<DeploymentSetting>([...(servesHttp ? HTTP_SETTINGS : []), ...(spec.env ?? [])]);
  const environment: Record<string, string> = {
    STAGE: stage,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    // Stack traces from the minified bundle point at the TypeScript sources.
    NODE_OPTIONS: '--enable-source-maps',
  };
  for (const name of [...names].sort()) environment[name] = settings[name];
  return environment;
}
