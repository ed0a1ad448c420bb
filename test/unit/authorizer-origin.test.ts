import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import { ORIGIN_VERIFY_HEADER } from '../../shared/http/origin-check.ts';
import { fakeEndpoint } from '../support/fake-endpoint.ts';

const SECRET = 's'.repeat(40);
type Decision = { isAuthorized: boolean; context: unknown };

describe('the authorizer and the origin check', () => {
  let endpoint: Awaited<ReturnType<typeof fakeEndpoint>>;
  let handler: (event: APIGatewayRequestAuthorizerEventV2) => Promise<Decision>;

  beforeAll(async () => {
    // Every key lookup reaches this table stand-in, which knows no key.
    endpoint = await fakeEndpoint((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'),
    );
    Object.assign(process.env, {
      TABLE_NAME: 'T',
      DDB_ENDPOINT: endpoint.url,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      ORIGIN_SECRET: JSON.stringify({ current: SECRET }),
    });
    ({ handler } = (await import('../../functions/authorizer/handler.ts')) as { handler: typeof handler });
  });
  afterAll(async () => {
    delete process.env.ORIGIN_SECRET;
    await endpoint.close();
  });

  const event = (headers: Record<string, string>) =>
    ({
      routeKey: 'GET /v1/offers',
      headers: { authorization: `Bearer ${generateApiKey()}`, ...headers },
      requestContext: { requestId: 'req-1' },
    }) as unknown as APIGatewayRequestAuthorizerEventV2;

  it('looks no key up for a request that did not come through CloudFront, and names no partner', async () => {
    const before = endpoint.requests();
    const decision = await handler(event({ [ORIGIN_VERIFY_HEADER]: 'w'.repeat(40) }));
    expect(decision).toEqual({ isAuthorized: true, context: {} });
    expect(endpoint.requests()).toBe(before);
  });

  it('looks the key up for a request with the origin header', async () => {
    const before = endpoint.requests();
    const decision = await handler(event({ [ORIGIN_VERIFY_HEADER]: SECRET }));
    expect(decision).toEqual({ isAuthorized: true, context: { denied: 'unknown' } });
    expect(endpoint.requests()).toBe(before + 1);
  });
});
