import type { DeploymentSetting, FunctionSpec } from '../../shared/routes.ts';
import { runtimeSourceMaps } from '../bundling.ts';

/**
 * What a function finds in its environment, derived from its spec. The CDK stack and the benchmark
 * both call this, so the benchmark initialises each bundle with the variables it gets on AWS. It
 * must stay free of CDK imports: the benchmark runs it outside any construct tree.
 */
export type DeploymentSettings = Readonly<Record<DeploymentSetting, string>>;

export const DEFAULT_CHECKOUT_URL_TEMPLATE =
  'https://checkout.example.com/purchase?advisor={advisorCode}&offer={summaryId}&items={items}&delegatedAdmin={delegatedAdmin}';
export const DEFAULT_DIRECTORY_BASE_URL = 'https://partner-directory.example.com';

/** The structured logger's service name (shared/observability/logger.ts uses it as its default too). */
export const SERVICE_NAME = 'purchase-offers';

/** How long the authorizer trusts a key lookup: a revoked key stops working within this. */
export const API_KEY_CACHE_SECONDS = 60;

export interface EnvironmentInput {
  readonly spec: FunctionSpec;
  readonly stage: string;
  readonly settings: DeploymentSettings;
}

/**
 * Settings only, and only those the function's spec lists (`env`); TABLE_NAME comes from
 * `AppFunction.bindTable`, which also grants the access.
 */
export function environmentFor({ spec, stage, settings }: EnvironmentInput): Record<string, string> {
  const environment: Record<string, string> = {
    STAGE: stage,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    // INFO: one line per request and per sync run; DEBUG would log more than ops needs to keep.
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  // Stack traces from the minified bundle point at the TypeScript sources, where the function
  // reads its map at run time (infra/bundling.ts, RUNTIME_SOURCE_MAPS).
  if (runtimeSourceMaps(spec.entry)) environment.NODE_OPTIONS = '--enable-source-maps';
  for (const name of [...(spec.env ?? [])].sort()) environment[name] = settings[name];
  return environment;
}
