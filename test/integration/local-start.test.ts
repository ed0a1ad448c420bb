import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../infra/local/dynamodb.ts';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import { escapeHtml } from '../../shared/render/html.ts';
import { acceptFields, BROWSER, browserRequest } from '../support/offer-page-forms.ts';

/**
 * `npm start` as a person or a CI job runs it: its own process, environment and DynamoDB Local.
 * Only what a shell would have: not the settings this test project gives its handlers.
 */
function shellEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'TABLE_NAME',
    'DDB_ENDPOINT',
    'PUBLIC_BASE_URL',
    'CHECKOUT_URL_TEMPLATE',
    'NODE_OPTIONS',
    'WEBHOOKS_ALLOW_LOOPBACK_HTTP',
    'API_KEY_CACHE_SECONDS',
  ]) {
    delete env[name];
  }
  for (const name of Object.keys(env)) if (name.startsWith('FORM_TOKEN')) delete env[name];
  return { ...env, POWERTOOLS_LOG_LEVEL: 'WARN', ...extra };
}

interface Run {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

function npmStart(extra: Record<string, string>): Run {
  const child = spawn('node_modules/.bin/tsx', ['infra/local/start.ts', '--in-memory'], {
    env: shellEnvironment(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function untilReady(run: Run): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (run.stdout().includes('Press Ctrl-C')) return;
    if (run.child.exitCode !== null) throw new Error(`npm start exited:\n${run.stdout()}\n${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm start did not come up in 60 s:\n${run.stdout()}`);
}

describe('npm start on a port something else holds', () => {
  it('stops with exit code 1, naming the port and how to pick another, not a stack trace', async () => {
    const holder = createServer((_req, res) => res.end('another dev server'));
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;

    try {
      const run = npmStart({ PORT: String(port) });
      const code = await run.exited;

      expect(code).toBe(1);
      expect(run.stderr()).toContain(`npm start: port ${port} on 127.0.0.1 is in use`);
      expect(run.stderr()).toContain(`PORT=${port + 1} npm start`);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
      expect(run.stdout()).not.toContain('Press Ctrl-C');
    } finally {
      holder.close();
    }
  }, 90_000);
});

describe('npm start with CHECKOUT_URL_TEMPLATE from the environment', () => {
  it.each([
    ['a non-https URL', 'ftp://checkout.example.com/buy?o={summaryId}', 'CHECKOUT_URL_TEMPLATE must use https'],
    [
      'an unknown placeholder',
      'https://checkout.example.com/buy?o={offerId}',
      'CHECKOUT_URL_TEMPLATE has an unknown placeholder {offerId}',
    ],
    ['not a URL', 'checkout', 'CHECKOUT_URL_TEMPLATE must be an absolute URL'],
  ])(
    'refuses %s at once, saying why, before starting anything',
    async (_label, template, reason) => {
      const run = npmStart({ PORT: String(await freePort()), CHECKOUT_URL_TEMPLATE: template });

      const code = await run.exited;

      expect(code).toBe(1);
      expect(run.stderr()).toContain(reason);
      expect(run.stderr()).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(run.stdout()).not.toContain('DynamoDB Local');
    },
    30_000,
  );

  describe('a valid template', () => {
    let checkout: Server;
    let run: Run;
    let base: string;
    let template: string;
    const key = generateApiKey();

    beforeAll(async () => {
      // Another checkout than the demo one, as ops or a test would point the runtime at.
      checkout = createServer((_req, res) => res.end('elsewhere'));
      await new Promise<void>((resolve) => checkout.listen(0, '127.0.0.1', resolve));
      template = `http://127.0.0.1:${(checkout.address() as AddressInfo).port}/buy?o={summaryId}&i={items}`;
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      run = npmStart({ PORT: String(port), DEMO_API_KEY: key, CHECKOUT_URL_TEMPLATE: template });
      await untilReady(run);
    }, 90_000);

    afterAll(async () => {
      run?.child.kill('SIGTERM');
      await run?.exited;
      checkout?.close();
    }, 30_000);

    async function createOffer(): Promise<{ summaryId: string }> {
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      // The first office sync runs as the runtime comes up: wait for its offices.
      let office: { officeId: string } | undefined;
      for (let attempt = 0; attempt < 300 && !office; attempt++) {
        const { offices } = (await (await fetch(`${base}/v1/offices`, { headers })).json()) as {
          offices: { officeId: string; active: boolean }[];
        };
        office = offices.find((candidate: { active: boolean }) => candidate.active);
        if (!office) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const response = await fetch(`${base}/v1/offers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          officeId: office?.officeId,
          usageLocation: 'BR',
          items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
          delegatedAdmin: false,
          locale: 'en',
        }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { summaryId: string };
    }

    it('names the configured checkout in its banner', () => {
      expect(run.stdout()).toContain(`${new URL(template).origin}   (CHECKOUT_URL_TEMPLATE)`);
    });

    it('sends an accepted offer to the configured checkout', async () => {
      const offer = await createOffer();
      const page = await (await browserRequest(`${base}/o/${offer.summaryId}`)).text();
      const token = /name="submission" value="([^"]+)"/.exec(page)?.[1] ?? '';
      const { delegatedAdmin: _none, ...fields } = acceptFields(token, { 'licenses.M365_BUSINESS_STANDARD': '7' });
      delete fields['licenses.TEAMS_ESSENTIALS'];

      const accepted = await browserRequest(`${base}/o/${offer.summaryId}/accept`, {
        method: 'POST',
        headers: {
          ...BROWSER,
          'sec-fetch-site': 'same-origin',
          origin: base,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(fields).toString(),
      });
      expect(accepted.status).toBe(303);
      const confirmation = await (
        await browserRequest(new URL(accepted.headers.get('location') ?? '', base).href)
      ).text();

      const expected = template
        .replace('{summaryId}', offer.summaryId)
        .replace('{items}', 'M365_BUSINESS_STANDARD%3A7');
      expect(confirmation).toContain(`href="${escapeHtml(expected)}"`);
    });

    it('prints the console URL and signs the demo key in with the local cookie (loopback, no TLS)', async () => {
      const signIn = await fetch(`${base}/console/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ apiKey: key, lang: 'en' }).toString(),
      });
      const cookie = signIn.headers.getSetCookie()[0] ?? '';
      const signedIn = await fetch(`${base}/console`, {
        redirect: 'manual',
        headers: { cookie: cookie.split(';')[0] ?? '' },
      });

      expect(run.stdout()).toContain(`Console         ${base}/console   (sign in with the demo API key)`);
      expect(signIn.status).toBe(303);
      // Not Secure (a browser on http would drop it), so not __Host- (which demands Secure).
      expect(cookie).toMatch(/^console-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/console/offers?lang=en');
    });

    it('says, without WEBHOOKS_ALLOW_LOOPBACK_HTTP, that the webhook registration it prints is refused until a restart with it', async () => {
      const printed = /-d '(\{"url":"http:\/\/127\.0\.0\.1:9000\/hooks"[^']*\})'/.exec(run.stdout())?.[1] ?? '';

      const registration = await fetch(`${base}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: printed,
      });

      expect(run.stdout()).toContain('this run refuses receivers on http://127.0.0.1 (422, rule https_only)');
      expect(run.stdout()).toContain('WEBHOOKS_ALLOW_LOOPBACK_HTTP=true npm start, then register one:');
      expect(registration.status).toBe(422);
      expect(((await registration.json()) as { errors: unknown[] }).errors[0]).toMatchObject({
        field: 'body.url',
        rule: 'https_only',
      });
    });

    it('serves the demo partner’s logo itself, under an img-src the page allows', async () => {
      const offer = await createOffer();

      const page = await browserRequest(`${base}/o/${offer.summaryId}`);
      const logo = await browserRequest(`${base}/local/demo-logo.svg`);

      expect(await page.text()).toContain(`<img src="${base}/local/demo-logo.svg" alt="Contoso Cloud Advisors">`);
      expect(page.headers.get('content-security-policy')).toContain("img-src https: 'self'");
      expect(logo.status).toBe(200);
      expect(logo.headers.get('content-type')).toBe('image/svg+xml');
      expect(await logo.text()).toContain('<svg');
    });
  });
});

describe('npm start while its DynamoDB Local is frozen', () => {
  let run: Run;
  let base: string;
  let dynamoPid: number;
  const key = generateApiKey();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    run = npmStart({ PORT: String(port), DEMO_API_KEY: key });
    await untilReady(run);
    const dynamoPort = /DynamoDB Local\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout())?.[1];
    dynamoPid = Number(
      execFileSync('pgrep', ['-f', '--', `LoopbackDynamoDbLocal .*-port ${dynamoPort}$`], { encoding: 'utf8' }).trim(),
    );
  }, 90_000);

  afterAll(async () => {
    if (dynamoPid) process.kill(dynamoPid, 'SIGCONT');
    run?.child.kill('SIGTERM');
    await run?.exited;
  }, 30_000);

  it('answers the catalog for a key the authorizer looked up before, as on AWS, and the table routes with the 503 problem', async () => {
    const headers = { authorization: `Bearer ${key}` };
    expect((await fetch(`${base}/v1/offers`, { headers })).status).toBe(200);

    process.kill(dynamoPid, 'SIGSTOP');
    let catalog: Response;
    let offers: Response;
    try {
      catalog = await fetch(`${base}/v1/catalog?usageLocation=BR`, { headers });
      offers = await fetch(`${base}/v1/offers`, { headers });
    } finally {
      process.kill(dynamoPid, 'SIGCONT');
    }

    expect(catalog.status).toBe(200);
    expect(offers.status).toBe(503);
    expect(offers.headers.get('content-type')).toBe('application/problem+json');
    expect(offers.headers.get('retry-after')).toBe('5');
  }, 60_000);
});
