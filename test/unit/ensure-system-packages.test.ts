import { spawnSync } from 'node:child_process';
import { DEFAULT_CHROMIUM_PATH, decide, INSTALL_COMMAND } from '../browser/ensure-chromium.mjs';

const missing = { path: DEFAULT_CHROMIUM_PATH, customPath: false, found: false, hasAptGet: true };

describe('ensure-chromium decision', () => {
  it('does nothing when Chromium is there', () => {
    expect(decide({ ...missing, found: true, privilege: 'none' })).toEqual({ action: 'none' });
  });

  it('installs Debian’s chromium with apt-get, non-interactively, as root', () => {
    expect(decide({ ...missing, privilege: 'root' })).toEqual({
      action: 'install',
      steps: [
        ['apt-get', ['update', '-qq']],
        ['apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium']],
      ],
    });
  });

  it('goes through sudo -n (never a password prompt) when not root', () => {
    const decision = decide({ ...missing, privilege: 'sudo' });

    if (decision.action !== 'install') throw new Error(`expected an install, got ${decision.action}`);
    for (const [command, args] of decision.steps) {
      expect(command).toBe('sudo');
      expect(args.slice(0, 3)).toEqual(['-n', 'DEBIAN_FRONTEND=noninteractive', 'apt-get']);
    }
  });

  it('stops with the exact command when it cannot become root', () => {
    const decision = decide({ ...missing, privilege: 'none' });

    if (decision.action !== 'fail') throw new Error(`expected a failure, got ${decision.action}`);
    expect(decision.message).toContain(INSTALL_COMMAND);
  });

  it('stops when there is no apt-get, saying what to do', () => {
    expect(decide({ ...missing, hasAptGet: false, privilege: 'root' })).toMatchObject({
      action: 'fail',
      message: expect.stringContaining('CHROMIUM_PATH'),
    });
  });
});

describe('ensure-chromium script', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['test/browser/ensure-chromium.mjs', '--dry-run'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 20_000,
    });

  it('stops at once, naming the path and the command, when CHROMIUM_PATH points at nothing', () => {
    const result = run({ CHROMIUM_PATH: '/nonexistent/chromium' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium is not an executable Chromium');
    expect(result.stderr).toContain(INSTALL_COMMAND);
  });

  it('passes when CHROMIUM_PATH points at an executable', () => {
    // Any executable stands in for the browser: the script only checks it is there.
    const result = run({ CHROMIUM_PATH: process.execPath });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('nothing to install');
  });
});
