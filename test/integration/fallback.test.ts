import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

describe('requests no route matches ($default)', () => {
  it('answers an unknown partner path with a 404 problem', async () => {
    const { key } = await newPartner();
    const response = await fetch(`${api.baseUrl}/v1/offerz`, { headers: bearer(key) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await bodyOf(response)).toMatchObject({ type: 'urn:purchase-offers:problem:not-found', status: 404 });
  });

  it('answers a known path with a method it does not take with 405 and Allow', async () => {
    const response = await fetch(`${api.baseUrl}/v1/offers/ABCD-EFGH-JKMN-PQRS-TVWX`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD']);
    expect(await bodyOf(response)).toMatchObject({ type: 'urn:purchase-offers:problem:method-not-allowed' });
  });

  it('lists every method a path takes', async () => {
    const response = await fetch(`${api.baseUrl}/v1/offers`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });

  it('answers a mistyped customer link with a readable 404 page under the page CSP', async () => {
    const response = await fetch(`${api.baseUrl}/o/ABCD/oops`, { headers: { 'accept-language': 'pt-BR' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<html lang="pt-BR">');
    expect(page).not.toContain('<script');
  });
});
