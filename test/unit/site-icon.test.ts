import { consoleCsp, consolePage } from '../../functions/console/layout.ts';
import { EDGE_PAGE_CSP, type EdgePageKind, edgePage } from '../../shared/http/edge-responses.ts';
import { layout, messagePage, pageCsp, pageResponse } from '../../shared/offer-page/layout.ts';
import { html } from '../../shared/render/html.ts';
import {
  SITE_ICON_CACHE_CONTROL,
  SITE_ICON_MAX_AGE_SECONDS,
  SITE_ICON_PATH,
  SITE_ICON_SVG,
} from '../../shared/render/site-icon.ts';

/** The icon links of a document's <head>, as `rel`, `href` and `type` (throws when there is no head). */
function iconLinksInHead(page: string): { rel?: string; href?: string; type?: string }[] {
  const head = /<head>([\s\S]*?)<\/head>/.exec(page)?.[1];
  if (head === undefined) throw new Error('the page has no <head>');
  return [...head.matchAll(/<link\b([^>]*)>/g)]
    .map((match) => Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]])))
    .filter((attributes) => attributes.rel === 'icon');
}

/** The sources of one CSP directive (empty when the policy has no such directive). */
function directive(csp: string, name: string): string[] {
  const found = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([directiveName]) => directiveName === name);
  return found ? found.slice(1) : [];
}

const LINKED_ICON = { rel: 'icon', href: SITE_ICON_PATH, type: 'image/svg+xml' };

describe('the service icon', () => {
  it('is a small SVG of its own: no script, no link to anything, nothing to fetch', () => {
    expect(SITE_ICON_SVG.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(SITE_ICON_SVG.endsWith('</svg>')).toBe(true);
    expect(Buffer.byteLength(SITE_ICON_SVG)).toBeLessThan(1_000);
    expect(SITE_ICON_SVG).not.toMatch(/<script|href|url\(|on\w+=|<image|<foreignObject/i);
  });

  it('is cacheable by browsers and CloudFront for a week', () => {
    expect(SITE_ICON_MAX_AGE_SECONDS).toBe(7 * 24 * 60 * 60);
    expect(SITE_ICON_CACHE_CONTROL).toBe('public, max-age=604800');
  });
});

describe('every page links the service icon, and its CSP lets it load from this origin only', () => {
  it('the customer pages’ frame (offer, confirmation and error pages)', () => {
    const page = layout('en', 'An offer', html`<h1>An offer</h1>`);
    expect(iconLinksInHead(page)).toEqual([LINKED_ICON]);
    expect(iconLinksInHead(messagePage('pt-BR', 'notFound'))).toEqual([LINKED_ICON]);
  });

  it('the customer pages’ CSP allows same-origin images without data: or a wildcard', () => {
    for (const csp of [
      pageCsp(),
      pageCsp({ liveTotals: true }),
      pageResponse(404, 'x').headers?.['content-security-policy'],
    ]) {
      const images = directive(String(csp), 'img-src');
      expect(images).toContain("'self'");
      expect(images).not.toContain('data:');
      expect(images).not.toContain('*');
    }
  });

  it('the console’s frame, signed in or not', () => {
    const signedOut = consolePage(200, { locale: 'en', title: 'Sign in', main: html`<h1>Sign in</h1>` });
    const signedIn = consolePage(200, {
      locale: 'pt-BR',
      title: 'Ofertas',
      main: html`<h1>Ofertas</h1>`,
      session: { csrfToken: 'token', label: 'Pat' },
      refreshTo: '/console/offers',
    });
    expect(iconLinksInHead(String(signedOut.body))).toEqual([LINKED_ICON]);
    expect(iconLinksInHead(String(signedIn.body))).toEqual([LINKED_ICON]);
    const images = directive(String(signedOut.headers?.['content-security-policy']), 'img-src');
    expect(images).toContain("'self'");
    expect(images).not.toContain('*');
    expect(directive(consoleCsp(['x']), 'img-src')).toContain("'self'");
  });

  it.each<EdgePageKind>(['rate-limited', 'request-blocked', 'edge-required', 'unavailable'])(
    'the edge page %s (WAF and the origin check)',
    (kind) => {
      expect(iconLinksInHead(edgePage(kind))).toEqual([LINKED_ICON]);
    },
  );

  it('the edge pages’ CSP allows images from this origin and nothing else', () => {
    expect(directive(EDGE_PAGE_CSP, 'img-src')).toEqual(["'self'"]);
    expect(directive(EDGE_PAGE_CSP, 'default-src')).toEqual(["'none'"]);
  });
});
