import type { ChildProcess } from 'node:child_process';
import type { RedirectingCheckout } from './checkout-servers.ts';

/** Ctrl-C, as a person would: start.ts stops its gateway and DynamoDB Local on SIGINT. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __CHECKOUT__?: RedirectingCheckout }).__CHECKOUT__?.close();
  const child = (globalThis as { __NPM_START__?: ChildProcess }).__NPM_START__;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
