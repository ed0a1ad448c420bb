import { isTransientFailure } from '../../shared/db/dynamodb-lite.ts';
import { errorForLog } from '../../shared/db/errors.ts';
import type { ErrorPolicy } from '../../shared/http/chain.ts';
import { SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../shared/http/problem.ts';
import { htmlRouteGroup } from '../../shared/http/route-group.ts';
import { logger } from '../../shared/observability/logger.ts';
import { AUTH_TEXT } from './auth-text.ts';
import { createOfferForm, submitCreateOffer, syncOffices } from './create-offer.ts';
import { messagePage } from './messages.ts';
import {
  deactivateOffer,
  offerDetail,
  offerMessagePreview,
  offerQrCode,
  reviseOfferForm,
  submitReviseOffer,
} from './offer-detail.ts';
import { offersList } from './offers-list.ts';
import { sendOffer } from './send-offer.ts';
import { consoleLocale, signedIn } from './session.ts';
import { signIn, signInPage, signOut } from './sign-in.ts';

/**
 * Pages fail as pages, in the request's language, leaking nothing: a table that is unavailable
 * (timeouts, throttling, 5xx: the partner API's 503 rule) is a 503 with Retry-After, anything else
 * a 500 (a bug).
 */
function consoleErrors(): ErrorPolicy {
  return {
    onError: (request) => {
      const locale = consoleLocale(request.event);
      const text = AUTH_TEXT[locale];
      if (isTransientFailure(request.error)) {
        logger.warn('table unavailable', { error: errorForLog(request.error) });
        request.response = messagePage(503, locale, text.unavailable, {
          headers: { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
        });
        return;
      }
      logger.error('unhandled error', { error: errorForLog(request.error) });
      request.response = messagePage(500, locale, text.internalError);
    },
  };
}

export const handler = htmlRouteGroup('console', consoleErrors(), {
  'GET /console': signInPage,
  'POST /console/sign-in': signIn,
  'POST /console/sign-out': signOut,
  'GET /console/offers': signedIn(offersList),
  'GET /console/offers/new': signedIn(createOfferForm),
  'POST /console/offers/new': signedIn(submitCreateOffer),
  'GET /console/offers/{summaryId}': signedIn(offerDetail),
  'GET /console/offers/{summaryId}/send': signedIn(sendOffer),
  'GET /console/offers/{summaryId}/qr.svg': signedIn(offerQrCode),
  'GET /console/offers/{summaryId}/message.html': signedIn(offerMessagePreview),
  'POST /console/offers/{summaryId}/deactivate': signedIn(deactivateOffer),
  'GET /console/offers/{summaryId}/revise': signedIn(reviseOfferForm),
  'POST /console/offers/{summaryId}/revise': signedIn(submitReviseOffer),
  'POST /console/offices/sync': signedIn(syncOffices),
});
