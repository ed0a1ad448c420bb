import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { webhookEventOf } from '../../functions/offer-events/webhooks.ts';
import { type AttemptResult, postOnce, truncateUtf8 } from '../../functions/webhook-deliveries/attempt.ts';
import { type DeliveryDeps, deliverMessage } from '../../functions/webhook-deliveries/deliver.ts';
import { EndpointHealth } from '../../functions/webhook-deliveries/endpoint-health.ts';
import {
  FIRST_RETRY_CEILING_MS,
  MAX_RETRY_WAIT_MS,
  nextAttemptAt,
  RETRY_WINDOW_MS,
  retryCeilingMs,
} from '../../functions/webhook-deliveries/schedule.ts';
import { signatureHeaders, signingSecrets } from '../../functions/webhook-deliveries/signing.ts';
import { LocalDeliveryQueue } from '../../infra/local/webhook-queue.ts';
import type { StoredDelivery } from '../../shared/db/webhook-deliveries.ts';
import {
  MAX_LOGGED_RESPONSE_BYTES,
  SECRET_OVERLAP_MS,
  type WebhookEndpoint,
  type WebhookSecret,
} from '../../shared/domain/webhook.ts';
import { FakeTable } from '../support/fake-table.ts';

const SECRET_A = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const SECRET_B = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

describe('retry schedule (exponential, full jitter, 3-day window)', () => {
  it('grows each ceiling fourfold from 5 s up to the 12 h cap', () => {
    expect([1, 2, 3, 4].map(retryCeilingMs)).toEqual([5_000, 20_000, 80_000, 320_000]);
    expect(retryCeilingMs(8)).toBe(MAX_RETRY_WAIT_MS);
    expect(retryCeilingMs(30)).toBe(MAX_RETRY_WAIT_MS);
  });

  it('waits a uniform share of the ceiling: nothing with random 0, almost the ceiling near 1', () => {
    const first = 1_000_000;
    expect(nextAttemptAt(1, first, first, () => 0)).toBe(first);
    expect(nextAttemptAt(1, first, first, () => 0.5)).toBe(first + FIRST_RETRY_CEILING_MS / 2);
    expect(nextAttemptAt(3, first, first + 60_000, () => 0.5)).toBe(first + 60_000 + 40_000);
  });

  it('makes the last attempt at the window’s end and none after it', () => {
    const first = 1_000_000;
    const nearEnd = first + RETRY_WINDOW_MS - 60_000;
    expect(nextAttemptAt(15, first, nearEnd, () => 0.9)).toBe(first + RETRY_WINDOW_MS);
    expect(nextAttemptAt(16, first, first + RETRY_WINDOW_MS, () => 0.9)).toBeUndefined();
  });
});

describe('Standard Webhooks signing headers', () => {
  const event = { id: 'evt_abc', type: 'ping', createdAt: '2026-11-30T01:00:00.000Z', data: {} } as const;
  const body = JSON.stringify(event);
  const now = new Date('2026-11-30T01:00:00.750Z');

  it('carries the event id, the whole-second timestamp and a signature the library verifies', () => {
    const headers = signatureHeaders({ secrets: [{ secret: SECRET_A, createdAt: event.createdAt }] }, event, body, now);
    expect(headers['webhook-id']).toBe('evt_abc');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    const expected = new Webhook(SECRET_A).sign('evt_abc', new Date('2026-11-30T01:00:00.000Z'), body);
    expect(headers['webhook-signature']).toBe(expected);
  });

  it('signs with the previous secret too until its overlap ends, then with the current one only', () => {
    const rotatedAt = Date.parse('2026-11-29T12:00:00.000Z');
    const secrets: WebhookSecret[] = [
      { secret: SECRET_B, createdAt: new Date(rotatedAt).toISOString() },
      {
        secret: SECRET_A,
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: new Date(rotatedAt + SECRET_OVERLAP_MS).toISOString(),
      },
    ];
    expect(signingSecrets({ secrets }, new Date(rotatedAt + SECRET_OVERLAP_MS - 1))).toEqual([SECRET_B, SECRET_A]);
    expect(signingSecrets({ secrets }, new Date(rotatedAt + SECRET_OVERLAP_MS))).toEqual([SECRET_B]);

    const during = signatureHeaders({ secrets }, event, body, now)['webhook-signature'].split(' ');
    expect(during).toHaveLength(2);
    expect(during[0]).toBe(new Webhook(SECRET_B).sign('evt_abc', new Date('2026-11-30T01:00:00.000Z'), body));
    expect(during[1]).toBe(new Webhook(SECRET_A).sign('evt_abc', new Date('2026-11-30T01:00:00.000Z'), body));
  });
});

describe('one delivery attempt', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  let answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string };

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      request.resume();
      request.on('end', () => {
        const { status, headers = {}, body = '' } = answer(request.url ?? '');
        response.writeHead(status, headers).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    hits.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('does not follow a redirect: a 3xx is a failure and the target is never asked', async () => {
    answer = (path) =>
      path === '/hook' ? { status: 302, headers: { location: `${base}/elsewhere` } } : { status: 200 };
    const result = await postOnce(`${base}/hook`, '{}', {}, { allowLoopback: true });
    expect(result).toMatchObject({ ok: false, status: 302 });
    expect(hits).toEqual(['/hook']);
  });

  it('keeps at most 1 KB of the answer, cut on a character boundary', async () => {
    answer = () => ({ status: 200, body: 'é'.repeat(2_000) });
    const result = await postOnce(`${base}/hook`, '{}', {}, { allowLoopback: true });
    expect(result.ok).toBe(true);
    expect(Buffer.byteLength(result.body ?? '')).toBe(MAX_LOGGED_RESPONSE_BYTES);
    expect(result.body).toBe('é'.repeat(MAX_LOGGED_RESPONSE_BYTES / 2));
    expect(truncateUtf8(`a${'é'.repeat(600)}`)).toBe(`a${'é'.repeat(511)}`);
  });

  it('refuses a name that resolves to a loopback address without the local-only setting, sending nothing', async () => {
    answer = () => ({ status: 200 });
    const port = new URL(base).port;
    const result = await postOnce(
      `https://hooks.partner.example:${port}/hook`,
      '{}',
      {},
      {
        resolve: async () => [{ address: '127.0.0.1', family: 4 }],
      },
    );
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('refused') });
    expect(result.status).toBeUndefined();
    expect(hits).toEqual([]);
  });

  it('refuses plain http to a public host', async () => {
    const result = await postOnce(
      'http://hooks.partner.example/hook',
      '{}',
      {},
      {
        resolve: async () => [{ address: '203.0.113.10', family: 4 }],
      },
    );
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('https') });
  });

  it('gives up after the timeout when the receiver does not answer', async () => {
    answer = () => ({ status: 200 });
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const result = await postOnce(url, '{}', {}, { allowLoopback: true, timeoutMs: 100 });
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    expect(result).toMatchObject({ ok: false, error: 'timeout' });
  });
});

describe('offer events as webhook events', () => {
  it('maps a decline to offer.declined with its reason and a stable id', () => {
    const decline = {
      type: 'OfferDeclined' as const,
      partnerId: 'p1',
      decline: {
        summaryId: 'S-1',
        submissionId: 'sub-1',
        reason: 'too expensive',
        declinedAt: '2026-11-30T01:00:00.000Z',
      },
    };
    const event = webhookEventOf(decline);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'offer.declined',
      createdAt: '2026-11-30T01:00:00.000Z',
      data: {
        summaryId: 'S-1',
        submissionId: 'sub-1',
        reason: 'too expensive',
        declinedAt: '2026-11-30T01:00:00.000Z',
      },
    });
    expect(webhookEventOf(decline).id).toBe(event.id);
    expect(webhookEventOf({ ...decline, decline: { ...decline.decline, submissionId: 'sub-2' } }).id).not.toBe(
      event.id,
    );
  });
});

describe('handling one queued delivery message', () => {
  const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
  const at = Date.parse('2026-11-30T00:00:00.000Z');
  const endpoint = (overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
    endpointId: 'we_1',
    partnerId: 'p1',
    url: 'https://hooks.partner.example/in',
    events: ['offer.accepted'],
    status: 'enabled',
    secrets: [{ secret: SECRET, createdAt: '2026-01-01T00:00:00.000Z' }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });
  const delivery = (overrides: Partial<StoredDelivery> = {}): StoredDelivery => ({
    deliveryId: 'wd_0000000001234567890123456',
    endpointId: 'we_1',
    partnerId: 'p1',
    eventId: 'evt_1',
    eventType: 'offer.accepted',
    status: 'pending',
    attempts: 0,
    createdAt: new Date(at).toISOString(),
    updatedAt: new Date(at).toISOString(),
    event: { id: 'evt_1', type: 'offer.accepted', createdAt: new Date(at).toISOString(), data: {} },
    ...overrides,
  });
  const message = { partnerId: 'p1', endpointId: 'we_1', deliveryId: 'wd_0000000001234567890123456' };

  function setUp(stored: { delivery?: StoredDelivery; endpoint?: WebhookEndpoint }, answer: AttemptResult) {
    const table = new FakeTable();
    const queue = new LocalDeliveryQueue(() => at);
    const posts: string[] = [];
    const deps: DeliveryDeps = {
      deliveries: { get: async () => stored.delivery, recordAttempt: async () => true } as never,
      endpoints: { get: async () => stored.endpoint },
      health: new EndpointHealth(table),
      queue,
      now: () => new Date(at),
      random: () => 0.5,
      post: async (url) => {
        posts.push(url);
        return answer;
      },
    };
    return { table, queue, posts, deps };
  }

  it('queues a message that is not due yet again with the rest of its wait, at most 15 minutes, reading nothing', async () => {
    const { queue, posts, deps } = setUp({}, { ok: true, latencyMs: 1 });
    const notBefore = new Date(at + 2 * 3_600_000).toISOString();
    expect(await deliverMessage({ ...message, notBefore }, deps)).toBe('not-due');
    expect(queue.delays).toEqual([900]);
    expect(queue.waiting[0]?.message.notBefore).toBe(notBefore);
    expect(posts).toEqual([]);
  });

  it('sends nothing to a disabled endpoint and ends the delivery as failed', async () => {
    const { posts, deps } = setUp(
      { delivery: delivery(), endpoint: endpoint({ status: 'disabled' }) },
      { ok: true, latencyMs: 1 },
    );
    expect(await deliverMessage(message, deps)).toBe('endpoint-unavailable');
    expect(posts).toEqual([]);
  });

  it('disables an endpoint failing for 3 days and dead-letters the delivery', async () => {
    const failingSince = new Date(at - 3 * 24 * 3_600_000).toISOString();
    const { table, queue, deps } = setUp(
      {
        delivery: delivery({ attempts: 3, firstAttemptAt: new Date(at - 3_600_000).toISOString() }),
        endpoint: endpoint({ failingSince }),
      },
      { ok: false, status: 503, latencyMs: 12 },
    );
    expect(await deliverMessage(message, deps)).toBe('dead-lettered');
    expect(queue.deadLettered).toEqual([message]);
    expect(table.calls.update[0]?.ExpressionAttributeValues).toMatchObject({
      ':disabled': 'disabled',
      ':since': failingSince,
    });
  });

  it('starts the endpoint’s run of failures and schedules a retry on the first failure', async () => {
    const { table, queue, deps } = setUp(
      { delivery: delivery(), endpoint: endpoint() },
      { ok: false, status: 500, latencyMs: 5 },
    );
    expect(await deliverMessage(message, deps)).toBe('retry-scheduled');
    expect(table.calls.update[0]?.UpdateExpression).toBe('SET failingSince = :at');
    // random 0.5 of the first 5 s ceiling.
    expect(queue.delays).toEqual([2.5]);
  });
});
