import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptionsFor } from '../../infra/bundling.ts';
import { environmentFor } from '../../infra/constructs/environment.ts';
import { FUNCTIONS, type FunctionSpec } from '../../shared/routes.ts';

/**
 * Bundle size and module init cost of every function, built with the deployed esbuild options.
 * Init is measured as whole child processes (`node <bundle>` against a bare `node -e 0` in the same
 * run), because that is what a cold start adds on top of the runtime's own start: loading and
 * evaluating the module graph. Timings vary between machines; compare rows, not runs.
 */
export const title = 'Bundles and module init';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
// Each run builds into its own directory: runs started side by side must not delete each other's.
const BENCH_DIR = resolve('.bench');
const TIMEOUT_MS = 15_000;

/** Enough for every module's load-time configuration; nothing here talks to AWS at import. */
function initEnvironment(spec: FunctionSpec): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'us-east-1',
    // On AWS these come from the grants (AppFunction.bindTable, infra/constructs/office-sync.ts);
    // set for every function, since an unused variable costs nothing at init.
    TABLE_NAME: 'bench-table',
    DIRECTORY_CREDENTIAL_PARAMETER: '/purchase-offers/bench/directory-credential',
    ...environmentFor({
      spec,
      stage: 'bench',
      settings: {
        PUBLIC_BASE_URL: 'https://offers.example.com',
        CHECKOUT_URL_TEMPLATE: 'https://checkout.example.com/?offer={summaryId}',
        DIRECTORY_BASE_URL: 'https://directory.example.com',
        EVENT_BUS_NAME: 'bench-offer-events',
        API_KEY_CACHE_SECONDS: '60',
        FORM_TOKEN_KEYS_PARAMETER: '/purchase-offers/bench/form-token-keys',
        WEBHOOK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-webhooks',
        WEBHOOK_DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-webhooks-dlq',
      },
    }),
  };
}

interface Timed {
  readonly ms: number;
  readonly error?: string;
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv): Timed {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: TIMEOUT_MS });
  const ms = performance.now() - started;
  if (result.status === 0) return { ms };
  const lines = result.stderr.split('\n');
  const reason =
    result.error?.message ??
    lines.find((line) => /^\w*Error\b/.test(line)) ??
    lines.find((line) => line.trim()) ??
    `exit ${result.status}`;
  return { ms, error: reason.slice(0, 120) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

interface Built {
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly outfile?: string;
  readonly buildError?: string;
}

async function bundle(outDir: string, name: string, spec: FunctionSpec): Promise<Built> {
  const outfile = join(outDir, name, 'index.mjs');
  try {
    await build({ ...esbuildOptionsFor(spec.entry, outfile), logLevel: 'silent' });
    return { name, spec, outfile };
  } catch (error) {
    return { name, spec, buildError: (error as Error).message.split('\n')[0]?.slice(0, 120) };
  }
}

/** Runs the section and returns it as markdown. */
export async function run(): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const outDir = mkdtempSync(join(BENCH_DIR, 'bundles-'));
  try {
    return await measure(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function measure(outDir: string): Promise<string> {
  const built = await Promise.all(
    Object.entries(FUNCTIONS as Record<string, FunctionSpec>).map(([name, spec]) => bundle(outDir, name, spec)),
  );
  const runnable = built.filter((entry) => entry.outfile);

  // The baseline runs with the same flags and environment; runs are interleaved so that a busy
  // moment on the machine affects every row alike, and a first round warms the file cache.
  const baselineEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '--enable-source-maps' };
  const baseline: number[] = [];
  const withMaps = new Map<string, Timed[]>();
  const withoutMaps = new Map<string, Timed[]>();
  for (let round = 0; round <= RUNS; round++) {
    const base = timeProcess(['-e', '0'], baselineEnv);
    if (round > 0) baseline.push(base.ms);
    for (const { name, spec, outfile } of runnable) {
      const env = initEnvironment(spec);
      const mapped = timeProcess([outfile!], env);
      const plain = timeProcess([outfile!], { ...env, NODE_OPTIONS: '' });
      if (round === 0) continue;
      withMaps.set(name, [...(withMaps.get(name) ?? []), mapped]);
      withoutMaps.set(name, [...(withoutMaps.get(name) ?? []), plain]);
    }
  }
  const bare = median(baseline);

  const rows = built.map(({ name, outfile, buildError }) => {
    if (!outfile) return `| ${name} | build failed: ${buildError} | | | | | | |`;
    const code = readFileSync(outfile);
    const map = statSync(`${outfile}.map`).size;
    const mapped = withMaps.get(name) ?? [];
    const failure = mapped.find((timed) => timed.error)?.error;
    if (failure)
      return `| ${name} | ${kb(code.length)} | ${kb(gzipSync(code).length)} | ${kb(map)} | init failed: ${failure} | | | |`;
    const init = median(mapped.map((timed) => timed.ms));
    const plain = median((withoutMaps.get(name) ?? []).map((timed) => timed.ms));
    return [
      name,
      kb(code.length),
      kb(gzipSync(code).length),
      kb(map),
      ms(init),
      `+${ms(init - bare)}`,
      `${(init / bare).toFixed(2)}×`,
      `+${ms(plain - bare)}`,
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .concat(' |');
  });

  return [
    `## ${title}`,
    '',
    `Built with \`esbuildOptionsFor\` (infra/bundling.ts), the options the stack deploys. Init: median of ${RUNS} ` +
      `\`node <bundle>\` processes with \`NODE_OPTIONS=--enable-source-maps\` (as on Lambda) and the function's ` +
      `environment, against a bare \`node -e 0\` measured in the same run: **${ms(bare)}**. The last column is the ` +
      'same import without source maps (the map is read and parsed at load when they are on). Timings vary ' +
      'between runs and machines: compare the rows of one run.',
    '',
    '| function | bundle | gzip | source map | init | vs bare node | ratio | without source maps |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}
