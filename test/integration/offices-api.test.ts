import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import type { LocalDirectory } from '../../infra/local/directory.ts';
import { setClock } from '../support/clock.ts';
import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';
import { DIRECTORY_CREDENTIAL, office, startDirectory } from './office-fixtures.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
let directory: LocalDirectory;

beforeAll(async () => {
  directory = await startDirectory();
  // The handlers read their settings when the gateway first loads them.
  process.env.DIRECTORY_BASE_URL = directory.baseUrl;
  process.env.DIRECTORY_CREDENTIAL = DIRECTORY_CREDENTIAL;
  process.env.DIRECTORY_TIMEOUT_MS = '500';
  api = await startLocalApi();
});
afterAll(async () => {
  await api.close();
  await directory.close();
});

afterEach(() => {
  jest.useRealTimers();
});

/** A whole second an hour ahead of the real clock: later than anything stored so far. */
const anHourAhead = () => Math.ceil(Date.now() / 1000) * 1000 + 3_600_000;

const call = (method: 'GET' | 'POST', path: string, key: string) =>
  fetch(api.baseUrl + path, { method, headers: bearer(key) });

describe('GET /v1/offices and POST /v1/offices/sync', () => {
  it('syncs a partner’s offices on demand and lists them with active and lastSyncedAt', async () => {
    const { partner, key } = await newPartner();
    const other = await newPartner();
    const id = partner.partnerId;
    directory.put(office(id, 'sp', { name: 'São Paulo HQ' }));
    directory.put(office(id, 'rj', { name: 'Rio', city: 'Rio de Janeiro' }));
    directory.put(office(id, 'bh', { name: 'Belo Horizonte', city: 'Belo Horizonte', status: 'inactive' }));
    directory.put(office(other.partner.partnerId, 'elsewhere'));

    expect((await bodyOf(await call('GET', '/v1/offices', key))).offices).toEqual([]);

    const synced = await call('POST', '/v1/offices/sync', key);
    expect(synced.status).toBe(200);
    const result = await bodyOf(synced);
    expect(result.stats).toMatchObject({ received: 3, written: 3, invalid: 0 });

    const listed = await call('GET', '/v1/offices', key);
    expect(listed.status).toBe(200);
    const body = await bodyOf(listed);
    expect(body.lastSyncedAt).toBe(result.syncedAt);
    expect(body.offices.map((o: { officeId: string; active: boolean }) => [o.officeId, o.active])).toEqual([
      ['rj', true],
      ['sp', true],
      ['bh', false],
    ]);
    expect(body.offices[0]).toEqual({
      officeId: 'rj',
      name: 'Rio',
      city: 'Rio de Janeiro',
      country: 'BR',
      active: true,
      updatedAt: expect.any(String),
      lastSyncedAt: result.syncedAt,
    });

    const active = await bodyOf(await call('GET', '/v1/offices?active=true', key));
    expect(active.offices.map((o: { officeId: string }) => o.officeId)).toEqual(['rj', 'sp']);
    expect((await call('GET', '/v1/offices?active=maybe', key)).status).toBe(400);
  });

  it('allows one on-demand sync a minute per partner: 429 with Retry-After, other partners unaffected', async () => {
    const first = await newPartner();
    const second = await newPartner();
    const start = anHourAhead();
    setClock(start);
    expect((await call('POST', '/v1/offices/sync', first.key)).status).toBe(200);

    setClock(start + 15_000);
    const again = await call('POST', '/v1/offices/sync', first.key);
    expect(again.status).toBe(429);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.headers.get('retry-after')).toBe('45');
    expect((await bodyOf(again)).type).toBe('urn:purchase-offers:problem:office-sync-rate-limited');
    expect((await call('POST', '/v1/offices/sync', second.key)).status).toBe(200);

    setClock(start + 60_000);
    expect((await call('POST', '/v1/offices/sync', first.key)).status).toBe(200);
  });

  it('answers 503 with Retry-After when the directory stays down', async () => {
    const { key } = await newPartner();
    directory.failNext(Array.from({ length: 5 }, () => ({ kind: 'status', status: 503 }) as const));
    const response = await call('POST', '/v1/offices/sync', key);
    directory.clearFaults();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    expect((await bodyOf(response)).type).toBe('urn:purchase-offers:problem:directory-unavailable');
  });

  it('shows an office added upstream after the next scheduled run', async () => {
    const { partner, key } = await newPartner();
    const { handler } = (await import('../../functions/office-sync/handler.ts')) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
    await handler({ trigger: 'schedule' }, context);

    directory.put(office(partner.partnerId, 'new-office', { name: 'Curitiba' }));
    expect((await bodyOf(await call('GET', '/v1/offices', key))).offices).toEqual([]);

    const run = (await handler({ trigger: 'schedule' }, context)) as { written: number };
    expect(run.written).toBeGreaterThanOrEqual(1);
    const body = await bodyOf(await call('GET', '/v1/offices', key));
    expect(body.offices).toEqual([expect.objectContaining({ officeId: 'new-office', name: 'Curitiba', active: true })]);
    // The scheduled runs' state is one item that other test files' runs write too: no exact time.
    expect(Date.parse(body.lastSyncedAt)).toBeGreaterThan(Date.now() - 60_000);
  });
});
