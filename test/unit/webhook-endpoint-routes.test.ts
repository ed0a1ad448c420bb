import {
  newWebhookSecret,
  SECRET_BYTES,
  type WebhookEndpointRouteDeps,
  webhookEndpointRoutes,
  webhookEndpointView,
} from '../../functions/webhook-endpoints/routes.ts';
import type { WebhookDelivery, WebhookDispatcher, WebhookEndpoint } from '../../shared/domain/webhook.ts';
import type { Resolver } from '../../shared/net/public-address.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

/** A store that keeps what it is given (error paths and routing only; the real one runs in integration). */
function memoryStore(): WebhookEndpointRouteDeps['store'] & { created: WebhookEndpoint[] } {
  const created: WebhookEndpoint[] = [];
  return {
    created,
    create: async (endpoint) => {
      created.push(endpoint);
    },
    getIdempotency: async () => undefined,
    get: async (partnerId, endpointId) => created.find((e) => e.partnerId === partnerId && e.endpointId === endpointId),
    listForPartner: async (partnerId) => created.filter((e) => e.partnerId === partnerId),
    delete: async () => {},
    rotateSecret: async () => {
      throw new Error('not used');
    },
    enable: async () => {
      throw new Error('not used');
    },
  };
}

const refusingDispatcher: WebhookDispatcher = {
  dispatch: async (): Promise<WebhookDelivery> => {
    throw new Error('not used');
  },
};

function registration(deps: Partial<WebhookEndpointRouteDeps>, url: string) {
  const store = memoryStore();
  const handler = webhookEndpointRoutes({ store, dispatcher: refusingDispatcher, allowLoopback: false, ...deps });
  const event = apiEvent({
    routeKey: 'POST /v1/webhook-endpoints',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['offer.accepted'] }),
    authorizer: { partnerId: 'p-1' },
  });
  return { store, answer: handler(event, lambdaContext) };
}

describe('POST /v1/webhook-endpoints and the resolver', () => {
  it('refuses a name an injected resolver points at 127.0.0.1, writing nothing', async () => {
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

    const { store, answer } = registration({ resolve }, 'https://hooks.example.com/in');
    const result = await answer;

    expect(result.statusCode).toBe(422);
    expect(JSON.parse(result.body as string).errors).toEqual([
      {
        field: 'body.url',
        rule: 'loopback_address',
        message: 'must be a public host: hooks.example.com resolves to 127.0.0.1, a loopback address',
      },
    ]);
    expect(store.created).toEqual([]);
  });

  it('answers 503 with Retry-After when DNS does not answer in time, writing nothing', async () => {
    const resolve: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };

    const { store, answer } = registration({ resolve }, 'https://hooks.example.com/in');
    const result = await answer;

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(result.body as string).detail).toBe(
      "The URL's host name did not resolve in time. Retry after 5 seconds; nothing was registered.",
    );
    expect(store.created).toEqual([]);
  });

  it('stores the endpoint with its one secret when every address is public', async () => {
    const resolve: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];

    const { store, answer } = registration({ resolve }, 'https://hooks.example.com/in');
    const result = await answer;

    expect(result.statusCode).toBe(201);
    const body = JSON.parse(result.body as string);
    expect(store.created).toEqual([
      expect.objectContaining({
        partnerId: 'p-1',
        url: 'https://hooks.example.com/in',
        status: 'enabled',
        secrets: [{ secret: body.secret, createdAt: body.createdAt }],
      }),
    ]);
  });
});

describe('secrets and views', () => {
  it('makes whsec_ secrets of SECRET_BYTES random bytes, each different', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];

    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).toHaveLength(SECRET_BYTES);
    expect(a).not.toBe(b);
  });

  it('never shows a secret value, and drops a previous secret once its expiresAt has passed', () => {
    const endpoint: WebhookEndpoint = {
      endpointId: 'we_1',
      partnerId: 'p-1',
      url: 'https://hooks.example.com/in',
      events: ['offer.created'],
      status: 'enabled',
      secrets: [
        { secret: 'whsec_new', createdAt: '2026-11-30T00:00:00.000Z' },
        { secret: 'whsec_old', createdAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z' },
      ],
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-30T00:00:00.000Z',
    };

    const during = webhookEndpointView(endpoint, new Date('2026-11-30T12:00:00.000Z'));
    const after = webhookEndpointView(endpoint, new Date('2026-12-01T00:00:00.000Z'));

    expect(during.secrets).toEqual([
      { createdAt: '2026-11-30T00:00:00.000Z' },
      { createdAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z' },
    ]);
    expect(after.secrets).toEqual([{ createdAt: '2026-11-30T00:00:00.000Z' }]);
    expect(JSON.stringify(during)).not.toContain('whsec_');
  });
});
