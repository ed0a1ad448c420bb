import { build, type Metafile } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling.ts';
import { FUNCTIONS } from '../../shared/routes.ts';

/**
 * The partner console's bundle, as deployed: server-rendered pages whose cold start a person waits
 * for, so it stays as small as the customer page's kind of function. No AWS SDK client (the table
 * through DynamoDbLite; only @aws-sdk/util-dynamodb's marshalling may come along), and a size limit
 * with room for the pages still to come: 304 KB measured on 2026-11-30 with every page in place,
 * where one SDK client with its smithy core alone adds several hundred KB.
 */
const SDK_PACKAGE = /node_modules\/(@smithy\/[^/]+|@aws-sdk\/(?!util-dynamodb\/)[^/]+)\//;
const MAX_BUNDLE_BYTES = 400 * 1024;

let metafile: Metafile;
beforeAll(async () => {
  const result = await build({
    ...esbuildOptionsFor(FUNCTIONS.console.entry, 'console-bundle/index.mjs'),
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  metafile = result.metafile;
});

describe('the console bundle', () => {
  it('contains no AWS SDK client, document client or smithy package', () => {
    const inputs = Object.keys(metafile.inputs);
    expect([...new Set(inputs.map((path) => SDK_PACKAGE.exec(path)?.[1]).filter(Boolean))]).toEqual([]);
    // Not vacuous: the console does reach DynamoDB (sessions, keys), through the small client.
    expect(inputs).toContain('shared/db/dynamodb-lite.ts');
    expect(inputs).toContain('shared/db/console-sessions.ts');
    expect(inputs).toContain('shared/db/api-keys.ts');
  });

  it(`stays under ${MAX_BUNDLE_BYTES / 1024} KB of code`, () => {
    const code = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
    expect(code).toHaveLength(1);
    const [, output] = code[0] ?? [];
    expect(output?.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  it('does not import node:http as an ES module (its namespace loads undici: ~30 ms of init)', () => {
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect(imports).not.toContain('node:http');
  });
});
