import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../infra/local/dynamodb.ts';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import { type RedirectingCheckout, startRedirectingCheckout } from './checkout-servers.ts';

/**
 * Browser tests run against `npm start` itself (in memory), exactly as a newcomer would run it:
 * its gateway, its seeded demo partner, its local directory and its demo checkout.
 */
/** The environment a person's shell would have: nothing the other test projects set for themselves. */
function startEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['TABLE_NAME', 'DDB_ENDPOINT', 'PUBLIC_BASE_URL', 'CHECKOUT_URL_TEMPLATE', 'NODE_OPTIONS']) {
    delete env[name];
  }
  return env;
}

export default async function globalSetup(): Promise<void> {
  const port = await freePort();
  const apiKey = generateApiKey();
  // Accepted offers go to a checkout that redirects onward to another origin, as vendors' do.
  const checkout = await startRedirectingCheckout();
  (globalThis as { __CHECKOUT__?: RedirectingCheckout }).__CHECKOUT__ = checkout;
  process.env.CHECKOUT_ENTRY_ORIGIN = checkout.entryOrigin;
  process.env.CHECKOUT_LANDING_ORIGIN = checkout.landingOrigin;
  const child = spawn('node_modules/.bin/tsx', ['infra/local/start.ts', '--in-memory'], {
    env: {
      ...startEnvironment(),
      PORT: String(port),
      DEMO_API_KEY: apiKey,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      CHECKOUT_URL_TEMPLATE: checkout.template,
      // As in the integration tests: pages change and are looked at again at once (no offer cache),
      // and a busy machine's DynamoDB Local may take longer than a view waits for its record on AWS.
      OFFER_VIEW_CACHE_SECONDS: '0',
      OFFER_VIEW_WAIT_MS: '5000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: false,
  });
  (globalThis as { __NPM_START__?: ChildProcess }).__NPM_START__ = child;
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 60 s:\n${text}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${text}`));
    });
  });
  const dynamo = /DynamoDB Local\s+(http:\/\/\S+) \(table (\S+)\)/.exec(output);
  process.env.LOCAL_BASE_URL = `http://127.0.0.1:${port}`;
  process.env.LOCAL_API_KEY = apiKey;
  // Distinct names: the integration project's globalSetup sets DDB_ENDPOINT/TABLE_NAME in this same process.
  process.env.LOCAL_DDB_ENDPOINT = dynamo?.[1] ?? '';
  process.env.LOCAL_TABLE_NAME = dynamo?.[2] ?? '';
}
