/**
 * Whether the browser says a form post comes from another site. Browsers name the posting page's
 * origin in `Origin` (the pages' `Referrer-Policy: same-origin` keeps it from being `null`) and
 * its relation in `Sec-Fetch-Site`; a forged post from another site cannot hide either from a
 * browser that sends them. Clients that send neither are not refused here: the route's own check
 * stands in their way (the customer forms' submission token, the console's per-session token).
 *
 * Our own origin is the public base URL's (a custom domain in front of the API) or the one the
 * request was addressed to (`Host`, which a page on another site cannot set).
 */
export function isCrossSitePost(headers: Record<string, string | undefined>, publicBaseUrl?: string): boolean {
  if (headers['sec-fetch-site']?.trim().toLowerCase() === 'cross-site') return true;
  const origin = headers.origin?.trim();
  if (origin === undefined || origin === '') return false;
  if (origin === 'null' || !URL.canParse(origin)) return true;
  const posted = new URL(origin);
  if (publicBaseUrl && URL.canParse(publicBaseUrl) && new URL(publicBaseUrl).origin === posted.origin) return false;
  const host = headers.host?.trim().toLowerCase();
  return !host || posted.host !== host;
}
