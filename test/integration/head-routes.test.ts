import { ROUTES } from '../../shared/routes.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';

/** HEAD wherever GET is routed: the GET answer's status and headers, without a body. */
let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

/** Status, the headers that matter and the raw body bytes (fetch hands HEAD bodies back empty). */
async function head(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.baseUrl}${path}`, { method: 'HEAD', headers });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()).length,
  };
}

describe('HEAD on GET routes', () => {
  it('routes HEAD for every GET route, to the same function', () => {
    const gets = ROUTES.filter((route) => route.method === 'GET');
    for (const get of gets) {
      const twin = ROUTES.find((route) => route.method === 'HEAD' && route.path === get.path);
      expect([get.path, twin?.function, twin?.auth, twin?.throttle]).toEqual([
        get.path,
        get.function,
        get.auth,
        get.throttle,
      ]);
    }
  });

  it('answers HEAD /v1/offers like GET: 200, JSON, no body, not 405', async () => {
    // Arrange
    const { partner, key } = await newPartner();
    await seedOffer({ partnerId: partner.partnerId });

    // Act
    const answer = await head('/v1/offers', bearer(key));
    const get = await fetch(`${api.baseUrl}/v1/offers`, { headers: bearer(key) });

    // Assert
    expect(answer).toEqual({ status: 200, contentType: 'application/json', body: 0 });
    expect(get.status).toBe(200);
    expect((await bodyOf(get)).offers).toHaveLength(1);
  });

  it('answers HEAD /v1/offices like GET: 200, JSON, no body', async () => {
    const { partner, key } = await newPartner();
    await seedOffice(partner.partnerId);

    expect(await head('/v1/offices', bearer(key))).toEqual({ status: 200, contentType: 'application/json', body: 0 });
  });

  it('answers HEAD with the same error status as GET: 401 without a key, 404 for another partner’s offer', async () => {
    const owner = await newPartner();
    const other = await newPartner();
    const offer = await seedOffer({ partnerId: owner.partner.partnerId });

    expect(await head('/v1/offices')).toEqual({ status: 401, contentType: 'application/problem+json', body: 0 });
    expect(await head(`/v1/offers/${offer.summaryId}`, bearer(other.key))).toEqual({
      status: 404,
      contentType: 'application/problem+json',
      body: 0,
    });
    expect((await head(`/v1/offers/${offer.summaryId}`, bearer(owner.key))).status).toBe(200);
  });

  it('answers HEAD on the catalog and the QR code without a body', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });

    expect(await head('/v1/usage-locations', bearer(key))).toEqual({
      status: 200,
      contentType: 'application/json',
      body: 0,
    });
    expect(await head(`/v1/offers/${offer.summaryId}/qr.svg`, bearer(key))).toEqual({
      status: 200,
      contentType: 'image/svg+xml; charset=utf-8',
      body: 0,
    });
  });

  it('answers HEAD on an unknown path with the 404, without a body', async () => {
    expect(await head('/v1/nothing-here')).toEqual({ status: 404, contentType: 'application/problem+json', body: 0 });
  });

  it('still refuses HEAD where only POST is routed: 405 naming the methods', async () => {
    const response = await fetch(`${api.baseUrl}/v1/offices/sync`, { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
