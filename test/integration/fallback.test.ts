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

  // No route took the request, so nothing reads its body: the path and method decide the answer.
  it.each([
    ['an unknown path', '/v1/offerz', 'POST', 404, 'not-found'],
    [
      'a path that does not take the method',
      '/v1/offers/ABCD-EFGH-JKMN-PQRS-TVWX',
      'DELETE',
      405,
      'method-not-allowed',
    ],
    ['a GET-only path', '/favicon.svg', 'POST', 405, 'method-not-allowed'],
  ])('answers %s sent a malformed JSON body by its path, not its body', async (_case, path, method, status, type) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });

    expect(response.status).toBe(status);
    expect(await bodyOf(response)).toMatchObject({ type: `urn:purchase-offers:problem:${type}` });
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

describe('console paths no route matches', () => {
  it('answers an unknown console path with a readable 404 page in the chosen language, not JSON', async () => {
    const response = await fetch(`${api.baseUrl}/console/nope?lang=pt-BR`, { headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const page = await response.text();
    expect(page).toContain('<html lang="pt-BR">');
    expect(page).toContain('<h1>Página não encontrada</h1>');
    expect(page).toContain('href="/console/offers?lang=pt-BR"');
    expect(page).not.toContain('<script');
  });

  it('answers a path below an offer that has no page with the 404 page in the browser’s language', async () => {
    const response = await fetch(`${api.baseUrl}/console/offers/x/y`, { headers: { 'accept-language': 'en-US' } });
    expect(response.status).toBe(404);
    const page = await response.text();
    expect(page).toContain('<h1>Page not found</h1>');
    expect(page).toContain('href="/console/offers?lang=en"');
  });

  it('answers a console page asked with a method it does not take with a 405 page and Allow', async () => {
    const response = await fetch(`${api.baseUrl}/console/offers`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD']);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await expect(response.text()).resolves.toContain('This address cannot be used this way');
  });

  it('answers a HEAD of an unknown console path with the 404’s headers and no body', async () => {
    const response = await fetch(`${api.baseUrl}/console/nope`, { method: 'HEAD' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    await expect(response.text()).resolves.toBe('');
  });

  it('sends /console/ and other console pages typed with a trailing slash to the page itself', async () => {
    const signIn = await fetch(`${api.baseUrl}/console/`, { redirect: 'manual' });
    const offers = await fetch(`${api.baseUrl}/console/offers/?lang=pt-BR`, { redirect: 'manual' });
    const post = await fetch(`${api.baseUrl}/console/offers/`, { method: 'POST', redirect: 'manual' });

    expect(signIn.status).toBe(308);
    expect(signIn.headers.get('location')).toBe('/console');
    expect(offers.status).toBe(308);
    expect(offers.headers.get('location')).toBe('/console/offers?lang=pt-BR');
    expect(post.status).toBe(404);
  });
});
