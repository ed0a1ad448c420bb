import type { Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import { createLocalGateway } from '../../infra/local/gateway.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import type { ApiEvent } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

/** The events the route handlers received; every handler answers 200. */
let events: ApiEvent[];
let authorizerFails: boolean;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createLocalGateway({
    loadHandler: async (name) =>
      (async (event: ApiEvent) => {
        if (name === 'authorizer') {
          if (authorizerFails) throw new Error('authorizer crashed');
          return { isAuthorized: true, context: { partnerId: 'p-1' } };
        }
        events.push(event);
        return { statusCode: 200, body: 'ok' };
      }) as never,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  events = [];
  authorizerFails = false;
});

/** Sends raw bytes (fetch would re-encode strings), answering status and body. */
function send(path: string, body: Buffer, contentType?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...(contentType ? { 'content-type': contentType } : {}), 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('local gateway request bodies', () => {
  it('passes invalid UTF-8 as the exact bytes, base64-encoded, never as U+FFFD', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]); // {"a":"\xC3(\xFF"}

    await send('/v1/offers', bytes, 'application/json');

    expect(events[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]?.body ?? '', 'base64').equals(bytes)).toBe(true);
  });

  it('passes valid UTF-8 JSON as text', async () => {
    await send('/v1/offers', Buffer.from('{"name":"São Paulo"}'), 'application/json; charset=utf-8');

    expect(events[0]).toMatchObject({ isBase64Encoded: false, body: '{"name":"São Paulo"}' });
  });

  it('passes a byte order mark as sent, not stripped (the handler judges it, as on AWS)', async () => {
    await send('/v1/offers', Buffer.from('\ufeff{}'), 'application/json');

    expect(events[0]).toMatchObject({ isBase64Encoded: false, body: '\ufeff{}' });
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded'],
    ['a body without Content-Type', undefined],
    ['a binary type', 'application/octet-stream'],
  ])('base64-encodes %s, as an HTTP API does', async (_case, contentType) => {
    await send('/o/ABCD1234/accept', Buffer.from('a=1&b=2'), contentType);

    expect(events[0]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[0]?.body ?? '', 'base64').toString('utf8')).toBe('a=1&b=2');
  });

  it('answers a failing authorizer as API Gateway does, with its bare 500 JSON', async () => {
    authorizerFails = true;

    const response = await send('/v1/offers', Buffer.from('{}'), 'application/json');

    expect(response).toEqual({ status: 500, body: '{"message":"Internal Server Error"}' });
    expect(events).toEqual([]);
  });
});

describe('JSON routes given a base64 body', () => {
  const route = partnerRoute({ body: z.object({ a: z.string() }) }, async ({ body }) => json(200, body));
  const base64Event = (bytes: Buffer) => ({
    ...apiEvent({
      routeKey: 'POST /v1/test',
      authorizer: { partnerId: 'p-1' },
      headers: { 'content-type': 'application/json' },
      body: bytes.toString('base64'),
    }),
    isBase64Encoded: true,
  });

  it('refuses bytes that are not UTF-8 with a 400 naming the rule', async () => {
    const result = await route(
      base64Event(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '{}').errors).toEqual([
      { field: 'body', rule: 'utf8', message: 'is not valid UTF-8' },
    ]);
  });

  it('reads UTF-8 sent base64-encoded', async () => {
    const result = await route(base64Event(Buffer.from('{"a":"São"}')), lambdaContext);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '{}')).toEqual({ a: 'São' });
  });
});

describe('local gateway function timeouts', () => {
  it('stops waiting for a handler at its timeout and answers API Gateway’s bare 500, as Lambda and API Gateway would', async () => {
    // Arrange: a route handler that never answers, and the context it was given.
    let remaining: number | undefined;
    const hanging = createLocalGateway({
      timeoutMs: 100,
      loadHandler: async () =>
        (async (_event: ApiEvent, context: { getRemainingTimeInMillis: () => number }) => {
          remaining = context.getRemainingTimeInMillis();
          return new Promise(() => undefined);
        }) as never,
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      // Act
      const response = await fetch(`http://127.0.0.1:${(hanging.address() as AddressInfo).port}/nowhere`);

      // Assert
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('{"message":"Internal Server Error"}');
      expect(remaining).toBeLessThanOrEqual(100);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});
