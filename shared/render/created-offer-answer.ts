import type { Offer } from '../domain/offer.ts';
import type { RecordedAnswer } from '../domain/offer-create.ts';
import { buildOfferMessage } from './offer-message.ts';
import { offerUrl, offerView } from './offer-view.ts';

/**
 * The answer to a create (and a revision) as the partner API sends it: 201, the offer as the API
 * shows it with its ready message in the offer's language, and its Location. OfferCreateService keeps
 * it with the idempotency record, so a retry with the same key gets these bytes again, whichever
 * function (the partner API or the console) wrote the offer. The console reads the summary ID back
 * from it (`summaryIdOfAnswer`) when a double submit is answered with the first answer.
 */
export function createdOfferAnswer(publicBaseUrl: string): (offer: Offer, now: Date) => RecordedAnswer {
  return (offer, now) => ({
    statusCode: 201,
    responseBody: JSON.stringify({
      ...offerView(offer, publicBaseUrl, now),
      message: buildOfferMessage(offer, offer.locale, offerUrl(publicBaseUrl, offer.summaryId)),
    }),
    location: `/v1/offers/${offer.summaryId}`,
  });
}

/** The summary ID a recorded create answer names (its Location), or undefined for another answer. */
export function summaryIdOfAnswer(answer: RecordedAnswer): string | undefined {
  return /^\/v1\/offers\/([^/]+)$/.exec(answer.location ?? '')?.[1];
}
