import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { FUNCTIONS, type FunctionName } from '../shared/routes.ts';

/**
 * The one esbuild configuration for Lambda bundles. The CDK stack and the benchmark both derive
 * from these values, so the bundle the benchmark measures is the bundle that gets deployed.
 * The numbers behind each choice are in test/bench/RESULTS.md ("Cold starts: what was decided").
 */
const TARGET = 'node24';
const MAIN_FIELDS = ['module', 'main'];
// CommonJS output: Node then loads built-ins through `require`. An ESM bundle imports them through
// ESM facades, and the facade of `node:http` reads every export, which loads undici (fetch) on the
// way: +45 to +90 ms of CPU at init for every function with the AWS SDK (measured 2026-11-30),
// for nothing. No bundled code uses import.meta or top-level await (the build would fail).
const FORMAT = 'cjs';
// The AWS SDK is bundled rather than taken from the runtime: Node then loads one file instead of
// resolving the SDK's hundreds of modules at init (measured here in November 2026: loading the
// document client from node_modules was slower than bundled, and marking `@aws-sdk/*` external
// gained nothing), and the deployed SDK version is the one the tests ran against.
const EXTERNAL_MODULES: string[] = [];

/**
 * Whether a function reads its source map at run time (`--enable-source-maps`), so stack traces
 * point at the TypeScript sources. Node reads and decodes the whole map at load: +60 to +95 ms of
 * CPU for a function with the SDK, about +60 ms for the customer page (2026-11-30). Where someone
 * waits for the cold start (the customer page, the authorizer, partner API and console routes, the office sync's on-demand
 * run) it is off: their error lines name the error and its message (errorForLog), and a stack position
 * (`index.js:1:23456`) maps back through the map that still ships beside the code (node:module's
 * `SourceMap.findEntry`). Keeping identifiers unminified instead would name the functions at no
 * measurable init cost, but grows bundles by ~40 % (the console's size limit). Background
 * functions (stream, queue, schedules), whose failures are read after the fact and whose cold
 * starts nobody waits for, keep them on.
 */
export const RUNTIME_SOURCE_MAPS: Readonly<Record<FunctionName, boolean>> = {
  authorizer: false,
  catalog: false,
  offerPage: false,
  offers: false,
  offersRead: false,
  offices: false,
  // Also behind POST /v1/offices/sync and the console's "sync now": a partner waits for it.
  officeSync: false,
  fallback: false,
  offerEvents: true,
  offerViews: true,
  offerTimers: true,
  webhookDeliveries: true,
  webhookEndpoints: false,
  console: false,
  originSecretRotation: true,
};

/** The function whose entry file this is (FUNCTIONS), if any. */
function functionOf(entry: string): FunctionName | undefined {
  const found = Object.entries(FUNCTIONS).find(([, spec]) => spec.entry === entry);
  return found?.[0] as FunctionName | undefined;
}

/** RUNTIME_SOURCE_MAPS for the function with this entry file; on for an entry not in FUNCTIONS. */
export function runtimeSourceMaps(entry: string): boolean {
  const name = functionOf(entry);
  return name === undefined ? true : RUNTIME_SOURCE_MAPS[name];
}

/** For `NodejsFunction` (`bundling` prop); NODE_OPTIONS comes with the environment (runtimeSourceMaps). */
export function lambdaBundling(): BundlingOptions {
  return {
    format: OutputFormat.CJS,
    target: TARGET,
    minify: true,
    // A linked external map (DEFAULT): the file stays out of the code, and the trailing
    // `sourceMappingURL` comment is what lets `--enable-source-maps` find it.
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    mainFields: MAIN_FIELDS,
    externalModules: EXTERNAL_MODULES,
  };
}

/** The same build as plain esbuild options, mirroring the arguments NodejsFunction passes. */
export function esbuildOptionsFor(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: FORMAT,
    target: TARGET,
    minify: true,
    sourcemap: true,
    mainFields: MAIN_FIELDS,
    external: EXTERNAL_MODULES,
  };
}
