import { jest } from '@jest/globals';
import type { ConsoleRequest } from '../../functions/console/session.ts';
import type { PartnerSyncOutcome } from '../../shared/lambda/office-sync-request.ts';
import { logger } from '../../shared/observability/logger.ts';
import { apiEvent } from '../support/events.ts';

/**
 * The console's "sync offices now" when the office sync cannot be asked: the page says "try later"
 * (503) and the failure is logged, redacted. create-offer.ts builds its default services at module
 * load, so the environment they read is set first (nothing is called on them here).
 */
let createOfferPages: typeof import('../../functions/console/create-offer.ts').createOfferPages;
const saved = { ...process.env };
beforeAll(async () => {
  process.env.PUBLIC_BASE_URL = 'https://offers.example.com';
  process.env.TABLE_NAME = process.env.TABLE_NAME ?? 'unit-test-table';
  process.env.DDB_ENDPOINT = process.env.DDB_ENDPOINT ?? 'http://127.0.0.1:9';
  ({ createOfferPages } = await import('../../functions/console/create-offer.ts'));
});
afterAll(() => {
  for (const name of ['PUBLIC_BASE_URL', 'TABLE_NAME', 'DDB_ENDPOINT'] as const) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterEach(() => jest.restoreAllMocks());

function pages(requestSync: () => Promise<PartnerSyncOutcome>) {
  return createOfferPages({
    creator: { create: () => Promise.reject(new Error('not called')) },
    partners: { get: async () => undefined },
    offices: { listForPartner: async () => [], syncFreshness: async () => ({}) },
    requestSync,
  });
}

const request = (): ConsoleRequest => ({
  event: apiEvent({}),
  session: { partnerId: 'partner-1', csrfToken: 'csrf' },
  locale: 'pt-BR',
  form: {},
});

describe('console office sync when the invoke fails', () => {
  it('answers 503 with Retry-After and logs the failure without the secret it quoted', async () => {
    const warnings: unknown[][] = [];
    jest.spyOn(logger, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
    const failing = () =>
      Promise.reject(
        Object.assign(new Error('invoke refused: X-Amz-Security-Token=SECRETTOKEN123'), { code: 'EPIPE' }),
      );

    const response = await pages(failing).syncOffices(request());

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('60');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.[0]).toBe('office sync request failed');
    expect(warnings[0]?.[1]).toMatchObject({ error: { name: 'Error', code: 'EPIPE' } });
    expect(JSON.stringify(warnings)).not.toContain('SECRETTOKEN123');
  });
});

describe('console office sync when it succeeds', () => {
  it('redirects (303) to the create page with the outcome in its address, in the page’s language', async () => {
    const synced = async (): Promise<PartnerSyncOutcome> => ({
      outcome: 'synced',
      syncedAt: '2026-11-30T12:00:00.000Z',
      written: 2,
      deactivated: 1,
    });

    const response = await pages(synced).syncOffices(request());

    expect(response.statusCode).toBe(303);
    expect(response.headers?.location).toBe('/console/offers/new?sync=done&written=2&deactivated=1&lang=pt-BR');
  });
});
