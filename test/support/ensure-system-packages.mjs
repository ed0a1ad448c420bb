#!/usr/bin/env node
/**
 * Runs before jest in `npm test`: the tests need two things from the system that npm cannot
 * install. When one is missing it installs Debian's package for it the way Playwright's
 * `install-deps` installs system packages: apt-get, non-interactively, as root or through
 * `sudo -n` (never a password prompt), both packages in one apt-get run. When it cannot, it stops
 * at once with the exact command to run. `--dry-run` prints the decision and changes nothing.
 * - `javac` (a Java 17+ JDK; Debian's `default-jdk-headless`): DynamoDB Local runs on Java, and
 *   binding it to 127.0.0.1 needs its launcher compiled (infra/local/dynamodb.ts).
 * - Chromium (Debian's `chromium`) at CHROMIUM_PATH, else /usr/bin/chromium: the browser tests.
 *
 * Plain .mjs (not TypeScript) so it runs with the bare `node` of a fresh machine, before anything
 * else of the project has to work.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_PACKAGE = 'chromium';
export const JDK_PACKAGE = 'default-jdk-headless';

/** The command a person runs to install `packages` by hand. */
export function installCommand(packages) {
  return `sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}'`;
}

/**
 * What to do, from what was found. `chromium`: { path (where the browser tests will look),
 * customPath (CHROMIUM_PATH was set), found }; `javacFound`; `hasAptGet`; `privilege`: how apt-get
 * can run ('root', 'sudo' = passwordless sudo, 'none').
 * Returns { action: 'none' } | { action: 'install', packages, steps: [command, args][] } | { action: 'fail', message }.
 */
export function decide({ chromium, javacFound, hasAptGet, privilege }) {
  const packages = [...(javacFound ? [] : [JDK_PACKAGE]), ...(chromium.found ? [] : [CHROMIUM_PACKAGE])];
  if (packages.length === 0) return { action: 'none' };
  const missing = [
    ...(javacFound ? [] : ['no javac (a Java 17+ JDK: DynamoDB Local is bound to 127.0.0.1 through it)']),
    ...(chromium.found ? [] : [`no Chromium at ${chromium.path}`]),
  ].join(' and ');
  if (!chromium.found && chromium.customPath) {
    // Installing the package would put nothing at the path that was asked for.
    return {
      action: 'fail',
      message: `CHROMIUM_PATH=${chromium.path} is not an executable Chromium. Point it at one, or unset it and run:\n  ${installCommand(packages)}`,
    };
  }
  if (!hasAptGet) {
    return {
      action: 'fail',
      message: `${missing}, and no apt-get to install ${packages.length > 1 ? 'them' : 'it'}. Install ${[
        ...(javacFound ? [] : ['a Java 17+ JDK with javac on the PATH (Debian: default-jdk-headless)']),
        ...(chromium.found ? [] : ['Chromium (then set CHROMIUM_PATH to it)']),
      ].join(' and ')}, then run npm test again.`,
    };
  }
  if (privilege === 'none') {
    return {
      action: 'fail',
      message: `${missing}, and installing needs root. Run:\n  ${installCommand(packages)}\nthen npm test again.`,
    };
  }
  const apt = (args) =>
    privilege === 'root' ? ['apt-get', args] : ['sudo', ['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]];
  return {
    action: 'install',
    packages,
    steps: [apt(['update', '-qq']), apt(['install', '-y', '-qq', '--no-install-recommends', ...packages])],
  };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function currentPrivilege() {
  if (process.getuid?.() === 0) return 'root';
  if (commandExists('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return 'sudo';
  return 'none';
}

function fail(message) {
  console.error(`\nnpm test: ${message}\n`);
  process.exit(1);
}

function main() {
  const dryRun = process.argv.includes('--dry-run');
  const customPath = Boolean(process.env.CHROMIUM_PATH) && process.env.CHROMIUM_PATH !== DEFAULT_CHROMIUM_PATH;
  const path = customPath ? process.env.CHROMIUM_PATH : DEFAULT_CHROMIUM_PATH;
  const chromium = { path, customPath, found: isExecutable(path) };
  // ENSURE_JAVAC_COMMAND: the unit test's stand-in for a machine without a JDK.
  const javacFound = commandExists(process.env.ENSURE_JAVAC_COMMAND || 'javac');
  const complete = chromium.found && javacFound;
  const decision = decide({
    chromium,
    javacFound,
    hasAptGet: complete || commandExists('apt-get'),
    privilege: complete ? 'none' : currentPrivilege(),
  });

  if (decision.action === 'none') {
    if (dryRun) console.log(`system packages: javac found, Chromium found at ${path}; nothing to install`);
    return;
  }
  if (decision.action === 'fail') return fail(decision.message);
  if (dryRun) {
    console.log(`system packages: would install ${decision.packages.join(', ')}:`);
    for (const [command, args] of decision.steps) console.log(`  ${command} ${args.join(' ')}`);
    return;
  }
  console.log(`npm test: installing Debian's ${decision.packages.join(' and ')} for the tests…`);
  for (const [command, args] of decision.steps) {
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) {
      fail(`installing failed (${command} ${args.join(' ')}). Run:\n  ${installCommand(decision.packages)}`);
    }
  }
  if (!isExecutable(path)) fail(`the chromium package is installed but ${path} is missing.`);
  if (!commandExists('javac')) fail(`${JDK_PACKAGE} is installed but javac is not on the PATH.`);
  console.log(`npm test: installed ${decision.packages.join(' and ')}.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
