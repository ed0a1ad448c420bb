import { html, type SafeHtml } from './html.ts';

/**
 * The service's own icon (never a partner's logo): a white check mark on the pages' button blue.
 * Every page links it (`siteIconLink`), so browsers ask for it instead of `/favicon.ico`; the
 * fallback function serves it (functions/fallback/handler.ts) and CloudFront caches it.
 */

/** Where the icon is served. Stable: browsers and edges keep it up to SITE_ICON_MAX_AGE_SECONDS. */
export const SITE_ICON_PATH = '/favicon.svg';

/**
 * The address browsers, crawlers and link previewers ask for without reading the page: answered
 * with a permanent redirect to SITE_ICON_PATH, cacheable as long, instead of a 404.
 */
export const LEGACY_ICON_PATH = '/favicon.ico';

/** The SVG document (245 bytes): no script, no external reference, nothing to escape. */
export const SITE_ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#0b57d0"/>' +
  '<path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.5" ' +
  'stroke-linecap="round" stroke-linejoin="round"/></svg>';

/**
 * One week, in seconds. The path is not versioned, so this bounds how long a changed icon takes to
 * reach every browser and CloudFront edge; in exchange a partner working in the console and a
 * customer reopening an offer link within the week make no icon request at all, and each edge asks
 * the origin about once a week. The icon is not expected to change more often than that.
 */
export const SITE_ICON_MAX_AGE_SECONDS = 604_800;

/** Shared caches (CloudFront) may keep it too: it is the same for everyone. */
export const SITE_ICON_CACHE_CONTROL = `public, max-age=${SITE_ICON_MAX_AGE_SECONDS}`;

/** The `<head>` element every HTML page carries. The page's CSP must allow `img-src 'self'`. */
export const siteIconLink: SafeHtml = html`<link rel="icon" href="${SITE_ICON_PATH}" type="image/svg+xml">`;
