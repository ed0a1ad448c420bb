import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { offerToItem } from '../../shared/db/offers.ts';
import type { QueryInput } from '../../shared/db/port.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { FakeTable } from '../support/fake-table.ts';
import { basicOffer } from '../support/offer.ts';

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

const RealDate = Date;

/** A clock that moves one second on every `new Date()`: any two reads of it disagree. */
function tickingDate(start: number): DateConstructor {
  let next = start;
  return new Proxy(RealDate, {
    construct(target, args, newTarget) {
      const at = next;
      next += 1000;
      return Reflect.construct(target, args.length === 0 ? [at] : args, newTarget);
    },
  });
}

function offer(expiresAt: string): Offer {
  return basicOffer({ createdAt: '2026-01-01T00:00:00.000Z', expiresAt });
}

const db = new FakeTable();
let handler: Handler;

beforeAll(async () => {
  process.env.PUBLIC_BASE_URL ??= 'https://offers.example.com';
  // The handler makes its table at module load: it gets the fake port instead of the SDK adapter.
  const sdk = await import('../../shared/db/sdk-table.ts');
  jest.unstable_mockModule('../../shared/db/sdk-table.ts', () => ({ ...sdk, sdkTableFromEnv: () => db }));
  ({ handler } = (await import('../../functions/offers-read/handler.ts')) as { handler: Handler });
});
afterEach(() => {
  globalThis.Date = RealDate;
  db.reset();
});

describe('GET /v1/offers?status=', () => {
  it('shows each listed offer with the status it was filtered by, even as the clock moves', async () => {
    // Arrange: the table holds an offer that expired a millisecond before whatever instant the
    // filter is evaluated at, so DynamoDB lists it under status=expired.
    db.answers.query = (input: QueryInput) => {
      const filteredAt = Date.parse(String(input.ExpressionAttributeValues?.[':now']));
      return { Items: [{ ...offerToItem(offer(new RealDate(filteredAt - 1).toISOString())) }] };
    };
    globalThis.Date = tickingDate(RealDate.UTC(2026, 10, 24, 12));

    // Act
    const response = await handler(
      apiEvent({ routeKey: 'GET /v1/offers', query: { status: 'expired' }, authorizer: { partnerId: 'p-1' } }),
      lambdaContext,
    );

    // Assert
    globalThis.Date = RealDate;
    expect(response.statusCode).toBe(200);
    const { offers } = JSON.parse(response.body ?? '{}') as { offers: { status: string }[] };
    expect(offers.map((o) => o.status)).toEqual(['expired']);
    // The filter was evaluated at an instant at all: the query carried it.
    expect(db.calls.query).toHaveLength(1);
    const filteredAt = Date.parse(String(db.calls.query[0]?.ExpressionAttributeValues?.[':now']));
    expect(filteredAt).toBeGreaterThanOrEqual(RealDate.UTC(2026, 10, 24, 12));
  });
});
