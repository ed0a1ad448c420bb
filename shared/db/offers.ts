import type { Offer, OfferStatus } from '../domain/offer.ts';
import { partnerKeys } from './partners.ts';

// Keys and item mapping only: the customer page function imports this module, and its bundle must
// not contain the AWS SDK (test/infra/page-bundle.test.ts). The SDK-backed store is offer-store.ts.

/**
 * An offer is keyed by its summary ID. Its partition holds:
 * - the offer item (SK `OFFER`): what the partner sent, the partner snapshot, timestamps and the
 *   acceptance/decline counters, which the accept/decline transactions update under the
 *   offer-is-active condition. GSI1 lists a partner's offers newest first; the summary ID in the
 *   sort key keeps equal timestamps distinct.
 * - the views counter (SK `OFFER#VIEWS`, see offerViewsKeys);
 * - acceptances and declines (`ACCEPT#…`, `DECLINE#…`, see shared/db/customer-responses.ts).
 * Offer and counter share the `OFFER` prefix, so one strongly consistent Query
 * (`begins_with(SK, 'OFFER')`) reads both and nothing else.
 */
export const offerKeys = {
  pk: (summaryId: string) => `OFFER#${summaryId}`,
  sk: () => 'OFFER',
  /** Matches the offer item and its views counter, not the responses. */
  skPrefix: 'OFFER',
  gsi1pk: (partnerId: string) => partnerKeys.pk(partnerId),
  gsi1sk: (createdAt: string, summaryId: string) => `OFFER#${createdAt}#${summaryId}`,
  gsi1skPrefix: 'OFFER#',
};

/**
 * Each status as a DynamoDB condition on the offer item, the same rules as offerStatus(): list
 * filters use them, and accept/decline transactions are conditioned on `active`, so the status a
 * page shows and the one the write enforces cannot drift apart. `:now` is an ISO-8601 UTC instant;
 * expiries have four-digit years (checkExpiry caps them), so text order is time order.
 */
const NOT_DEACTIVATED = 'attribute_not_exists(deactivatedAt)';
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
export const OFFER_STATUS_CONDITIONS: Readonly<Record<OfferStatus, string>> = {
  deactivated: 'attribute_exists(deactivatedAt)',
  expired: `${NOT_DEACTIVATED} AND expiresAt <= :now`,
  exhausted: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND acceptances >= maxAcceptances`,
  active: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND (attribute_not_exists(maxAcceptances) OR acceptances < maxAcceptances)`,
};

/**
 * Views are counted on a small item of their own rather than on the offer item: a view is then an
 * UpdateItem of ~100 bytes (1 WCU, not ~5 for a 4-5 KB offer), and it never touches the item the
 * accept/decline transactions hold, so a burst of views neither fails with
 * TransactionConflictException (which the SDK does not retry) nor cancels those transactions.
 * Created with `views: 0` in the create transaction; views are only ADDed to an existing counter
 * (`attribute_exists(PK)`), so an unknown code writes nothing. It has no GSI1 keys: lists never
 * see it.
 */
export const offerViewsKeys = {
  pk: (summaryId: string) => offerKeys.pk(summaryId),
  sk: () => 'OFFER#VIEWS',
};

/** The offer item. Its views are on the counter item (offerViewsKeys), not here. */
export type OfferItem = Omit<Offer, 'views'> & {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  entity: 'offer';
};

export interface OfferViewsItem {
  PK: string;
  SK: string;
  entity: 'offerViews';
  summaryId: string;
  views: number;
}

export function offerToItem(offer: Offer): OfferItem {
  const { views: _views, ...stored } = offer;
  return {
    PK: offerKeys.pk(offer.summaryId),
    SK: offerKeys.sk(),
    GSI1PK: offerKeys.gsi1pk(offer.partnerId),
    GSI1SK: offerKeys.gsi1sk(offer.createdAt, offer.summaryId),
    entity: 'offer',
    ...stored,
  };
}

/** The offer with its `views`, as read from its counter item (0 when not read). */
export function offerFromItem(item: Record<string, unknown>, views = 0): Offer {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...offer } = item as unknown as OfferItem;
  return { ...offer, views };
}

export function offerViewsToItem(summaryId: string, views: number): OfferViewsItem {
  return { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk(), entity: 'offerViews', summaryId, views };
}

export function viewsFromItem(item: Record<string, unknown> | undefined): number {
  const views = item?.views;
  return typeof views === 'number' ? views : 0;
}

/** Both items of an offer as the create transaction writes them, for seeding tables directly. */
export function offerItems(offer: Offer): [OfferItem, OfferViewsItem] {
  return [offerToItem(offer), offerViewsToItem(offer.summaryId, offer.views)];
}

/**
 * A partner reference is claimed by its own item, so uniqueness holds under concurrency. It names
 * the offer that holds it (`summaryId`), which a 409 duplicate-reference hands back to the partner.
 */
export const offerReferenceKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (reference: string) => `OFFERREF#${reference}`,
};

export interface OfferReferenceItem {
  PK: string;
  SK: string;
  entity: 'offerReference';
  summaryId: string;
  createdAt: string;
}

export function offerReferenceToItem(offer: Offer & { reference: string }): OfferReferenceItem {
  return {
    PK: offerReferenceKeys.pk(offer.partnerId),
    SK: offerReferenceKeys.sk(offer.reference),
    entity: 'offerReference',
    summaryId: offer.summaryId,
    createdAt: offer.createdAt,
  };
}
