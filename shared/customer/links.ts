import type { ApiEvent, ApiResult } from '../http/types.ts';
import { isLocale } from '../i18n/locale.ts';

/** The canonical customer link's path: `/o/7K3M-Q9TX-…`. */
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
  const lang = event.queryStringParameters?.lang;
  const query = lang && isLocale(lang) ? `?lang=${lang}` : '';
  return {
    statusCode: 301,
    headers: { location: `${offerPath(summaryId)}${query}`, 'cache-control': 'no-store' },
    body: '',
  };
}
