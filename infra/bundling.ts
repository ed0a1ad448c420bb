import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * The one esbuild configuration for Lambda bundles. The CDK stack and the benchmark both derive
 * from these values, so the bundle the benchmark measures is the bundle that gets deployed.
 */
const TARGET = 'node24';
const MAIN_FIELDS = ['module', 'main'];
// Some CommonJS dependencies call `require` for Node built-ins, which does not exist in an ESM
// bundle; the alias keeps the banner from clashing with a bundled `createRequire` import.
const BANNER =
  "import { createRequire as __bannerCreateRequire } from 'node:module';" +
  'const require = __bannerCreateRequire(import.meta.url);';
// The AWS SDK is bundled rather than taken from the runtime: Node then loads one file instead of
// resolving the SDK's hundreds of modules at init (measured here in November 2026: loading the
// document client from node_modules was slower than bundled, and marking `@aws-sdk/*` external
// gained nothing), and the deployed SDK version is the one the tests ran against.
const EXTERNAL_MODULES: string[] = [];

/** For `NodejsFunction` (`bundling` prop). */
export const LAMBDA_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: TARGET,
  minify: true,
  // A linked external map (DEFAULT): the file stays out of the code, and the trailing
  // `sourceMappingURL` comment is what lets `--enable-source-maps` find it.
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  mainFields: MAIN_FIELDS,
  banner: BANNER,
  externalModules: EXTERNAL_MODULES,
};

/** The same build as plain esbuild options, mirroring the arguments NodejsFunction passes. */
export function esbuildOptionsFor(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    minify: true,
    sourcemap: true,
    mainFields: MAIN_FIELDS,
    banner: { js: BANNER },
    external: EXTERNAL_MODULES,
  };
}
