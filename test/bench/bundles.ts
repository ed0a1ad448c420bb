import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptionsFor, runtimeSourceMaps } from '../../infra/bundling.ts';
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
  /** Wall-clock time of the whole process (ms). */
  readonly ms: number;
  /** CPU time of the process, user + system, all its threads (ms): steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  readonly error?: string;
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** Runs `node <args>` under bash's `time`, which reports the child's CPU time from the kernel. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Timed {
  const command = `TIMEFORMAT='%3U %3S'; time ${[process.execPath, ...args].map(quote).join(' ')} >/dev/null 2>"$ERR"`;
  const errFile = join(BENCH_DIR, `stderr-${process.pid}`);
  const started = performance.now();
  const result = spawnSync('bash', ['-c', command], {
    env: { ...env, ERR: errFile },
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  const ms = performance.now() - started;
  const [user = Number.NaN, system = Number.NaN] = (result.stderr.trim().split('\n').at(-1) ?? '')
    .split(' ')
    .map(Number);
  const cpuMs = (user + system) * 1000;
  if (result.status === 0) return { ms, cpuMs };
  const lines = readFileSync(errFile, 'utf8').split('\n');
  const reason =
    result.error?.message ??
    lines.find((line) => /^\w*Error\b/.test(line)) ??
    lines.find((line) => line.trim()) ??
    `exit ${result.status}`;
  return { ms, cpuMs, error: reason.slice(0, 120) };
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
  // CommonJS, as deployed (infra/bundling.ts); `.cjs` because this repository's package.json says ESM.
  const outfile = join(outDir, name, 'index.cjs');
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

/**
 * The targets: the customer page's init at most 1.5× a bare node, every other function at most
 * 3.5× (CPU time; wall time is shown beside it). The bench reports, it does not fail: timings are
 * the machine's, and no test asserts them.
 */
const TARGET_RATIO: Partial<Record<string, number>> = { offerPage: 1.5 };
const DEFAULT_TARGET_RATIO = 3.5;

const ratio = (value: number, bare: number) => `${(value / bare).toFixed(2)}×`;

/**
 * The `node:` modules a bundle references (every require call naming a built-in in its text: the
 * bundle has no other way to load one), each named once, in order of first appearance. Some may only
 * be reached later than init, so a script loading them all is an upper bound of the built-ins' share.
 */
export function builtinsRequiredBy(code: string): string[] {
  const names = [...code.matchAll(/\brequire\("([^"]+)"\)/g)]
    .map((match) => match[1]!.replace(/^node:/, ''))
    .filter((name) => builtinModules.includes(name));
  return [...new Set(names)];
}

interface Floor {
  readonly name: string;
  readonly modules: readonly string[];
  readonly script: string;
}

/**
 * For each function with its own target: a script that only loads the built-ins its bundle loads.
 * No bundle that needs them can start faster than that, so the row shows how much of the target
 * is left for the function's own code and libraries.
 */
function floorsOf(outDir: string, runnable: readonly Built[]): Floor[] {
  return runnable
    .filter(({ name }) => TARGET_RATIO[name] !== undefined)
    .map(({ name, outfile }) => {
      const modules = builtinsRequiredBy(readFileSync(outfile!, 'utf8'));
      const script = join(outDir, `${name}-builtins.cjs`);
      writeFileSync(script, modules.map((module) => `require(${JSON.stringify(`node:${module}`)});`).join('\n'));
      return { name, modules, script };
    });
}

async function measure(outDir: string): Promise<string> {
  const built = await Promise.all(
    Object.entries(FUNCTIONS as Record<string, FunctionSpec>).map(([name, spec]) => bundle(outDir, name, spec)),
  );
  const runnable = built.filter((entry) => entry.outfile);
  const floors = floorsOf(outDir, runnable);

  // The baseline runs with the same environment; runs are interleaved so that a busy moment on
  // the machine affects every row alike, and a first round warms the file cache. Each bundle runs
  // with and without --enable-source-maps; the deployed setting is one of the two.
  const baselineEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const baseline: Timed[] = [];
  const withMaps = new Map<string, Timed[]>();
  const withoutMaps = new Map<string, Timed[]>();
  const floorTimes = new Map<string, Timed[]>();
  for (let round = 0; round <= RUNS; round++) {
    process.stderr.write(`cold start: round ${round} of ${RUNS}\n`);
    const base = timeProcess(['-e', '0'], baselineEnv);
    if (round > 0) baseline.push(base);
    for (const { name, script } of floors) {
      const timed = timeProcess([script], baselineEnv);
      if (round > 0) floorTimes.set(name, [...(floorTimes.get(name) ?? []), timed]);
    }
    for (const { name, spec, outfile } of runnable) {
      const env = initEnvironment(spec);
      const mapped = timeProcess([outfile!], { ...env, NODE_OPTIONS: '--enable-source-maps' });
      const plain = timeProcess([outfile!], { ...env, NODE_OPTIONS: '' });
      if (round === 0) continue;
      withMaps.set(name, [...(withMaps.get(name) ?? []), mapped]);
      withoutMaps.set(name, [...(withoutMaps.get(name) ?? []), plain]);
    }
  }
  const bare = median(baseline.map((timed) => timed.ms));
  const bareCpu = median(baseline.map((timed) => timed.cpuMs));
  const verdicts: string[] = [];

  const rows = built.map(({ name, spec, outfile, buildError }) => {
    if (!outfile) return `| ${name} | build failed: ${buildError} | | | | | | | | |`;
    const code = readFileSync(outfile);
    const map = statSync(`${outfile}.map`).size;
    const maps = runtimeSourceMaps(spec.entry);
    const deployed = (maps ? withMaps : withoutMaps).get(name) ?? [];
    const other = (maps ? withoutMaps : withMaps).get(name) ?? [];
    const failure = deployed.find((timed) => timed.error)?.error;
    if (failure)
      return `| ${name} | ${kb(code.length)} | ${kb(gzipSync(code).length)} | ${kb(map)} | init failed: ${failure} | | | | | |`;
    const wall = median(deployed.map((timed) => timed.ms));
    const cpu = median(deployed.map((timed) => timed.cpuMs));
    const otherCpu = median(other.map((timed) => timed.cpuMs));
    const target = TARGET_RATIO[name] ?? DEFAULT_TARGET_RATIO;
    const within = cpu / bareCpu <= target;
    if (!within) verdicts.push(`${name} ${ratio(cpu, bareCpu)} > ${target}×`);
    return [
      name,
      kb(code.length),
      kb(gzipSync(code).length),
      maps ? `${kb(map)}, read` : `${kb(map)}, not read`,
      `${ms(wall)} (${ratio(wall, bare)})`,
      `${ms(cpu)}`,
      `+${ms(cpu - bareCpu)}`,
      `**${ratio(cpu, bareCpu)}**`,
      `≤ ${target}× ${within ? 'yes' : '**no**'}`,
      `${maps ? 'without' : 'with'}: ${ratio(otherCpu, bareCpu)} (${otherCpu >= cpu ? '+' : '−'}${ms(Math.abs(otherCpu - cpu))})`,
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .concat(' |');
  });
  const floorRows = floors.map(({ name, modules }) => {
    const spec = (FUNCTIONS as Record<string, FunctionSpec>)[name]!;
    const whole = median(
      ((runtimeSourceMaps(spec.entry) ? withMaps : withoutMaps).get(name) ?? []).map((t) => t.cpuMs),
    );
    const floor = median((floorTimes.get(name) ?? []).map((timed) => timed.cpuMs));
    const target = (TARGET_RATIO[name] ?? DEFAULT_TARGET_RATIO) * bareCpu;
    return `| ${name} | ${modules.map((module) => `\`${module}\``).join(', ')} | ${ms(floor)} (**${ratio(floor, bareCpu)}**) | +${ms(Math.max(0, whole - floor))} | +${ms(Math.max(0, target - floor))} |`;
  });
  const breakdown = await largestCosts(runnable);

  return [
    `## ${title}`,
    '',
    `Built with \`esbuildOptionsFor\` (infra/bundling.ts), the options the stack deploys (CommonJS; source maps read at ` +
      'run time only where RUNTIME_SOURCE_MAPS says so). Init: median of ' +
      `${RUNS} \`node <bundle>\` processes with the function's environment, against a bare \`node -e 0\` ` +
      `measured in the same run: **${ms(bareCpu)} CPU, ${ms(bare)} wall**. CPU time (user + system, from the kernel) ` +
      'is the ratio that counts: it hardly moves when other processes load the machine, which wall time does ' +
      '(its ratio is shown beside it). The last column is the other source-map setting, for comparison. ' +
      `Load average when measured: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(', ')} on ${cpus().length} cores.`,
    '',
    '| function | bundle | gzip | source map | init wall (ratio) | init CPU | vs bare node | ratio | target | other source-map setting |',
    '|---|---:|---:|---|---:|---:|---:|---:|---|---|',
    ...rows,
    '',
    verdicts.length === 0 ? 'Every function is within its target.' : `Over target: ${verdicts.join('; ')}.`,
    '',
    ...(floorRows.length === 0
      ? []
      : [
          "### What a target leaves for the function's own code",
          '',
          'A script that only loads the built-ins the bundle references (read from its `require` calls), timed in the same rounds: ' +
            'no bundle that needs them all at init starts faster. The last two columns: what the bundle (its code, libraries and ' +
            'load-time work) adds above them, and what its target allows above them.',
          '',
          '| function | built-ins it loads | those alone: init CPU (ratio) | the bundle above them | the target allows |',
          '|---|---|---:|---:|---:|',
          ...floorRows,
          '',
        ]),
    breakdown,
  ].join('\n');
}

/**
 * Where each function's init time goes: one CPU profile per function (`--cpu-prof`, 0.1 ms
 * sampling) of an unminified build without source maps, each sample given to the module of the
 * innermost bundled frame on its stack (node_modules grouped by package, our code by folder);
 * samples with no bundled frame are Node's: loading built-in modules while the bundle is linked,
 * and its own start-up (which the bare baseline pays too). Shares are of the profiled time.
 */
async function largestCosts(runnable: readonly Built[]): Promise<string> {
  const rows: string[] = [];
  for (const { name, spec } of runnable) {
    const dir = join(BENCH_DIR, `profile-${process.pid}`, name);
    const outfile = join(dir, 'index.cjs');
    await build({ ...esbuildOptionsFor(spec.entry, outfile), minify: false, sourcemap: false, logLevel: 'silent' });
    const moduleAt: string[] = [];
    let current = TOP_LEVEL;
    for (const [index, line] of readFileSync(outfile, 'utf8').split('\n').entries()) {
      const comment = /^\s*\/\/ (\S+\.(?:[cm]?[jt]s|json))$/.exec(line);
      if (comment?.[1]) current = groupOf(comment[1]);
      moduleAt[index] = current;
    }
    const profileDir = join(dir, 'profile');
    spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval', '100', outfile], {
      env: { ...initEnvironment(spec), NODE_OPTIONS: '' },
      timeout: TIMEOUT_MS,
    });
    const file = readdirSync(profileDir)[0];
    if (!file) continue;
    const totals = attribute(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile, outfile, moduleAt);
    const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
    const top = [...totals.entries()]
      .filter(([group]) => group !== NODE_START)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([group, value]) => `${group} ${((value / all) * 100).toFixed(0)} %`);
    rows.push(`| ${name} | ${top.join('; ')} | ${(((totals.get(NODE_START) ?? 0) / all) * 100).toFixed(0)} % |`);
  }
  rmSync(join(BENCH_DIR, `profile-${process.pid}`), { recursive: true, force: true });
  return [
    '### Largest init costs',
    '',
    'One CPU profile per function (unminified build, no source maps), each sample given to the bundled module on its',
    `stack (packages grouped). "${TOP_LEVEL}" is code run at load outside any function (a profile names a frame by`,
    `the line its function starts on, and the bundle is one function); "${NODE_LOADING}" is Node compiling the`,
    "bundle and loading `node:` modules; the last column is Node's own start-up and garbage collection, which a bare",
    'node pays too.',
    '',
    '| function | largest shares of init | Node start-up, GC |',
    '|---|---|---:|',
    ...rows,
  ].join('\n');
}

const NODE_START = 'Node start-up';
// A profile names a frame by the line its function starts on, so the bundle's own top-level code
// (most modules' load-time statements: the bundle is one function) lands on its first line.
const TOP_LEVEL = 'top-level statements of the bundle';
const NODE_LOADING = 'Node: compiling the bundle, loading built-ins';

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules by package, our code by its top two folders (`shared/db`, `functions/offers`). */
function groupOf(path: string): string {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at !== -1) return parts.slice(at + 1, parts[at + 1]?.startsWith('@') ? at + 3 : at + 2).join('/');
  return parts.slice(0, 2).join('/');
}

function attribute(profile: CpuProfile, outfile: string, moduleAt: readonly string[]): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const url = `file://${outfile}`;
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    let group: string | undefined;
    let builtin = false;
    for (let node = byId.get(id); node; node = byId.get(parent.get(node.id) ?? -1)) {
      if (node.callFrame.url === url) {
        group = moduleAt[node.callFrame.lineNumber] ?? '(unknown)';
        break;
      }
      if (/^node:internal\/(bootstrap\/realm|modules\/)/.test(node.callFrame.url)) builtin = true;
    }
    const key = group ?? (builtin ? NODE_LOADING : NODE_START);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return totals;
}
