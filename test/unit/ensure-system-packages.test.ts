import { spawnSync } from 'node:child_process';
import {
  CHROMIUM_PACKAGE,
  DEFAULT_CHROMIUM_PATH,
  decide,
  installCommand,
  JDK_PACKAGE,
} from '../support/ensure-system-packages.mjs';

const chromiumMissing = { path: DEFAULT_CHROMIUM_PATH, customPath: false, found: false };
const chromiumThere = { ...chromiumMissing, found: true };

describe('ensure-system-packages decision', () => {
  it('does nothing when javac and Chromium are there', () => {
    expect(decide({ chromium: chromiumThere, javacFound: true, hasAptGet: true, privilege: 'none' })).toEqual({
      action: 'none',
    });
  });

  it('installs Debian’s chromium with apt-get, non-interactively, as root', () => {
    expect(decide({ chromium: chromiumMissing, javacFound: true, hasAptGet: true, privilege: 'root' })).toEqual({
      action: 'install',
      packages: [CHROMIUM_PACKAGE],
      steps: [
        ['apt-get', ['update', '-qq']],
        ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']],
      ],
    });
  });

  it('installs Debian’s default-jdk-headless when there is a Java runtime but no javac', () => {
    expect(decide({ chromium: chromiumThere, javacFound: false, hasAptGet: true, privilege: 'root' })).toEqual({
      action: 'install',
      packages: [JDK_PACKAGE],
      steps: [
        ['apt-get', ['update', '-qq']],
        ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'default-jdk-headless']],
      ],
    });
  });

  it('installs both in one apt-get run when both are missing', () => {
    const decision = decide({ chromium: chromiumMissing, javacFound: false, hasAptGet: true, privilege: 'root' });

    expect(decision).toMatchObject({ action: 'install', packages: ['default-jdk-headless', 'chromium'] });
    if (decision.action !== 'install') throw new Error(`expected an install, got ${decision.action}`);
    expect(decision.steps).toHaveLength(2);
    expect(decision.steps[1]?.[1].slice(-2)).toEqual(['default-jdk-headless', 'chromium']);
  });

  it('goes through sudo -n (never a password prompt) when not root', () => {
    const decision = decide({ chromium: chromiumMissing, javacFound: false, hasAptGet: true, privilege: 'sudo' });

    if (decision.action !== 'install') throw new Error(`expected an install, got ${decision.action}`);
    for (const [command, args] of decision.steps) {
      expect(command).toBe('sudo');
      expect(args.slice(0, 3)).toEqual(['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get']);
    }
  });

  it('stops with the exact command when it cannot become root, for javac as for Chromium', () => {
    const noJavac = decide({ chromium: chromiumThere, javacFound: false, hasAptGet: true, privilege: 'none' });
    const noChromium = decide({ chromium: chromiumMissing, javacFound: true, hasAptGet: true, privilege: 'none' });

    expect(noJavac).toMatchObject({ action: 'fail', message: expect.stringContaining('no javac') });
    expect(noJavac).toMatchObject({ message: expect.stringContaining(installCommand(['default-jdk-headless'])) });
    expect(noChromium).toMatchObject({
      action: 'fail',
      message: expect.stringContaining(installCommand(['chromium'])),
    });
  });

  it('stops when there is no apt-get, saying what to install', () => {
    expect(decide({ chromium: chromiumMissing, javacFound: false, hasAptGet: false, privilege: 'root' })).toMatchObject(
      {
        action: 'fail',
        message: expect.stringMatching(/Java 17\+ JDK.*CHROMIUM_PATH/),
      },
    );
  });
});

describe('ensure-system-packages script', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['test/support/ensure-system-packages.mjs', '--dry-run'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 20_000,
    });

  it('stops at once, naming the path and the command, when CHROMIUM_PATH points at nothing', () => {
    const result = run({ CHROMIUM_PATH: '/nonexistent/chromium' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium is not an executable Chromium');
    expect(result.stderr).toContain('apt-get install -y --no-install-recommends');
  });

  it('passes when CHROMIUM_PATH points at an executable and javac is there', () => {
    // Any executable stands in for the browser and for javac: the script only checks they are there.
    const result = run({ CHROMIUM_PATH: process.execPath, ENSURE_JAVAC_COMMAND: process.execPath });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nothing to install');
  });

  it('wants default-jdk-headless on a machine without javac', () => {
    const result = run({ CHROMIUM_PATH: process.execPath, ENSURE_JAVAC_COMMAND: '/nonexistent/javac' });

    // Root or passwordless sudo: the dry run names the install; otherwise it stops with the command.
    const said = result.stdout + result.stderr;
    expect(said).toContain('default-jdk-headless');
    expect(said).not.toContain('chromium');
  });
});
