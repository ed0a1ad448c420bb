import { findSubscription } from '../catalog/catalog.ts';
import { type Offer, offerStatus } from '../domain/offer.ts';

/** The customer link of an offer: `<public base URL>/o/<summaryId>`. */
export function offerUrl(publicBaseUrl: string, summaryId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/o/${summaryId}`;
}

/** An offer as the partner API shows it; status is derived at `now`, never stored. */
export function offerView(offer: Offer, publicBaseUrl: string, now: Date) {
  return {
    summaryId: offer.summaryId,
    url: offerUrl(publicBaseUrl, offer.summaryId),
    status: offerStatus(offer, now),
    ...(offer.reference !== undefined ? { reference: offer.reference } : {}),
    officeId: offer.officeId,
    officeName: offer.officeName,
    usageLocation: offer.usageLocation,
    items: offer.items.map((item) => ({
      sku: item.sku,
      name: findSubscription(item.sku)?.name ?? item.sku,
      licenses: item.licenses,
    })),
    delegatedAdmin: offer.delegatedAdmin,
    locale: offer.locale,
    customization: offer.customization,
    createdAt: offer.createdAt,
    ...(offer.expiresAt !== undefined ? { expiresAt: offer.expiresAt } : {}),
    ...(offer.maxAcceptances !== undefined ? { maxAcceptances: offer.maxAcceptances } : {}),
    ...(offer.deactivatedAt !== undefined ? { deactivatedAt: offer.deactivatedAt } : {}),
    ...(offer.deactivationMessage !== undefined ? { deactivationMessage: offer.deactivationMessage } : {}),
    counters: { views: offer.views, acceptances: offer.acceptances, declines: offer.declines },
  };
}
export type OfferView = ReturnType<typeof offerView>;
