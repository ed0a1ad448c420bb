import { randomUUID } from 'node:crypto';
import { WebhookDeliveryStore } from '../../shared/db/webhook-deliveries.ts';
import { DynamoWebhookEndpointStore, webhookEndpointKeys } from '../../shared/db/webhook-endpoints.ts';
import {
  type DeliveryMessage,
  type DeliveryQueue,
  setLocalDeliveryQueue,
} from '../../shared/webhooks/delivery-queue.ts';
import { bearer, bodyOf, newPartner, startLocalApi, table } from '../support/local-api.ts';

/**
 * The local runtime's settings: STAGE=local with WEBHOOKS_ALLOW_LOOPBACK_HTTP=true lets endpoints
 * point at loopback receivers. Set before the gateway loads the handler (it reads them at import),
 * in a file of its own so that the other webhook tests run with the setting off.
 */
process.env.STAGE = 'local';
process.env.WEBHOOKS_ALLOW_LOOPBACK_HTTP = 'true';

/** The in-process queue the local runtime provides, recording what is sent. */
class RecordingQueue implements DeliveryQueue {
  readonly sent: { message: DeliveryMessage; delaySeconds: number }[] = [];
  async enqueue(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    this.sent.push({ message, delaySeconds });
  }
  async deadLetter(): Promise<void> {}
}

let api: Awaited<ReturnType<typeof startLocalApi>>;
let queue: RecordingQueue;
beforeAll(async () => {
  api = await startLocalApi();
});
beforeEach(() => {
  queue = new RecordingQueue();
  setLocalDeliveryQueue(queue);
});
afterEach(() => setLocalDeliveryQueue(undefined));
afterAll(() => api.close());

const register = (key: string, url: string) =>
  fetch(`${api.baseUrl}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['offer.accepted'] }),
  });

/** Disables the endpoint as the delivery function does after 3 days of failures. */
async function disable(partnerId: string, endpointId: string): Promise<void> {
  await table.update({
    Key: { PK: webhookEndpointKeys.pk(partnerId), SK: webhookEndpointKeys.sk(endpointId) },
    UpdateExpression: 'SET #status = :disabled, disabledReason = :reason, failingSince = :since',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':disabled': 'disabled',
      ':reason': 'every delivery failed for 3 days',
      ':since': '2026-11-01T00:00:00.000Z',
    },
  });
}

const post = (key: string, path: string) =>
  fetch(`${api.baseUrl}/v1/webhook-endpoints${path}`, { method: 'POST', headers: bearer(key) });

describe('webhook endpoints in a local run (WEBHOOKS_ALLOW_LOOPBACK_HTTP=true)', () => {
  it('takes an http loopback receiver and still refuses every other inside address', async () => {
    const { key } = await newPartner();

    const local = await register(key, 'http://127.0.0.1:8088/hook');
    const inside = await register(key, 'http://10.0.0.8/hook');
    const metadata = await register(key, 'https://169.254.169.254/');

    expect(local.status).toBe(201);
    expect((await bodyOf(local)).url).toBe('http://127.0.0.1:8088/hook');
    expect(inside.status).toBe(422);
    expect((await bodyOf(inside)).errors[0]).toMatchObject({ field: 'body.url', rule: 'private_address' });
    expect((await bodyOf(metadata)).errors[0]).toMatchObject({ field: 'body.url', rule: 'cloud_metadata_address' });
  });

  it('a disabled endpoint refuses pings (409 naming the rule) until enabled again', async () => {
    const { partner, key } = await newPartner();
    const endpoint = await bodyOf(await register(key, 'http://127.0.0.1:8088/hook'));
    await disable(partner.partnerId, endpoint.endpointId);
    const shown = await bodyOf(
      await fetch(`${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}`, { headers: bearer(key) }),
    );
    expect(shown).toMatchObject({ status: 'disabled', disabledReason: 'every delivery failed for 3 days' });

    const refused = await post(key, `/${endpoint.endpointId}/test`);
    const enabled = await post(key, `/${endpoint.endpointId}/enable`);
    const pinged = await post(key, `/${endpoint.endpointId}/test`);

    expect(refused.status).toBe(409);
    const problem = await bodyOf(refused);
    expect(problem.type).toBe('urn:purchase-offers:problem:webhook-endpoint-disabled');
    expect(problem.errors).toEqual([
      { field: 'path.endpointId', rule: 'endpoint_disabled', message: 'is disabled; enable it first' },
    ]);
    expect(enabled.status).toBe(200);
    const view = await bodyOf(enabled);
    expect(view.status).toBe('enabled');
    expect(view).not.toHaveProperty('disabledReason');
    expect(pinged.status).toBe(202);
    expect(queue.sent).toHaveLength(1);
    const stored = await new DynamoWebhookEndpointStore(table).get(partner.partnerId, endpoint.endpointId);
    expect(stored).not.toHaveProperty('failingSince');
  });

  it('enable answers 404 for another partner’s endpoint', async () => {
    const owner = await newPartner();
    const other = await newPartner();
    const endpoint = await bodyOf(await register(owner.key, 'http://127.0.0.1:8088/hook'));

    expect((await post(other.key, `/${endpoint.endpointId}/enable`)).status).toBe(404);
  });

  it('test: queues a ping for the endpoint and records it, pending, in its delivery log', async () => {
    const { partner, key } = await newPartner();
    const endpoint = await bodyOf(await register(key, `http://127.0.0.1:8088/${randomUUID()}`));

    const response = await fetch(`${api.baseUrl}/v1/webhook-endpoints/${endpoint.endpointId}/test`, {
      method: 'POST',
      headers: bearer(key),
    });

    expect(response.status).toBe(202);
    const body = await bodyOf(response);
    expect(body).toEqual({
      event: {
        id: expect.stringMatching(/^evt_/),
        type: 'ping',
        createdAt: expect.any(String),
        data: { endpointId: endpoint.endpointId },
      },
      deliveryId: expect.any(String),
      status: 'pending',
    });
    expect(queue.sent).toEqual([
      {
        message: { partnerId: partner.partnerId, endpointId: endpoint.endpointId, deliveryId: body.deliveryId },
        delaySeconds: 0,
      },
    ]);
    const recorded = await new WebhookDeliveryStore(table).get(partner.partnerId, endpoint.endpointId, body.deliveryId);
    expect(recorded).toMatchObject({ status: 'pending', attempts: 0, eventType: 'ping', event: body.event });
  });
});
