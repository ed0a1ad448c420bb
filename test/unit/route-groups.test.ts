import type { ErrorPolicy } from '../../shared/http/chain.ts';
import { htmlRouteGroup, type PageHandler, type RouteGroup, routeGroup } from '../../shared/http/route-group.ts';
import type { ApiHandler } from '../../shared/http/types.ts';
import { newFormTokenKeysValue } from '../../shared/offer-page/submission-token.ts';
import { FUNCTIONS, ROUTES, type RoutedFunction, type RouteKey, routeKey } from '../../shared/routes.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const ok: ApiHandler = async () => ({ statusCode: 200, body: 'ok' });

describe('route keys typed from the route table (checked by tsc --noEmit)', () => {
  it('accepts a map naming exactly the routes of its function, HEAD twins optional', () => {
    // Arrange / Act
    const offices = routeGroup('offices', { 'GET /v1/offices': ok });
    const offers = routeGroup('offers', {
      'POST /v1/offers': ok,
      'POST /v1/offers/{summaryId}/deactivate': ok,
      'POST /v1/offers/{summaryId}/revise': ok,
    });

    // Assert
    expect(offices.routeKeys).toEqual(['GET /v1/offices', 'HEAD /v1/offices']);
    expect(offers.routeKeys).toEqual([
      'POST /v1/offers',
      'POST /v1/offers/{summaryId}/deactivate',
      'POST /v1/offers/{summaryId}/revise',
    ]);
  });

  it('refuses a typo, another function’s route and a missing route, all of which the runtime check sees too', () => {
    // @ts-expect-error 'GET /v1/office' is no route of the table.
    const typo = routeGroup('offices', { 'GET /v1/office': ok });
    // @ts-expect-error 'GET /v1/catalog' is a route of the catalog function.
    const foreign = routeGroup('offices', { 'GET /v1/offices': ok, 'GET /v1/catalog': ok });
    // @ts-expect-error the deactivate and revise routes have no handler.
    const missing = routeGroup('offers', { 'POST /v1/offers': ok });

    expect(typo.routeKeys).toEqual(['GET /v1/office', 'HEAD /v1/office']);
    expect(foreign.routeKeys).toEqual(['GET /v1/offices', 'GET /v1/catalog', 'HEAD /v1/offices', 'HEAD /v1/catalog']);
    expect(missing.routeKeys).toEqual(['POST /v1/offers']);
  });

  it('derives each function’s keys, HEAD twins included', () => {
    const twin: RouteKey<'offerPage'> = 'HEAD /o/{code}/accepted/{token}';
    const declared: RouteKey<'offerPage'> = 'POST /o/{code}/decline';
    // @ts-expect-error POST /o/{code} is not a route.
    const wrongMethod: RouteKey<'offerPage'> = 'POST /o/{code}';
    // @ts-expect-error GET /v1/offers belongs to offersRead.
    const otherFunction: RouteKey<'offers'> = 'GET /v1/offers';

    const keys = ROUTES.map(routeKey);
    expect(keys).toEqual(expect.arrayContaining([twin, declared]));
    expect(keys).not.toContain(wrongMethod);
    expect(ROUTES.find((route) => routeKey(route) === otherFunction)?.function).toBe('offersRead');
  });
});

describe('each function’s route group', () => {
  // The settings the handlers read when first imported; nothing is called.
  beforeAll(() => {
    Object.assign(process.env, {
      TABLE_NAME: 'RouteGroupsTable',
      AWS_REGION: 'local',
      PUBLIC_BASE_URL: 'https://offers.example.com',
      CHECKOUT_URL_TEMPLATE: 'https://checkout.example.com/buy?offer={summaryId}&items={items}',
      FORM_TOKEN_KEYS: newFormTokenKeysValue(),
      DIRECTORY_BASE_URL: 'http://127.0.0.1:9/never-called',
      DIRECTORY_CREDENTIAL: 'local-directory-token',
    });
  });

  const routed = [...new Set(ROUTES.map((route) => route.function))] as RoutedFunction[];

  it.each(routed)('%s answers exactly its routes in shared/routes.ts', async (name) => {
    // Arrange
    const expected = ROUTES.filter((route) => route.function === name)
      .map(routeKey)
      .sort();

    // Act: office-sync exports its route group beside the handler that also takes scheduled runs.
    const module = (await import(`../../${FUNCTIONS[name].entry}`)) as { handler: RouteGroup; api?: RouteGroup };
    const group = module.api ?? module.handler;

    // Assert
    expect(expected.length).toBeGreaterThan(0);
    expect([...group.routeKeys].sort()).toEqual(expected);
  });
});

describe('htmlRouteGroup', () => {
  const policy: ErrorPolicy = {
    onError: (request) => {
      request.response = {
        statusCode: 503,
        headers: { 'content-type': 'text/html; charset=utf-8', 'retry-after': '5' },
        body: `<p>${(request.error as Error).message}</p>`,
      };
    },
  };
  const page =
    (body: string): PageHandler =>
    async () => ({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body });
  const failing: PageHandler = async () => {
    throw new Error('table unavailable');
  };
  const group = htmlRouteGroup('offerPage', policy, {
    'GET /o/{code}': page('offer'),
    'POST /o/{code}/accept': failing,
    'POST /o/{code}/decline': page('declined'),
    'GET /o/{code}/accept': page('to offer'),
    'GET /o/{code}/decline': page('to offer'),
    'GET /o/{code}/accepted/{token}': page('confirmation'),
  });

  it('answers a thrown error with the group’s own policy, inside the shared chain', async () => {
    const result = await group(apiEvent({ routeKey: 'POST /o/{code}/accept' }), lambdaContext);

    expect(result.statusCode).toBe(503);
    expect(result.body).toBe('<p>table unavailable</p>');
    expect(result.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'retry-after': '5',
      // The access log and security headers run after the policy made the response.
      'x-request-id': 'req-123',
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers a HEAD twin with its GET page’s status and headers, without the body', async () => {
    const result = await group(apiEvent({ routeKey: 'HEAD /o/{code}/accepted/{token}' }), lambdaContext);

    expect(result).toMatchObject({ statusCode: 200, body: '', isBase64Encoded: false });
    expect(result.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'x-request-id': 'req-123' });
  });

  it('passes the page’s answer through with the security headers', async () => {
    const result = await group(apiEvent({ routeKey: 'GET /o/{code}' }), lambdaContext);

    expect(result.body).toBe('offer');
    expect(result.headers?.['referrer-policy']).toBe('no-referrer');
  });
});
