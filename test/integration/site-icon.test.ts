import {
  LEGACY_ICON_PATH,
  SITE_ICON_CACHE_CONTROL,
  SITE_ICON_PATH,
  SITE_ICON_SVG,
} from '../../shared/render/site-icon.ts';
import { startLocalApi } from '../support/local-api.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

/** The headers every answer of the service carries (shared/http/chain.ts), as a browser reads them. */
function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('strict-transport-security')).toBe('max-age=63072000; includeSubDomains');
}

describe('the service icon (local runtime, the same route table as the HTTP API)', () => {
  it('answers GET /favicon.svg with the SVG, cacheable by anyone for a week, with the security headers', async () => {
    const response = await fetch(`${api.baseUrl}${SITE_ICON_PATH}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('cache-control')).toBe('public, max-age=604800');
    expectSecurityHeaders(response);
    expect(await response.text()).toBe(SITE_ICON_SVG);
  });

  it('answers HEAD /favicon.svg with the same headers and no body', async () => {
    const response = await fetch(`${api.baseUrl}${SITE_ICON_PATH}`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('cache-control')).toBe(SITE_ICON_CACHE_CONTROL);
    expect(await response.text()).toBe('');
  });

  it.each(['GET', 'HEAD'])('answers %s /favicon.ico with a cacheable permanent redirect to the SVG', async (method) => {
    const response = await fetch(`${api.baseUrl}${LEGACY_ICON_PATH}`, { method, redirect: 'manual' });

    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(SITE_ICON_PATH);
    expect(response.headers.get('cache-control')).toBe(SITE_ICON_CACHE_CONTROL);
    expectSecurityHeaders(response);
  });

  it('leads a client that follows the /favicon.ico redirect to the icon', async () => {
    const response = await fetch(`${api.baseUrl}${LEGACY_ICON_PATH}`);

    expect(response.status).toBe(200);
    expect(new URL(response.url).pathname).toBe(SITE_ICON_PATH);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toBe(SITE_ICON_SVG);
  });

  it('is a known path: another method is a 405 naming GET and HEAD, not a 404', async () => {
    const response = await fetch(`${api.baseUrl}${SITE_ICON_PATH}`, { method: 'DELETE' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD']);
  });

  it.each([
    ['a mistyped customer link', '/o/ABCD/oops'],
    ['an unknown console page', '/console/nope'],
  ])('links the icon from the 404 page of %s', async (_name, path) => {
    const response = await fetch(`${api.baseUrl}${path}`);

    expect(response.status).toBe(404);
    const head = /<head>([\s\S]*?)<\/head>/.exec(await response.text())?.[1] ?? '';
    expect(head).toContain(`<link rel="icon" href="${SITE_ICON_PATH}" type="image/svg+xml">`);
    expect(response.headers.get('content-security-policy')).toMatch(/img-src [^;]*'self'/);
  });
});
