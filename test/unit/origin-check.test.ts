import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { httpRoute } from '../../shared/http/chain.ts';
import { EDGE_PAGE_CSP } from '../../shared/http/edge-responses.ts';
import { problemErrors } from '../../shared/http/middleware.ts';
import {
  cachedOriginSecret,
  FORCED_REFRESH_MIN_MS,
  getSecretString,
  ORIGIN_VERIFY_HEADER,
  type OriginCheck,
  OriginSecretUnavailableError,
  originCheckFromEnv,
  parseOriginSecret,
  SECRET_REFRESH_MS,
  staticOriginSecret,
  verifyOrigin,
} from '../../shared/http/origin-check.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const CURRENT = 'c'.repeat(40);
const PREVIOUS = 'p'.repeat(40);
const NEXT = 'n'.repeat(40);
const secretJson = (current: string, previous?: string) =>
  JSON.stringify(previous ? { current, previous } : { current });
const on = (value = secretJson(CURRENT, PREVIOUS)): OriginCheck => ({
  mode: 'on',
  source: staticOriginSecret(value, 'test'),
});

/** A route that records whether it ran, behind the shared chain with the given check. */
function route(check: OriginCheck) {
  const ran = jest.fn<() => Promise<ApiResult>>(async () => ({ statusCode: 200, body: 'ran' }));
  return { ran, handler: httpRoute([], problemErrors(), ran, check) };
}

describe('verifyOrigin', () => {
  it.each([
    ['the current value', CURRENT, 'pass'],
    ['the previous value (a rotation in progress)', PREVIOUS, 'pass'],
    ['a wrong value', 'x'.repeat(40), 'refused'],
    ['no header', undefined, 'refused'],
    ['an empty header', '', 'refused'],
  ])('judges %s: %s', async (_what, header, verdict) => {
    await expect(verifyOrigin(on(), header)).resolves.toBe(verdict);
  });

  it('lets everything through when the check is off (the local stage)', async () => {
    await expect(verifyOrigin({ mode: 'off' }, undefined)).resolves.toBe('pass');
  });

  it('refuses everything, the right value included, when a deployed function lacks its setting', async () => {
    await expect(verifyOrigin({ mode: 'misconfigured', reason: 'test' }, CURRENT)).resolves.toBe('refused');
  });

  it('answers unavailable when the secret cannot be read at all', async () => {
    const check: OriginCheck = {
      mode: 'on',
      source: {
        get: async () => {
          throw new OriginSecretUnavailableError('Secrets Manager did not answer within 2000 ms');
        },
      },
    };
    await expect(verifyOrigin(check, CURRENT)).resolves.toBe('unavailable');
  });
});

describe('the origin check in every route (httpRoute)', () => {
  it('runs the route for a request with the right header', async () => {
    const { ran, handler } = route(on());
    const result = await handler(
      apiEvent({ routeKey: 'GET /v1/offers', headers: { [ORIGIN_VERIFY_HEADER]: CURRENT } }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(ran).toHaveBeenCalledTimes(1);
  });

  it('also accepts the previous value, so a rotation refuses nothing', async () => {
    const { ran, handler } = route(on());
    const result = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', headers: { [ORIGIN_VERIFY_HEADER]: PREVIOUS } }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(ran).toHaveBeenCalledTimes(1);
  });

  it('answers a /v1 request without the header 403 problem+json, before the route or its partner check runs', async () => {
    const { ran, handler } = route(on());
    const result = await handler(apiEvent({ routeKey: 'POST /v1/offers' }), lambdaContext);
    expect(ran).not.toHaveBeenCalled();
    expect(result.statusCode).toBe(403);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body ?? '')).toMatchObject({
      type: 'urn:purchase-offers:problem:edge-required',
      status: 403,
      requestId: 'req-123',
    });
    // The chain's own steps still ran: security headers and the request id.
    expect(result.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-request-id': 'req-123' });
  });

  it('answers a customer page request with a wrong header 403 as an HTML page in both languages', async () => {
    const { ran, handler } = route(on());
    const result = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', headers: { [ORIGIN_VERIFY_HEADER]: 'x'.repeat(40) } }),
      lambdaContext,
    );
    expect(ran).not.toHaveBeenCalled();
    expect(result.statusCode).toBe(403);
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': EDGE_PAGE_CSP,
      'cache-control': 'no-store',
    });
    expect(result.body).toContain('<h1>Wrong address</h1>');
    expect(result.body).toContain('<div lang="pt-BR"><h1>Endereço incorreto</h1>');
  });

  it('answers a console request the same way (a page, not JSON)', async () => {
    const { handler } = route(on());
    const result = await handler(apiEvent({ routeKey: 'POST /console/sign-in' }), lambdaContext);
    expect(result.statusCode).toBe(403);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
  });

  it('answers 503 with Retry-After when the secret cannot be read, in the path’s format', async () => {
    const check: OriginCheck = {
      mode: 'on',
      source: {
        get: async () => {
          throw new OriginSecretUnavailableError('down');
        },
      },
    };
    const { ran, handler } = route(check);
    const api = await handler(
      apiEvent({ routeKey: 'GET /v1/offers', headers: { [ORIGIN_VERIFY_HEADER]: CURRENT } }),
      lambdaContext,
    );
    const page = await handler(
      apiEvent({ routeKey: 'GET /o/{code}', headers: { [ORIGIN_VERIFY_HEADER]: CURRENT } }),
      lambdaContext,
    );
    expect(ran).not.toHaveBeenCalled();
    expect([api.statusCode, api.headers?.['retry-after']]).toEqual([503, '5']);
    expect(JSON.parse(api.body ?? '').type).toBe('urn:purchase-offers:problem:service-unavailable');
    expect([page.statusCode, page.headers?.['retry-after'], page.headers?.['content-type']]).toEqual([
      503,
      '5',
      'text/html; charset=utf-8',
    ]);
  });

  it('lets every request through on the local stage (no CloudFront in front)', async () => {
    const { ran, handler } = route({ mode: 'off' });
    const result = await handler(apiEvent({ routeKey: 'GET /v1/offers' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(ran).toHaveBeenCalledTimes(1);
  });
});

describe('originCheckFromEnv', () => {
  it('is off on the local stage (npm start) and without a stage outside Lambda (tests)', () => {
    expect(originCheckFromEnv({ STAGE: 'local' }).mode).toBe('off');
    expect(originCheckFromEnv({}).mode).toBe('off');
  });

  it('fails closed on a deployed stage without the secret setting, and inside Lambda whatever the stage says', () => {
    expect(originCheckFromEnv({ STAGE: 'prod' }).mode).toBe('misconfigured');
    expect(originCheckFromEnv({ STAGE: 'local', AWS_LAMBDA_FUNCTION_NAME: 'fn' }).mode).toBe('misconfigured');
    expect(originCheckFromEnv({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }).mode).toBe('misconfigured');
  });

  it('checks against a given value (ORIGIN_SECRET), and refuses a value too short to be a secret', async () => {
    const check = originCheckFromEnv({ ORIGIN_SECRET: secretJson(CURRENT), STAGE: 'local' });
    await expect(verifyOrigin(check, CURRENT)).resolves.toBe('pass');
    await expect(verifyOrigin(check, undefined)).resolves.toBe('refused');
    expect(() => originCheckFromEnv({ ORIGIN_SECRET: secretJson('short') })).toThrow(/at least 32/);
  });
});

describe('parseOriginSecret', () => {
  it('reads current and the optional previous value, never echoing the value in errors', () => {
    expect(parseOriginSecret(secretJson(CURRENT, PREVIOUS), 's')).toEqual({ current: CURRENT, previous: PREVIOUS });
    expect(parseOriginSecret(secretJson(CURRENT), 's')).toEqual({ current: CURRENT });
    expect(() => parseOriginSecret(`{"current":"${CURRENT}","previous":"short"}`, 's')).toThrow(/"previous"/);
    expect(() => parseOriginSecret('not json', 'secret X')).toThrow('secret X is not JSON');
  });
});

describe('cachedOriginSecret (the secret as Secrets Manager holds it, through a rotation)', () => {
  function store(initial: string) {
    let value = initial;
    const read = jest.fn(async () => value);
    return { read, set: (next: string) => (value = next) };
  }

  it('accepts the new value once the rotation moved AWSCURRENT, by reading again at the first unknown header', async () => {
    const stored = store(secretJson(CURRENT));
    let now = 1_000_000;
    const check: OriginCheck = {
      mode: 'on',
      source: cachedOriginSecret({ read: stored.read, source: 'test', now: () => now }),
    };
    await expect(verifyOrigin(check, CURRENT)).resolves.toBe('pass');

    // The rotation: AWSCURRENT now holds the new value and keeps the old one as previous.
    stored.set(secretJson(NEXT, CURRENT));
    now += 1_000;
    await expect(verifyOrigin(check, NEXT)).resolves.toBe('pass');
    // CloudFront edges still sending the old value are accepted too.
    await expect(verifyOrigin(check, CURRENT)).resolves.toBe('pass');
  });

  it('reads again for unknown headers at most once per FORCED_REFRESH_MIN_MS', async () => {
    const stored = store(secretJson(CURRENT));
    let now = 1_000_000;
    const check: OriginCheck = {
      mode: 'on',
      source: cachedOriginSecret({ read: stored.read, source: 'test', now: () => now }),
    };
    await verifyOrigin(check, CURRENT);
    const readsBefore = stored.read.mock.calls.length;
    await expect(verifyOrigin(check, 'x'.repeat(40))).resolves.toBe('refused');
    await expect(verifyOrigin(check, 'y'.repeat(40))).resolves.toBe('refused');
    expect(stored.read.mock.calls.length).toBe(readsBefore + 1);
    now += FORCED_REFRESH_MIN_MS + 1;
    await verifyOrigin(check, 'z'.repeat(40));
    expect(stored.read.mock.calls.length).toBe(readsBefore + 2);
  });

  it('re-reads after SECRET_REFRESH_MS and keeps the old value when that read fails', async () => {
    let now = 1_000_000;
    let fail = false;
    const read = jest.fn(async () => {
      if (fail) throw new OriginSecretUnavailableError('down');
      return secretJson(CURRENT);
    });
    const check: OriginCheck = { mode: 'on', source: cachedOriginSecret({ read, source: 'test', now: () => now }) };
    await verifyOrigin(check, CURRENT);
    fail = true;
    now += SECRET_REFRESH_MS + 1;
    await expect(verifyOrigin(check, CURRENT)).resolves.toBe('pass');
    expect(read.mock.calls.length).toBeGreaterThanOrEqual(2);
  });
});

describe('getSecretString (Secrets Manager GetSecretValue without the SDK)', () => {
  let server: Server;
  let port: number;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends a SigV4-signed GetSecretValue for the secret and returns its string', async () => {
    answer = { status: 200, body: JSON.stringify({ SecretString: secretJson(CURRENT) }) };
    const value = await getSecretString(
      'arn:aws:secretsmanager:eu-west-1:1:secret:o',
      'eu-west-1',
      env,
      `http://127.0.0.1:${port}/`,
    );
    expect(value).toBe(secretJson(CURRENT));
    const request = received.at(-1);
    expect(JSON.parse(request?.body ?? '')).toEqual({ SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:o' });
    expect(request?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(request?.headers['x-amz-security-token']).toBe('token');
    expect(request?.headers.authorization).toContain('/eu-west-1/secretsmanager/aws4_request');
  });

  it('fails as unavailable naming the error type only, never the answer body', async () => {
    answer = { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }) };
    const call = getSecretString('s', 'eu-west-1', env, `http://127.0.0.1:${port}/`);
    await expect(call).rejects.toThrow(
      new OriginSecretUnavailableError('Secrets Manager GetSecretValue answered 400 (AccessDeniedException)'),
    );
  });
});
