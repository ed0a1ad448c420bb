import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { MAX_WEBHOOK_ENDPOINTS } from '../../shared/domain/webhook.ts';
import { setClock } from '../support/clock.ts';
import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
afterEach(() => {
  jest.useRealTimers();
});

const PROBLEM = 'urn:purchase-offers:problem:';
/** A public address as a literal host: the sandbox has no DNS, and a literal needs none. */
const PUBLIC_URL = 'https://93.184.215.14/hooks/offers';

function call(method: string, path: string, key: string, body?: unknown) {
  return fetch(api.baseUrl + path, {
    method,
    headers: { ...bearer(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
const register = (key: string, body: unknown = { url: PUBLIC_URL, events: ['offer.accepted'] }) =>
  call('POST', '/v1/webhook-endpoints', key, body);

describe('registering and reading webhook endpoints', () => {
  it('registers an endpoint and shows its Standard Webhooks secret once', async () => {
    const { key } = await newPartner();

    const created = await register(key, {
      url: PUBLIC_URL,
      events: ['offer.accepted', 'offer.declined'],
      description: 'CRM sync',
    });

    expect(created.status).toBe(201);
    const body = await bodyOf(created);
    expect(created.headers.get('location')).toBe(`/v1/webhook-endpoints/${body.endpointId}`);
    expect(body).toEqual({
      endpointId: expect.stringMatching(/^we_[0-9a-f]{24}$/),
      url: PUBLIC_URL,
      events: ['offer.accepted', 'offer.declined'],
      description: 'CRM sync',
      status: 'enabled',
      secrets: [{ createdAt: body.createdAt }],
      createdAt: expect.any(String),
      updatedAt: body.createdAt,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(Buffer.from(body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    // The library receivers use takes the secret as it is shown.
    const webhook = new Webhook(body.secret);
    const at = new Date();
    const signature = webhook.sign('msg_1', at, '{"ok":true}');
    expect(
      webhook.verify('{"ok":true}', {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      }),
    ).toEqual({ ok: true });

    const fetched = await call('GET', `/v1/webhook-endpoints/${body.endpointId}`, key);
    expect(fetched.status).toBe(200);
    const { secret: _shownOnce, ...view } = body;
    expect(await bodyOf(fetched)).toEqual(view);
    const listed = await bodyOf(await call('GET', '/v1/webhook-endpoints', key));
    expect(listed).toEqual({ webhookEndpoints: [view] });
    expect(JSON.stringify(listed)).not.toContain('whsec_');
  });

  it('lists a partner’s endpoints oldest first', async () => {
    const { key } = await newPartner();
    const first = await bodyOf(await register(key));
    const second = await bodyOf(
      await register(key, { url: 'https://[2606:4700::1111]/in', events: ['offer.created'] }),
    );

    const listed = await bodyOf(await call('GET', '/v1/webhook-endpoints', key));

    expect(listed.webhookEndpoints.map((e: { endpointId: string; url: string }) => [e.endpointId, e.url])).toEqual([
      [first.endpointId, PUBLIC_URL],
      [second.endpointId, 'https://[2606:4700::1111]/in'],
    ]);
  });

  it('refuses a bad request with a problem naming the field and the rule, writing nothing', async () => {
    const { key } = await newPartner();

    const response = await register(key, { url: PUBLIC_URL, events: [] });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await bodyOf(response)).errors).toEqual([
      expect.objectContaining({ field: 'body.events', rule: 'too_small' }),
    ]);
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toEqual([]);
  });
});

describe('bad input on the webhook endpoints API', () => {
  it.each([
    ['invalid JSON', '{"url": ', 'malformed-json', 'body', 'json'],
    [
      'an unknown event type',
      JSON.stringify({ url: PUBLIC_URL, events: ['offer.exploded'] }),
      'invalid-request',
      'body.events[0]',
      'invalid_value',
    ],
    [
      'an unknown field',
      JSON.stringify({ url: PUBLIC_URL, events: ['offer.accepted'], secret: 'mine' }),
      'invalid-request',
      'body.secret',
      'unrecognized_key',
    ],
  ])(
    'refuses %s on create with a 400 naming the field and the rule, writing nothing',
    async (_case, raw, type, field, rule) => {
      const { key } = await newPartner();

      const response = await fetch(`${api.baseUrl}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: raw,
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = await bodyOf(response);
      expect(problem.type).toBe(PROBLEM + type);
      expect(problem.errors).toEqual([expect.objectContaining({ field, rule })]);
      expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toEqual([]);
    },
  );

  it.each(['GET', 'DELETE'])(
    'answers %s of a malformed endpoint id with a 404 problem, touching nothing',
    async (method) => {
      const { key } = await newPartner();
      const kept = await bodyOf(await register(key));

      const response = await call(method, '/v1/webhook-endpoints/not%20an%20id%27%3B', key);

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toEqual([
        expect.objectContaining({ endpointId: kept.endpointId }),
      ]);
    },
  );

  it.each([
    ['malformed JSON', '/rotate-secret', 'application/json', '{"keepOld":', 400, 'body', 'json'],
    [
      'a field it does not take',
      '/rotate-secret',
      'application/json',
      '{"keepOld":true}',
      400,
      'body.keepOld',
      'unrecognized_key',
    ],
    ['a form', '/enable', 'application/x-www-form-urlencoded', 'a=1', 415, 'header.content-type', 'media_type'],
    ['malformed JSON', '', 'application/json', '{', 400, 'body', 'json'],
  ])(
    'refuses %s sent to %s, which takes no body, with a problem naming it, changing nothing',
    async (_case, tail, type, raw, status, field, rule) => {
      const { key } = await newPartner();
      const kept = await bodyOf(await register(key));
      const method = tail === '' ? 'DELETE' : 'POST';

      const response = await fetch(`${api.baseUrl}/v1/webhook-endpoints/${kept.endpointId}${tail}`, {
        method,
        headers: { ...bearer(key), 'content-type': type },
        body: raw,
      });

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await bodyOf(response)).errors).toEqual([expect.objectContaining({ field, rule })]);
      const after = await bodyOf(await call('GET', `/v1/webhook-endpoints/${kept.endpointId}`, key));
      expect(after).toMatchObject({ status: 'enabled', updatedAt: kept.updatedAt, secrets: kept.secrets });
    },
  );

  it('rotates with an empty JSON object as the body, as many clients send', async () => {
    const { key } = await newPartner();
    const kept = await bodyOf(await register(key));

    const response = await call('POST', `/v1/webhook-endpoints/${kept.endpointId}/rotate-secret`, key, {});

    expect(response.status).toBe(200);
    expect((await bodyOf(response)).secret).not.toBe(kept.secret);
  });

  // DynamoDB refuses a sort key over 1,024 bytes: such an id must be a 404, not the table's error
  // (reads: both table adapters answer a miss without a request; writes: the store checks the key).
  it.each([
    ['GET', ''],
    ['HEAD', ''],
    ['DELETE', ''],
    ['POST', '/rotate-secret'],
    ['POST', '/enable'],
    ['POST', '/test'],
    ['GET', '/deliveries'],
    ['POST', '/deliveries/wd_000000000AAAAAAAAAAAAAAAA/retry'],
  ])(
    'answers %s of an endpoint id longer than any key (%s) with a 404 problem, touching nothing',
    async (method, tail) => {
      const { key } = await newPartner();
      const kept = await bodyOf(await register(key));

      const response = await call(method, `/v1/webhook-endpoints/we_${'a'.repeat(1100)}${tail}`, key);

      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toEqual([
        expect.objectContaining({ endpointId: kept.endpointId, status: 'enabled', updatedAt: kept.updatedAt }),
      ]);
    },
  );
});

describe('Idempotency-Key on registration', () => {
  const registerWithKey = (key: string, idempotencyKey: string, body: unknown) =>
    fetch(`${api.baseUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });

  it('answers a retry with the same key and body with the first answer, registering one endpoint', async () => {
    const { key } = await newPartner();
    const body = { url: PUBLIC_URL, events: ['offer.created'] };
    const first = await registerWithKey(key, 'reg-1', body);

    const retry = await registerWithKey(key, 'reg-1', body);

    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await retry.text()).toBe(await first.text());
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toHaveLength(1);
  });

  it('refuses the key with another body (422 naming the header), and scopes keys to their partner', async () => {
    const { key } = await newPartner();
    const other = await newPartner();
    await registerWithKey(key, 'reg-2', { url: PUBLIC_URL, events: ['offer.created'] });

    const reused = await registerWithKey(key, 'reg-2', { url: PUBLIC_URL, events: ['offer.expired'] });
    const otherPartner = await registerWithKey(other.key, 'reg-2', { url: PUBLIC_URL, events: ['offer.expired'] });

    expect(reused.status).toBe(422);
    expect((await bodyOf(reused)).errors).toEqual([
      { field: 'header.idempotency-key', rule: 'reused_with_different_body', message: 'was used for another request' },
    ]);
    expect(otherPartner.status).toBe(201);
    expect(otherPartner.headers.get('idempotent-replayed')).toBeNull();
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toHaveLength(1);
  });

  it('gives concurrent requests with one key one endpoint and the same answer', async () => {
    const { key } = await newPartner();
    const body = { url: PUBLIC_URL, events: ['offer.viewed'] };

    const answers = await Promise.all(Array.from({ length: 4 }, () => registerWithKey(key, 'reg-3', body)));

    const statuses = answers.map((response) => response.status);
    const created = answers.filter((response) => response.status === 201);
    expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
    expect(new Set(await Promise.all(created.map((response) => response.text()))).size).toBe(1);
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toHaveLength(1);
  });
});

describe('SSRF refusals at registration', () => {
  it.each([
    ['http (not https)', 'http://93.184.215.14/in', 'https_only'],
    ['loopback IPv4', 'https://127.0.0.1/in', 'loopback_address'],
    ['loopback IPv6', 'https://[::1]/in', 'loopback_address'],
    ['a name resolving to 127.0.0.1', 'https://localhost/in', 'loopback_address'],
    ['private (RFC 1918)', 'https://10.0.0.8/in', 'private_address'],
    ['private (fc00::/7)', 'https://[fd12::8]/in', 'private_address'],
    ['link-local IPv4', 'https://169.254.10.10/in', 'link_local_address'],
    ['link-local IPv6', 'https://[fe80::1]/in', 'link_local_address'],
    ['CGNAT', 'https://100.64.0.9/in', 'cgnat_address'],
    ['multicast', 'https://239.1.1.1/in', 'multicast_address'],
    ['unspecified', 'https://0.0.0.0/in', 'unspecified_address'],
    ['broadcast', 'https://255.255.255.255/in', 'broadcast_address'],
    ['cloud metadata (IPv4)', 'https://169.254.169.254/latest/meta-data/', 'cloud_metadata_address'],
    ['cloud metadata (IPv6)', 'https://[fd00:ec2::254]/', 'cloud_metadata_address'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/in', 'loopback_address'],
    ['a user name in the URL', 'https://me:pw@93.184.215.14/in', 'credentials'],
  ])('refuses %s with a 422 naming body.url and the rule', async (_what, url, rule) => {
    const { key } = await newPartner();

    const response = await register(key, { url, events: ['offer.accepted'] });

    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await bodyOf(response);
    expect(problem.type).toBe(`${PROBLEM}webhook-url-not-allowed`);
    expect(problem.errors).toEqual([{ field: 'body.url', rule, message: expect.any(String) }]);
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toEqual([]);
  });

  it('names the resolved address when a host name resolves inside', async () => {
    const { key } = await newPartner();

    const problem = await bodyOf(await register(key, { url: 'https://localhost:8443/in', events: ['offer.viewed'] }));

    expect(problem.errors[0].message).toMatch(
      /^must be a public host: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
    );
  });
});

describe('the 10-endpoint limit', () => {
  it('refuses the eleventh endpoint with a 409, and takes one again after a delete', async () => {
    const { key } = await newPartner();
    const ids: string[] = [];
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) ids.push((await bodyOf(await register(key))).endpointId);

    const eleventh = await register(key);

    expect(eleventh.status).toBe(409);
    const problem = await bodyOf(eleventh);
    expect(problem).toMatchObject({ type: `${PROBLEM}webhook-endpoint-limit`, limit: MAX_WEBHOOK_ENDPOINTS });
    expect(problem.errors).toEqual([{ field: 'body', rule: 'max_endpoints', message: expect.any(String) }]);
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toHaveLength(10);

    expect((await call('DELETE', `/v1/webhook-endpoints/${ids[0]}`, key)).status).toBe(204);
    expect((await register(key)).status).toBe(201);
    expect((await register(key)).status).toBe(409);
  });

  it('holds under concurrent registrations', async () => {
    const { key } = await newPartner();

    const answers = await Promise.all(Array.from({ length: MAX_WEBHOOK_ENDPOINTS + 4 }, () => register(key)));

    const created = answers.filter((response) => response.status === 201).length;
    expect(answers.every((response) => [201, 409, 503].includes(response.status))).toBe(true);
    expect(created).toBeLessThanOrEqual(MAX_WEBHOOK_ENDPOINTS);
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', key))).webhookEndpoints).toHaveLength(created);
    // The count matches the endpoints: exactly the missing ones can still be registered.
    for (let i = created; i < MAX_WEBHOOK_ENDPOINTS; i++) expect((await register(key)).status).toBe(201);
    expect((await register(key)).status).toBe(409);
  });
});

describe('deleting an endpoint', () => {
  it('answers 204, then the endpoint is gone from get, list and a second delete', async () => {
    const { key } = await newPartner();
    const kept = await bodyOf(await register(key));
    const doomed = await bodyOf(await register(key));

    const deleted = await call('DELETE', `/v1/webhook-endpoints/${doomed.endpointId}`, key);

    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    expect((await call('GET', `/v1/webhook-endpoints/${doomed.endpointId}`, key)).status).toBe(404);
    const listed = await bodyOf(await call('GET', '/v1/webhook-endpoints', key));
    expect(listed.webhookEndpoints.map((e: { endpointId: string }) => e.endpointId)).toEqual([kept.endpointId]);
    const again = await call('DELETE', `/v1/webhook-endpoints/${doomed.endpointId}`, key);
    expect(again.status).toBe(404);
    expect((await bodyOf(again)).type).toBe(`${PROBLEM}webhook-endpoint-not-found`);
  });
});

describe('rotating the secret', () => {
  it('shows a new secret once and keeps the old one listed with expiresAt 24 h on, until then', async () => {
    const { key } = await newPartner();
    const created = await bodyOf(await register(key));
    const rotatedAt = Date.parse(created.createdAt) + 60_000;
    setClock(rotatedAt);

    const rotated = await call('POST', `/v1/webhook-endpoints/${created.endpointId}/rotate-secret`, key);

    expect(rotated.status).toBe(200);
    const body = await bodyOf(rotated);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(created.secret);
    const secrets = [
      { createdAt: new Date(rotatedAt).toISOString() },
      { createdAt: created.createdAt, expiresAt: new Date(rotatedAt + 24 * 3_600_000).toISOString() },
    ];
    expect(body.secrets).toEqual(secrets);
    expect((await bodyOf(await call('GET', `/v1/webhook-endpoints/${created.endpointId}`, key))).secrets).toEqual(
      secrets,
    );

    setClock(rotatedAt + 24 * 3_600_000 + 1);
    expect((await bodyOf(await call('GET', `/v1/webhook-endpoints/${created.endpointId}`, key))).secrets).toEqual([
      secrets[0],
    ]);
  });
});

describe('rotating again, and rotating a deleted endpoint', () => {
  it('keeps at most two secrets: a second rotation within 24 h drops the oldest', async () => {
    const { key } = await newPartner();
    const created = await bodyOf(await register(key));
    const path = `/v1/webhook-endpoints/${created.endpointId}/rotate-secret`;
    const first = Date.parse(created.createdAt) + 60_000;
    setClock(first);
    await call('POST', path, key);
    setClock(first + 3_600_000);

    const second = await bodyOf(await call('POST', path, key));

    expect(second.secrets).toEqual([
      { createdAt: new Date(first + 3_600_000).toISOString() },
      { createdAt: new Date(first).toISOString(), expiresAt: new Date(first + 25 * 3_600_000).toISOString() },
    ]);
  });

  it('answers 404 for a deleted endpoint', async () => {
    const { key } = await newPartner();
    const created = await bodyOf(await register(key));
    await call('DELETE', `/v1/webhook-endpoints/${created.endpointId}`, key);

    const rotated = await call('POST', `/v1/webhook-endpoints/${created.endpointId}/rotate-secret`, key);

    expect(rotated.status).toBe(404);
    expect((await bodyOf(rotated)).type).toBe(`${PROBLEM}webhook-endpoint-not-found`);
  });
});

describe('isolation between partners', () => {
  it('answers 404 for another partner’s endpoint on every route, and leaves it alone', async () => {
    const owner = await newPartner();
    const other = await newPartner();
    const endpoint = await bodyOf(await register(owner.key));
    const path = `/v1/webhook-endpoints/${endpoint.endpointId}`;

    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '/rotate-secret'],
      ['POST', '/test'],
    ] as const) {
      const response = await call(method, path + suffix, other.key);
      expect([method, suffix, response.status]).toEqual([method, suffix, 404]);
      const problem = await bodyOf(response);
      expect(problem.type).toBe(`${PROBLEM}webhook-endpoint-not-found`);
      expect(problem.errors).toEqual([
        { field: 'path.endpointId', rule: 'not_found', message: 'names no webhook endpoint of yours' },
      ]);
    }
    expect((await bodyOf(await call('GET', '/v1/webhook-endpoints', other.key))).webhookEndpoints).toEqual([]);
    const { secret: _secret, ...view } = endpoint;
    expect(await bodyOf(await call('GET', path, owner.key))).toEqual(view);
  });
});
