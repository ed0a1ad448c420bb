import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling.ts';
import { FUNCTIONS } from '../../shared/routes.ts';

/**
 * The customer page function's bundle, as deployed, must not contain the AWS SDK: its cold start is
 * what customers wait for, and the SDK clients were most of its size and init (test/bench/RESULTS.md).
 * Only @aws-sdk/util-dynamodb (marshalling, a few KB, no SDK core) may come along.
 */
const SDK_PACKAGE = /node_modules\/(@smithy\/[^/]+|@aws-sdk\/(?!util-dynamodb\/)[^/]+)\//;

let metafile: Metafile;
beforeAll(async () => {
  const result = await build({
    ...esbuildOptionsFor(FUNCTIONS.offerPage.entry, 'page-bundle/index.mjs'),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  metafile = result.metafile;
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
