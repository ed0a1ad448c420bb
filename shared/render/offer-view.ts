import { findSubscription } from '../catalog/catalog.ts';
import { type LinePrice, lineTerm, type Offer, type OfferLine, offerStatus } from '../domain/offer.ts';

/** The customer link of an offer: `<public base URL>/o/<summaryId>`. */
export function offerUrl(publicBaseUrl: string, summaryId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/o/${summaryId}`;
}

/** A unit price snapshot as the API shows it (integer minor units of `currency`), or null when none is sourced. */
function priceView(price: LinePrice | undefined) {
  return price
    ? {
        currency: price.currency,
        monthlyUnitMinor: price.monthlyUnitMinor,
        perBillingPeriodMinor: price.perBillingPeriodMinor,
        billingPeriodMonths: price.billingPeriodMonths,
      }
    : null;
}

/**
 * A line with its term and billing (P1Y/annual for offers made before terms), unit price snapshot
 * and the options the customer may choose (empty: the term is fixed).
 */
function lineView(item: OfferLine) {
  return {
    sku: item.sku,
    name: findSubscription(item.sku)?.name ?? item.sku,
    licenses: item.licenses,
    ...lineTerm(item),
    unitPrice: priceView(item.unitPrice),
    choices: (item.choices ?? []).map((choice) => ({
      term: choice.term,
      billingFrequency: choice.billingFrequency,
      unitPrice: priceView(choice.unitPrice),
    })),
  };
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
    items: offer.items.map(lineView),
    delegatedAdmin: offer.delegatedAdmin,
    locale: offer.locale,
    customization: offer.customization,
    createdAt: offer.createdAt,
    ...(offer.expiresAt !== undefined ? { expiresAt: offer.expiresAt } : {}),
    ...(offer.maxAcceptances !== undefined ? { maxAcceptances: offer.maxAcceptances } : {}),
    ...(offer.deactivatedAt !== undefined ? { deactivatedAt: offer.deactivatedAt } : {}),
    ...(offer.deactivationMessage !== undefined ? { deactivationMessage: offer.deactivationMessage } : {}),
    requireCustomerAgreement: offer.requireCustomerAgreement ?? false,
    ...(offer.catalogVersion !== undefined ? { catalogVersion: offer.catalogVersion } : {}),
    ...(offer.priceListVersion !== undefined ? { priceListVersion: offer.priceListVersion } : {}),
    ...(offer.revisionOf !== undefined ? { revisionOf: offer.revisionOf } : {}),
    ...(offer.revisedBy !== undefined ? { revisedBy: offer.revisedBy } : {}),
    counters: { views: offer.views, acceptances: offer.acceptances, declines: offer.declines },
  };
}
export type OfferView = ReturnType<typeof offerView>;
