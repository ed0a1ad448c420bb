import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createHandler as createOfferEventsHandler } from '../../functions/offer-events/handler.ts';
import { createHandler as createTimerHandler } from '../../functions/offer-timers/handler.ts';
import { EndpointHealth } from '../../functions/webhook-deliveries/endpoint-health.ts';
import { createHandler as createDeliveryHandler } from '../../functions/webhook-deliveries/handler.ts';
import { RETRY_WINDOW_MS } from '../../functions/webhook-deliveries/schedule.ts';
import { webhookEndpointRoutes } from '../../functions/webhook-endpoints/routes.ts';
import { LocalOfferTimers } from '../../infra/local/offer-timers.ts';
import type { TableStreamPoller } from '../../infra/local/table-stream.ts';
import { LocalDeliveryQueue } from '../../infra/local/webhook-queue.ts';
import { createDynamoClient } from '../../shared/db/sdk-table.ts';
import { WebhookDeliveryStore, webhookDeliveryKeys } from '../../shared/db/webhook-deliveries.ts';
import { DynamoWebhookEndpointStore } from '../../shared/db/webhook-endpoints.ts';
import { ALLOW_LOOPBACK_SETTING, type Resolver } from '../../shared/net/public-address.ts';
import { QueueingDispatcher, setLocalDeliveryQueue } from '../../shared/webhooks/delivery-queue.ts';
import { WebhookFanOut } from '../../shared/webhooks/fan-out.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { bearer, bodyOf, newPartner, startLocalApi, table } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import { webhookEventViolations } from '../support/openapi-contract.ts';
import { streamTestTable } from '../support/table-stream.ts';

/** A receiver on 127.0.0.1 that answers `status` and keeps what it got, with the test clock's time. */
interface Receiver {
  readonly url: string;
  readonly requests: { headers: IncomingHttpHeaders; body: string; at: number }[];
  status: number;
  close(): Promise<void>;
}

// The test clock: every delivery attempt, backoff and dead-lettering reads it; tests move it.
let clock = Date.now();
const now = () => clock;

async function startReceiver(status: number): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const receiver = { requests, status } as Receiver & { server: Server };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: clock });
      response.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(`answer ${receiver.status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const dynamo = createDynamoClient(process.env.DDB_ENDPOINT);
const deliveries = new WebhookDeliveryStore(table);
const endpoints = new DynamoWebhookEndpointStore(table);
let queue: LocalDeliveryQueue;
let timers: LocalOfferTimers;
let api: Awaited<ReturnType<typeof startLocalApi>>;
let stream: TableStreamPoller;
let customer: ReturnType<typeof customerAt>;
const receivers: Receiver[] = [];

const deliver = createDeliveryHandler(() => ({
  deliveries,
  endpoints,
  health: new EndpointHealth(table),
  queue,
  now: () => new Date(clock),
  // The top of each jitter range, so waits are the schedule's ceilings and visibly grow.
  random: () => 0.999,
  attempt: { allowLoopback: true },
}));

beforeAll(async () => {
  // The local-only setting: the endpoints API then takes http://127.0.0.1 receivers, as under npm start.
  process.env[ALLOW_LOOPBACK_SETTING] = 'true';
  process.env.STAGE = 'local';
  queue = new LocalDeliveryQueue(now);
  timers = new LocalOfferTimers(now);
  setLocalDeliveryQueue(queue);
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
  stream = await streamTestTable(
    dynamo,
    createOfferEventsHandler(
      { publish: async () => [] },
      () => new WebhookFanOut(endpoints, new QueueingDispatcher(deliveries, queue, () => new Date(clock))),
      undefined,
      () => timers,
    ),
  );
});
beforeEach(() => {
  clock = Date.now();
});
afterEach(async () => {
  const received = receivers.flatMap((receiver) => receiver.requests.map((request) => JSON.parse(request.body)));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  // Every body any receiver got is what the OpenAPI document's `webhooks` section says it is.
  expect(received.flatMap((body) => webhookEventViolations(body))).toEqual([]);
});
afterAll(async () => {
  await stream.stop();
  dynamo.destroy();
  setLocalDeliveryQueue(undefined);
  await api.close();
});

async function register(key: string, url: string, events: string[]) {
  const response = await fetch(`${api.baseUrl}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({ url, events }),
  });
  expect(response.status).toBe(201);
  return (await bodyOf(response)) as { endpointId: string; secret: string };
}

/** Waits (real time, bounded) until the stream fan-out has queued a message for the endpoint. */
async function queuedFor(endpointId: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (queue.waiting.some((entry) => entry.message.endpointId === endpointId)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing was queued for ${endpointId}`);
}

async function acceptOffer(partnerId: string) {
  const offer = await seedOffer({ partnerId });
  const submission = await customer.openForm(offer);
  expect((await customer.post(offer, 'accept', acceptFields(submission, { delegatedAdmin: 'no' }))).status).toBe(303);
  return { offer, submission };
}

describe('webhook deliveries (stream → queue → delivery function → receiver)', () => {
  it('delivers one accepted offer once, signed so that the standardwebhooks library verifies it', async () => {
    // Arrange
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    const endpoint = await register(key, receiver.url, ['offer.accepted']);

    // Act
    const { offer } = await acceptOffer(partner.partnerId);
    await queuedFor(endpoint.endpointId);
    await queue.drain(deliver);
    await queue.drain(deliver);

    // Assert: one request, verified with the endpoint's secret; the body is the event.
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const headers = request?.headers as Record<string, string>;
    const event = new Webhook(endpoint.secret).verify(request?.body ?? '', headers) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'offer.accepted',
      id: headers['webhook-id'],
      data: { summaryId: offer.summaryId, companyName: 'Tailwind Traders' },
    });
    const log = await deliveries.list(partner.partnerId, endpoint.endpointId, { limit: 10 });
    expect(log.deliveries).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        attempts: 1,
        lastResponseCode: 200,
        lastResponseBody: 'answer 200',
      }),
    ]);
  });

  it('retries a failing receiver with growing delays for 3 days, then dead-letters it and disables the endpoint', async () => {
    // Arrange
    const receiver = await startReceiver(500);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    const endpoint = await register(key, receiver.url, ['offer.accepted']);
    const start = clock;

    // Act: the accept, then the clock moved to each next due message until nothing waits.
    await acceptOffer(partner.partnerId);
    await queuedFor(endpoint.endpointId);
    await queue.drain(deliver);
    for (let next = queue.nextVisibleAt(); next !== undefined; next = queue.nextVisibleAt()) {
      clock = Math.max(clock, next);
      await queue.drain(deliver);
    }

    // Assert: the same event each time; waits grow up to the 12 h cap; the last attempt at the
    // 3-day window's end; then the dead-letter queue, and the endpoint disabled.
    const ids = new Set(receiver.requests.map((request) => request.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const times = receiver.requests.map((request) => request.at);
    const waits = times.slice(1).map((at, index) => at - (times[index] ?? 0));
    expect(waits.slice(0, 6).every((wait, index) => index === 0 || wait > (waits[index - 1] ?? 0))).toBe(true);
    expect(Math.max(...waits)).toBeLessThanOrEqual(12 * 3_600_000);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBe(RETRY_WINDOW_MS);
    expect((times[0] ?? 0) - start).toBeLessThan(60_000);
    expect(queue.deadLettered.filter((message) => message.endpointId === endpoint.endpointId)).toHaveLength(1);
    const [delivery] = (await deliveries.list(partner.partnerId, endpoint.endpointId, { limit: 10 })).deliveries;
    expect(delivery).toMatchObject({
      status: 'dead-lettered',
      attempts: receiver.requests.length,
      lastResponseCode: 500,
    });
    const stored = await endpoints.get(partner.partnerId, endpoint.endpointId);
    expect(stored).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('3 days') });
  });

  it('signs with both secrets during the rotation overlap: the old and the new one each verify', async () => {
    // Arrange
    const receiver = await startReceiver(204);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    const endpoint = await register(key, receiver.url, ['offer.declined']);
    const rotated = await fetch(`${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}/rotate-secret`, {
      method: 'POST',
      headers: bearer(key),
    });
    const { secret: newSecret } = (await bodyOf(rotated)) as { secret: string };

    // Act: a ping through the endpoints API, delivered by the delivery function.
    const ping = await fetch(`${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}/test`, {
      method: 'POST',
      headers: bearer(key),
    });
    expect(ping.status).toBe(202);
    await queue.drain(deliver);

    // Assert
    const [request] = receiver.requests;
    const headers = request?.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, newSecret]) {
      expect(new Webhook(secret).verify(request?.body ?? '', headers)).toMatchObject({ type: 'ping' });
    }
    const [delivery] = (await deliveries.list(partner.partnerId, endpoint.endpointId, { limit: 10 })).deliveries;
    expect(delivery).toMatchObject({ eventType: 'ping', status: 'succeeded', lastResponseCode: 204 });
  });

  it('lists the delivery log newest first, page by page, and redelivers an event under its webhook-id', async () => {
    // Arrange: two pings delivered, the second answered 500 once then 201.
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { key } = await newPartner();
    const other = await newPartner();
    const endpoint = await register(key, receiver.url, ['offer.accepted']);
    const ping = () =>
      fetch(`${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}/test`, {
        method: 'POST',
        headers: bearer(key),
      });
    const first = (await bodyOf(await ping())) as { deliveryId: string };
    await queue.drain(deliver);
    clock += 1_000;
    receiver.status = 201;
    const second = (await bodyOf(await ping())) as { deliveryId: string };
    await queue.drain(deliver);
    const logUrl = `${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}/deliveries`;

    // Act
    const page1 = await fetch(`${logUrl}?limit=1`, { headers: bearer(key) });
    const page1Body = await bodyOf(page1);
    const page2Body = await bodyOf(
      await fetch(`${logUrl}?limit=1&cursor=${page1Body.nextCursor}`, { headers: bearer(key) }),
    );
    const foreign = await fetch(logUrl, { headers: bearer(other.key) });
    const retry = await fetch(`${logUrl}/${first.deliveryId}/retry`, { method: 'POST', headers: bearer(key) });
    const foreignRetry = await fetch(`${logUrl}/${first.deliveryId}/retry`, {
      method: 'POST',
      headers: bearer(other.key),
    });
    await queue.drain(deliver);

    // Assert: newest first, with code, latency and body; another partner gets 404 for both routes.
    expect(page1.status).toBe(200);
    expect(page1Body.deliveries).toEqual([
      expect.objectContaining({
        deliveryId: second.deliveryId,
        eventType: 'ping',
        status: 'succeeded',
        attempts: 1,
        lastResponseCode: 201,
        lastResponseBody: 'answer 201',
        lastLatencyMs: expect.any(Number),
      }),
    ]);
    expect(page2Body.deliveries.map((delivery: { deliveryId: string }) => delivery.deliveryId)).toEqual([
      first.deliveryId,
    ]);
    expect(foreign.status).toBe(404);
    expect(foreignRetry.status).toBe(404);
    expect(retry.status).toBe(202);
    const redelivery = await bodyOf(retry);
    expect(redelivery).toMatchObject({ redeliveryOf: first.deliveryId, status: 'pending' });
    // The redelivery carries the first delivery's event id (webhook-id) and body.
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests[2]?.headers['webhook-id']).toBe(receiver.requests[0]?.headers['webhook-id']);
    expect(receiver.requests[2]?.body).toBe(receiver.requests[0]?.body);
    const latest = await bodyOf(await fetch(`${logUrl}?limit=1`, { headers: bearer(key) }));
    expect(latest.deliveries[0]).toMatchObject({
      deliveryId: redelivery.deliveryId,
      redeliveryOf: first.deliveryId,
      status: 'succeeded',
    });
  });

  it('sends offer.created, the first counted view, offer.exhausted and offer.deactivated once each', async () => {
    // Arrange
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    const endpoint = await register(key, receiver.url, [
      'offer.created',
      'offer.viewed',
      'offer.exhausted',
      'offer.deactivated',
    ]);

    // Act: created, viewed twice, accepted up to its one acceptance, then deactivated.
    const offer = await seedOffer({ partnerId: partner.partnerId, maxAcceptances: 1 });
    await customer.openForm(offer);
    const submission = await customer.openForm(offer);
    // The views are counted (as the views function does from the stream), so the counter leaves 0.
    expect(await viewsOf(offer.summaryId)).toBe(2);
    await customer.post(offer, 'accept', acceptFields(submission, { delegatedAdmin: 'no' }));
    const deactivated = await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/deactivate`, {
      method: 'POST',
      headers: bearer(key),
    });
    expect(deactivated.status).toBeLessThan(300);
    for (let waited = 0; waited < 10_000; waited += 50) {
      const queued = queue.waiting.filter((entry) => entry.message.endpointId === endpoint.endpointId);
      if (queued.length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await queue.drain(deliver);

    // Assert: each once, about this offer, signed.
    const events = receiver.requests.map((request) =>
      new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>),
    ) as { type: string; data: { summaryId: string } }[];
    expect(events.map((event) => event.type).sort()).toEqual([
      'offer.created',
      'offer.deactivated',
      'offer.exhausted',
      'offer.viewed',
    ]);
    expect(events.every((event) => event.data.summaryId === offer.summaryId)).toBe(true);
  });

  it('sends offer.expiring 24 h before expiresAt and offer.expired at it, from per-offer timers; none for an offer deactivated early', async () => {
    // Arrange
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    await register(key, receiver.url, ['offer.expiring', 'offer.expired']);
    const start = clock;
    const expiresAt = new Date(start + 48 * 3_600_000).toISOString();
    const offer = await seedOffer({ partnerId: partner.partnerId, expiresAt });
    const ended = await seedOffer({ partnerId: partner.partnerId, expiresAt });
    const fire = createTimerHandler(() => ({
      table,
      fanOut: new WebhookFanOut(endpoints, new QueueingDispatcher(deliveries, queue, () => new Date(clock))),
    }));
    const timersOf = (summaryId: string) =>
      [...timers.pending.values()]
        .filter((timer) => timer.input.summaryId === summaryId)
        .map((timer) => timer.input.kind);
    for (
      let waited = 0;
      waited < 10_000 && timersOf(offer.summaryId).length + timersOf(ended.summaryId).length < 4;
      waited += 50
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(timersOf(offer.summaryId).sort()).toEqual(['expired', 'expiring']);
    await fetch(`${api.baseUrl}/v1/offers/${ended.summaryId}/deactivate`, { method: 'POST', headers: bearer(key) });
    for (let waited = 0; waited < 10_000 && timersOf(ended.summaryId).length > 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const typesAt = async (at: number) => {
      clock = at;
      await timers.runDue(fire);
      await queue.drain(deliver);
      return receiver.requests.map(
        (request) => JSON.parse(request.body) as { type: string; data: { summaryId: string } },
      );
    };

    // Act + Assert: nothing a second before the notice, expiring at it, expired at the expiry.
    expect(await typesAt(start + 24 * 3_600_000 - 1_000)).toEqual([]);
    expect((await typesAt(start + 24 * 3_600_000)).map((event) => event.type)).toEqual(['offer.expiring']);
    const events = await typesAt(start + 48 * 3_600_000);
    expect(events.map((event) => [event.type, event.data.summaryId])).toEqual([
      ['offer.expiring', offer.summaryId],
      ['offer.expired', offer.summaryId],
    ]);
    expect(timersOf(ended.summaryId)).toEqual([]);
  });

  it('refuses at delivery a name that resolved publicly at registration and now resolves to 127.0.0.1: nothing is sent, the log says why', async () => {
    // Arrange: registered while the name answers a public address (as the partner's DNS may).
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { partner } = await newPartner();
    const port = new URL(receiver.url).port;
    const publicly: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];
    const routes = webhookEndpointRoutes({
      store: endpoints,
      dispatcher: new QueueingDispatcher(deliveries, queue, () => new Date(clock)),
      resolve: publicly,
      allowLoopback: false,
    });
    const created = await routes(
      apiEvent({
        routeKey: 'POST /v1/webhook-endpoints',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `https://hooks.rebinding.example:${port}/in`, events: ['offer.accepted'] }),
        authorizer: { partnerId: partner.partnerId },
      }),
      lambdaContext,
    );
    expect(created.statusCode).toBe(201);
    const endpoint = JSON.parse(created.body as string) as { endpointId: string };
    // At delivery the same name answers loopback (DNS rebinding).
    const deliverRebound = createDeliveryHandler(() => ({
      deliveries,
      endpoints,
      health: new EndpointHealth(table),
      queue,
      now: () => new Date(clock),
      random: () => 0.999,
      attempt: { resolve: async () => [{ address: '127.0.0.1', family: 4 }], allowLoopback: false },
    }));

    // Act
    await acceptOffer(partner.partnerId);
    await queuedFor(endpoint.endpointId);
    await queue.drain(deliverRebound);

    // Assert
    expect(receiver.requests).toHaveLength(0);
    const log = (await deliveries.list(partner.partnerId, endpoint.endpointId, { limit: 5 })).deliveries;
    expect(log).toEqual([
      expect.objectContaining({
        eventType: 'offer.accepted',
        attempts: 1,
        lastError: expect.stringMatching(/^refused: .*127\.0\.0\.1.*loopback/),
      }),
    ]);
  });

  it('keeps a delivery item 30 days: its TTL attribute is createdAt + 30 days, in epoch seconds', async () => {
    // Arrange
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const { partner, key } = await newPartner();
    const endpoint = await register(key, receiver.url, ['offer.accepted']);

    // Act
    await acceptOffer(partner.partnerId);
    await queuedFor(endpoint.endpointId);
    await queue.drain(deliver);

    // Assert
    const [delivery] = (await deliveries.list(partner.partnerId, endpoint.endpointId, { limit: 5 })).deliveries;
    const item = await table.get({
      Key: {
        PK: webhookDeliveryKeys.pk(partner.partnerId, endpoint.endpointId),
        SK: webhookDeliveryKeys.sk(delivery!.deliveryId),
      },
    });
    const thirtyDaysSeconds = 30 * 24 * 60 * 60;
    expect(item?.expiresAtEpoch).toBe(Math.ceil(Date.parse(delivery!.createdAt) / 1000) + thirtyDaysSeconds);
  });

  it('cancels an offer’s expiry timers when it is exhausted', async () => {
    // Arrange: an offer with an expiry and one acceptance allowed, its two timers created.
    const { partner } = await newPartner();
    const expiresAt = new Date(clock + 48 * 3_600_000).toISOString();
    const offer = await seedOffer({ partnerId: partner.partnerId, expiresAt, maxAcceptances: 1 });
    const timersOf = () =>
      [...timers.pending.values()]
        .filter((timer) => timer.input.summaryId === offer.summaryId)
        .map((t) => t.input.kind);
    for (let waited = 0; waited < 10_000 && timersOf().length < 2; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(timersOf().sort()).toEqual(['expired', 'expiring']);

    // Act: its one acceptance.
    const submission = await customer.openForm(offer);
    expect((await customer.post(offer, 'accept', acceptFields(submission, { delegatedAdmin: 'no' }))).status).toBe(303);
    for (let waited = 0; waited < 10_000 && timersOf().length > 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Assert
    expect(timersOf()).toEqual([]);
  });

  it('does not deliver to another partner’s endpoint, nor to a disabled one or an unsubscribed type', async () => {
    // Arrange
    const receiver = await startReceiver(200);
    receivers.push(receiver);
    const mine = await newPartner();
    const other = await newPartner();
    const subscribed = await register(other.key, receiver.url, ['offer.accepted']);
    const unsubscribed = await register(mine.key, receiver.url, ['offer.declined']);
    // Subscribed, but disabled (by 3 days of failures, as the delivery function disables one).
    const disabled = await register(mine.key, receiver.url, ['offer.accepted']);
    const health = new EndpointHealth(table);
    const failingSince = new Date(clock - 4 * 24 * 3_600_000);
    await health.failed((await endpoints.get(mine.partner.partnerId, disabled.endpointId))!, failingSince);
    expect(
      await health.failed((await endpoints.get(mine.partner.partnerId, disabled.endpointId))!, new Date(clock)),
    ).toBe(true);
    expect(await endpoints.get(mine.partner.partnerId, disabled.endpointId)).toMatchObject({ status: 'disabled' });

    // Act
    await acceptOffer(mine.partner.partnerId);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await queue.drain(deliver);

    // Assert
    expect(receiver.requests).toHaveLength(0);
    expect((await deliveries.list(other.partner.partnerId, subscribed.endpointId, { limit: 5 })).deliveries).toEqual(
      [],
    );
    expect((await deliveries.list(mine.partner.partnerId, unsubscribed.endpointId, { limit: 5 })).deliveries).toEqual(
      [],
    );
    expect((await deliveries.list(mine.partner.partnerId, disabled.endpointId, { limit: 5 })).deliveries).toEqual([]);
  });
});
