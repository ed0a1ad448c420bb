import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

describe('an over-long Accept-Language', () => {
  it('is no error: GET /v1/usage-locations answers 200 in the header’s first language', async () => {
    const { key } = await newPartner();
    const acceptLanguage = `pt-BR,${Array.from({ length: 80 }, (_, i) => `x${i};q=0.1`).join(',')}`;
    expect(acceptLanguage.length).toBeGreaterThan(256);

    const response = await fetch(`${api.baseUrl}/v1/usage-locations`, {
      headers: { ...bearer(key), 'accept-language': acceptLanguage },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-language')).toBe('pt-BR');
    expect((await bodyOf(response)).locale).toBe('pt-BR');
  });
});
