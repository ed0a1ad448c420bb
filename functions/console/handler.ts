import { errorForLog } from '../../shared/db/errors.ts';
import type { ErrorPolicy } from '../../shared/http/chain.ts';
import { htmlRouteGroup } from '../../shared/http/route-group.ts';
import { logger } from '../../shared/observability/logger.ts';
import { html } from '../../shared/render/html.ts';
import { createOfferForm, submitCreateOffer, syncOffices } from './create-offer.ts';
import { consolePage } from './layout.ts';
import { deactivateOffer, offerDetail, offerQrCode, reviseOfferForm, submitReviseOffer } from './offer-detail.ts';
import { offersList } from './offers-list.ts';
import { sendOffer } from './send-offer.ts';
import { signedIn } from './session.ts';
import { signIn, signInPage, signOut } from './sign-in.ts';

/** Pages fail as pages: a generic 500 that leaks nothing (transient failures: the session layer's 503). */
function consoleErrors(): ErrorPolicy {
  return {
    onError: (request) => {
      logger.error('unhandled error', { error: errorForLog(request.error) });
      request.response = consolePage(500, {
        locale: 'en',
        title: 'Something went wrong',
        main: html`<h1>Something went wrong</h1><p>Please try again in a moment.</p>`,
      });
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
  'POST /console/offers/{summaryId}/deactivate': signedIn(deactivateOffer),
  'GET /console/offers/{summaryId}/revise': signedIn(reviseOfferForm),
  'POST /console/offers/{summaryId}/revise': signedIn(submitReviseOffer),
  'POST /console/offices/sync': signedIn(syncOffices),
});
