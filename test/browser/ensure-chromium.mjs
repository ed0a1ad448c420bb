#!/usr/bin/env node
/**
 * Runs before jest in `npm test`: the browser tests need a Chromium. When none is found (at
 * CHROMIUM_PATH, else /usr/bin/chromium) it installs Debian's `chromium` package the way
 * Playwright's `install-deps` installs system packages: apt-get, non-interactively, as root or
 * through `sudo -n` (never a password prompt). When it cannot, it stops at once with the exact
 * command to run. `--dry-run` prints the decision and changes nothing.
 *
 * Plain .mjs (not TypeScript) so it runs with the bare `node` of a fresh machine, before anything
 * else of the project has to work.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const INSTALL_COMMAND = "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends chromium'";

/**
 * What to do, from what was found. `path`: where the browser tests will look; `privilege`: how
 * apt-get can run ('root', 'sudo' = passwordless sudo, 'none').
 * Returns { action: 'none' } | { action: 'install', steps: [command, args][] } | { action: 'fail', message }.
 */
export function decide({ path, customPath, found, hasAptGet, privilege }) {
  if (found) return { action: 'none' };
  if (customPath) {
    // Installing the package would put nothing at the path that was asked for.
    return {
      action: 'fail',
      message: `CHROMIUM_PATH=${path} is not an executable Chromium. Point it at one, or unset it and run:\n  ${INSTALL_COMMAND}`,
    };
  }
  if (!hasAptGet) {
    return {
      action: 'fail',
      message: `no Chromium at ${path} and no apt-get to install one. Install Chromium, then set CHROMIUM_PATH to it.`,
    };
  }
  if (privilege === 'none') {
    return {
      action: 'fail',
      message: `no Chromium at ${path}, and installing it needs root. Run:\n  ${INSTALL_COMMAND}\nthen npm test again.`,
    };
  }
  const apt = (args) =>
    privilege === 'root' ? ['apt-get', args] : ['sudo', ['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]];
  return {
    action: 'install',
    steps: [apt(['update', '-qq']), apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium'])],
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
  const found = isExecutable(path);
  const decision = decide({
    path,
    customPath,
    found,
    hasAptGet: found || commandExists('apt-get'),
    privilege: found ? 'none' : currentPrivilege(),
  });

  if (decision.action === 'none') {
    if (dryRun) console.log(`chromium: found at ${path}; nothing to install`);
    return;
  }
  if (decision.action === 'fail') return fail(decision.message);
  if (dryRun) {
    console.log(`chromium: not found at ${path}; would run:`);
    for (const [command, args] of decision.steps) console.log(`  ${command} ${args.join(' ')}`);
    return;
  }
  console.log(`npm test: no Chromium at ${path}; installing Debian's chromium package for the browser tests…`);
  for (const [command, args] of decision.steps) {
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0)
      fail(`installing Chromium failed (${command} ${args.join(' ')}). Run:\n  ${INSTALL_COMMAND}`);
  }
  if (!isExecutable(path)) fail(`the chromium package is installed but ${path} is missing.`);
  console.log(`npm test: Chromium installed at ${path}.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
