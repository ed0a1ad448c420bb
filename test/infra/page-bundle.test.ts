import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling.ts';
import { FUNCTIONS } from '../../shared/routes.ts';

/**
 * The customer page's and the authorizer's bundles, as deployed, must not contain the AWS SDK: the
 * page's cold start is what customers wait for, the authorizer's is on every partner request's
 * path, and the SDK clients were most of their size and init (test/bench/RESULTS.md). Only
 * @aws-sdk/util-dynamodb (marshalling, a few KB, no SDK core) may come along.
 */
const SDK_PACKAGE = /node_modules\/(@smithy\/[^/]+|@aws-sdk\/(?!util-dynamodb\/)[^/]+)\//;

let metafile: Metafile;
let authorizer: Metafile;
async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    ...esbuildOptionsFor(entry, 'lite-bundle/index.mjs'),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  return result.metafile;
}
beforeAll(async () => {
  [metafile, authorizer] = await Promise.all([
    metafileOf(FUNCTIONS.offerPage.entry),
    metafileOf(FUNCTIONS.authorizer.entry),
  ]);
});

describe('the authorizer bundle', () => {
  it('contains no AWS SDK client either, and looks keys up through DynamoDbLite', () => {
    const inputs = Object.keys(authorizer.inputs);
    expect([...new Set(inputs.map((path) => SDK_PACKAGE.exec(path)?.[1]).filter(Boolean))]).toEqual([]);
    expect(inputs).toContain('shared/db/dynamodb-lite.ts');
    expect(inputs).toContain('shared/db/api-keys.ts');
  });
});

describe('the offer page bundle', () => {
  it('contains no AWS SDK client, document client or smithy package', () => {
    const inputs = Object.keys(metafile.inputs);
    const sdk = [...new Set(inputs.map((path) => SDK_PACKAGE.exec(path)?.[1]).filter(Boolean))];
    expect(sdk).toEqual([]);
    // Not vacuous: the page does reach DynamoDB, through its own client.
    expect(inputs).toContain('shared/db/dynamodb-lite.ts');
    expect(inputs).toContain('shared/db/customer-responses.ts');
  });

  it('does not import node:http as an ES module (its namespace loads undici: ~30 ms of init)', () => {
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(imports).toContain('node:https');
    expect(imports).not.toContain('node:http');
  });
});

describe('the bench floor: the built-ins a bundle loads', () => {
  it('reads every require of a built-in, with or without `node:`, once each, and nothing else', async () => {
    // Arrange: bundled text as esbuild writes it, with a package require it must not count.
    const { builtinsRequiredBy } = await import('../bench/bundles.ts');
    const code = 'var a=require("node:https"),b=require("crypto"),c=require("node:crypto");var d=require("aws4");';

    // Act
    const modules = builtinsRequiredBy(code);

    // Assert
    expect(modules).toEqual(['https', 'crypto']);
  });

  it('finds node:https and node:crypto in the deployed offer page bundle', async () => {
    const { builtinsRequiredBy } = await import('../bench/bundles.ts');
    const result = await build({
      ...esbuildOptionsFor(FUNCTIONS.offerPage.entry, 'floor-bundle/index.cjs'),
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles.find((file) => file.path.endsWith('.cjs'))!.text;

    expect(builtinsRequiredBy(code)).toEqual(expect.arrayContaining(['https', 'crypto']));
  });
});
