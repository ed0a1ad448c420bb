import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { offerToItem } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
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

const ddb = mockClient(DynamoDBDocumentClient);
let handler: Handler;

beforeAll(async () => {
  process.env.TABLE_NAME ??= 'Table';
  process.env.PUBLIC_BASE_URL ??= 'https://offers.example.com';
  process.env.AWS_REGION ??= 'local';
  ({ handler } = (await import('../../functions/offers-read/handler.ts')) as { handler: Handler });
});
afterEach(() => {
  globalThis.Date = RealDate;
  ddb.reset();
});

describe('GET /v1/offers?status=', () => {
  it('shows each listed offer with the status it was filtered by, even as the clock moves', async () => {
    // Arrange: the table holds an offer that expired a millisecond before whatever instant the
    // filter is evaluated at, so DynamoDB lists it under status=expired.
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const filteredAt = Date.parse(String(input.ExpressionAttributeValues?.[':now']));
      return { Items: [offerToItem(offer(new RealDate(filteredAt - 1).toISOString()))] };
    });
    ddb.on(BatchGetCommand).resolves({ Responses: {} });
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
  });
});
