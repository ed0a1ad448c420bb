import { summaryIdFromLink, withoutTrailingJunk } from '../domain/summary-id.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';
import { isLocale } from '../i18n/locale.ts';

/** The canonical offer link's path: `/o/7K3M-Q9TX-…`. */
export function offerPath(summaryId: string): string {
  return `/o/${summaryId}`;
}

/**
 * A permanent redirect (301: every client follows it; only GET and HEAD get here, so 308's
 * method guarantee adds nothing) to the canonical offer link, same-origin and relative. Only a
 * valid `lang` choice is carried over; nothing else from the request reaches the Location.
 * Not cached: the page behind it never is either.
 */
export function canonicalOfferRedirect(summaryId: string, event: Pick<ApiEvent, 'queryStringParameters'>): ApiResult {
  return offerPageRedirect({ status: 301, path: offerPath(summaryId) }, event);
}

/** Where an offer page path sends its visitor: 301 to a page's canonical link, 303 to the offer page. */
export interface OfferLinkTarget {
  readonly status: 301 | 303;
  readonly path: string;
}

/** A redirect to `target`, same-origin and relative, keeping only a valid `?lang=`; not cached. */
export function offerPageRedirect(target: OfferLinkTarget, event: Pick<ApiEvent, 'queryStringParameters'>): ApiResult {
  const lang = event.queryStringParameters?.lang;
  const query = lang && isLocale(lang) ? `?lang=${lang}` : '';
  return {
    statusCode: target.status,
    headers: { location: `${target.path}${query}`, 'cache-control': 'no-store' },
    body: '',
  };
}

/** A submission token at the start of a pasted confirmation link's last part (the signature has a fixed length). */
const TOKEN_PREFIX = /^v1\.[0-9a-z]{1,11}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/;

/** The submission token in a confirmation link's token part, with whatever was stuck to it cut off. */
export function tokenFromLink(part: string): string | undefined {
  let decoded = part;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    // A broken escape can only be after the token: the token's characters need none.
  }
  return TOKEN_PREFIX.exec(decoded)?.[0];
}

/**
 * Where a GET or HEAD of an offer page path that matched no route belongs; `rest` is the path after
 * `/o/` (or `/O/`). Mail and chat add punctuation and slashes to the end of a pasted link, and
 * people type the prefix in capitals:
 * - `CODE` with junk, or in another spelling: 301 to the offer page's canonical link;
 * - `CODE/accept…`, `CODE/decline…` (the forms' addresses with junk) and `CODE/accepted` without a
 *   token: 303 to the offer page, as the forms' own addresses get;
 * - `CODE/accepted/TOKEN…`: 301 to the confirmation page's canonical link.
 * Undefined when the path names no offer.
 */
export function offerLinkTarget(rest: string): OfferLinkTarget | undefined {
  const whole = summaryIdFromLink(rest);
  if (whole) return { status: 301, path: offerPath(whole) };
  const [code = '', page = '', ...more] = rest.split('/');
  const summaryId = summaryIdFromLink(code);
  if (!summaryId) return undefined;
  const tail = withoutTrailingJunk([page, ...more].join('/'))?.toLowerCase();
  if (tail === 'accept' || tail === 'decline' || tail === 'accepted') {
    return { status: 303, path: offerPath(summaryId) };
  }
  if (page.toLowerCase() === 'accepted' && more.length > 0) {
    const token = tokenFromLink(more.join('/'));
    if (token) return { status: 301, path: `${offerPath(summaryId)}/accepted/${token}` };
  }
  return undefined;
}
