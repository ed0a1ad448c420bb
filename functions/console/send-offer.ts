import { NotFoundError } from '../../shared/domain/errors.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { html } from '../../shared/render/html.ts';
import { consolePage } from './layout.ts';
import { localized } from './offer-form.ts';
import { COPY_SCRIPT, SEND_TEXT, sendPageMain } from './send-page.ts';
import { offerQueries, PUBLIC_BASE_URL } from './services.ts';
import type { ConsolePage, ConsoleRequest } from './session.ts';

/** Page 2 of the create wizard ("Send", send-page.ts) for one of the signed-in partner's offers; 404 for any other. */
export function sendOfferPage(
  load: (partnerId: string, summaryId: string) => Promise<Offer>,
  publicBaseUrl: string,
): ConsolePage {
  return async (request: ConsoleRequest) => {
    const text = SEND_TEXT[request.locale];
    const summaryId = request.event.pathParameters?.summaryId ?? '';
    let offer: Offer;
    try {
      offer = await load(request.session.partnerId, summaryId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Another partner's offer is as unknown as one that does not exist.
      return consolePage(404, {
        locale: request.locale,
        title: text.notFoundTitle,
        session: request.session,
        main: html`<h1>${text.notFoundTitle}</h1><p>${text.notFound}</p><p><a href="${localized('/console/offers', request.locale)}">${text.viewOffers}</a></p>`,
      });
    }
    return consolePage(200, {
      locale: request.locale,
      title: text.title,
      session: request.session,
      main: sendPageMain(offer, request.locale, publicBaseUrl),
      scripts: [COPY_SCRIPT],
    });
  };
}

export const sendOffer: ConsolePage = sendOfferPage(
  (partnerId, summaryId) => offerQueries.get(partnerId, summaryId),
  PUBLIC_BASE_URL,
);
