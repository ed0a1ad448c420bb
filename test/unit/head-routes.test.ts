import { json } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import type { ApiHandler } from '../../shared/http/types.ts';
import { methodsForPath, ROUTES, routeKey } from '../../shared/routes.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

describe('HEAD twins of GET routes', () => {
  it('gives every GET route in the table a HEAD route, and HEAD nowhere else', () => {
    const gets = ROUTES.filter((route) => route.method === 'GET').map((route) => route.path);
    const heads = ROUTES.filter((route) => route.method === 'HEAD').map((route) => route.path);
    expect([...heads].sort()).toEqual([...gets].sort());
    // One route per key: API Gateway refuses duplicates.
    expect(new Set(ROUTES.map(routeKey)).size).toBe(ROUTES.length);
  });

  it('makes HEAD one of the methods a GET path takes (the fallback’s Allow)', () => {
    expect(methodsForPath('/v1/offers').sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect(methodsForPath('/v1/offices/sync')).toEqual(['POST']);
  });
});

describe('routeGroup answers HEAD through the GET handler', () => {
  const body = JSON.stringify({ offices: [{ officeId: 'A' }] });
  const getOffices: ApiHandler = async () => ({
    ...json(200, JSON.parse(body)),
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), etag: '"v1"' },
  });
  const group = routeGroup('offices', { 'GET /v1/offices': getOffices });

  it('returns the GET status and headers with an empty body', async () => {
    const result = await group(apiEvent({ routeKey: 'HEAD /v1/offices' }), lambdaContext);
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', etag: '"v1"' },
      body: '',
      isBase64Encoded: false,
    });
  });

  it('leaves GET untouched', async () => {
    const result = await group(apiEvent({ routeKey: 'GET /v1/offices' }), lambdaContext);
    expect(result.body).toBe(body);
  });

  it('prefers a HEAD handler of its own, and knows no other method by GET', async () => {
    const own: ApiHandler = async () => ({ statusCode: 204, body: '' });
    const withOwn = routeGroup('offices', { 'GET /v1/offices': getOffices, 'HEAD /v1/offices': own });
    expect((await withOwn(apiEvent({ routeKey: 'HEAD /v1/offices' }), lambdaContext)).statusCode).toBe(204);
    await expect(group(apiEvent({ routeKey: 'DELETE /v1/offices' }), lambdaContext)).rejects.toThrow(
      'No handler for route DELETE /v1/offices in function offices',
    );
  });
});
