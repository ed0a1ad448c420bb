import { jest } from '@jest/globals';
import type { GetInput, Item } from '../../shared/db/port.ts';
import type { ApiHandler } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { FakeTable } from '../support/fake-table.ts';

/**
 * The console's error policy on a table that fails: an outage is a 503 page with Retry-After, a
 * bug a 500 page, both in the request's language and leaking nothing. The handler makes its table
 * at module load; it gets the fake port instead of DynamoDbLite.
 */
const db = new FakeTable();
let handler: ApiHandler;
let DynamoDbError: typeof import('../../shared/db/dynamodb-lite.ts').DynamoDbError;

const previousBaseUrl = process.env.PUBLIC_BASE_URL;
beforeAll(async () => {
  process.env.PUBLIC_BASE_URL = 'https://offers.example.com';
  const lite = await import('../../shared/db/dynamodb-lite.ts');
  DynamoDbError = lite.DynamoDbError;
  jest.unstable_mockModule('../../shared/db/dynamodb-lite.ts', () => ({ ...lite, liteTableFromEnv: () => db }));
  ({ handler } = await import('../../functions/console/handler.ts'));
});
afterAll(() => {
  // Later test files in this worker see the environment as it was.
  if (previousBaseUrl === undefined) delete process.env.PUBLIC_BASE_URL;
  else process.env.PUBLIC_BASE_URL = previousBaseUrl;
});
beforeEach(() => db.reset());

const SESSION = `__Host-console=${'A'.repeat(43)}`;

function offersPage(headers: Record<string, string>) {
  return handler({ ...apiEvent({ routeKey: 'GET /console/offers', headers }), cookies: [SESSION] }, lambdaContext);
}

describe('the console error policy', () => {
  it.each([
    ['times out', () => new DynamoDbError('TimeoutError', 'No answer within 2000 ms')],
    ['throttles', () => new DynamoDbError('ProvisionedThroughputExceededException', 'Slow down', { statusCode: 400 })],
    ['fails on its side', () => new DynamoDbError('InternalServerError', 'Internal error', { statusCode: 500 })],
  ])('answers 503 with Retry-After, in the request’s language, when DynamoDB %s', async (_label, error) => {
    db.answers.get = (_input: GetInput): Item | undefined => {
      throw error();
    };

    const result = await offersPage({ 'accept-language': 'pt-BR,pt;q=0.9' });

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(result.body).toContain('<html lang="pt-BR">');
    expect(result.body).toContain('O console está indisponível no momento');
    expect(result.body).not.toContain('Timeout');
    expect(db.writes()).toHaveLength(0);
  });

  it('answers any other failure with a 500 page that leaks nothing, in the chosen language', async () => {
    db.answers.get = () => {
      throw new DynamoDbError('ValidationException', 'One or more parameter values were invalid: secret detail', {
        statusCode: 400,
      });
    };

    const result = await offersPage({ 'accept-language': 'pt-BR' });
    const english = await handler(
      {
        ...apiEvent({
          routeKey: 'GET /console/offers',
          query: { lang: 'en' },
          headers: { 'accept-language': 'pt-BR' },
        }),
        cookies: [SESSION],
      },
      lambdaContext,
    );

    expect(result.statusCode).toBe(500);
    expect(result.body).toContain('Algo deu errado');
    expect(result.body).not.toContain('secret detail');
    expect(result.headers?.['retry-after']).toBeUndefined();
    expect(english.statusCode).toBe(500);
    expect(english.body).toContain('Something went wrong');
  });

  it('reads nothing for a cookie that is not a session id, and sends the browser to sign in', async () => {
    const result = await handler(
      { ...apiEvent({ routeKey: 'GET /console/offers' }), cookies: ['__Host-console=forged'] },
      lambdaContext,
    );

    expect(result.statusCode).toBe(303);
    expect(result.headers?.location).toBe('/console?lang=en&next=%2Fconsole%2Foffers');
    expect(db.calls.get).toHaveLength(0);
  });
});
