import type { Offer } from '../domain/offer.ts';
import { partnerKeys } from './partners.ts';

/**
 * An offer is keyed by its summary ID, so a link view is one GetItem/UpdateItem. GSI1 lists a
 * partner's offers newest first; the summary ID in the sort key keeps equal timestamps distinct.
 * Acceptances and declines share the offer's partition, written in one transaction with its counters.
 */
export const offerKeys = {
  pk: (summaryId: string) => `OFFER#${summaryId}`,
  sk: () => 'OFFER',
  gsi1pk: (partnerId: string) => partnerKeys.pk(partnerId),
  gsi1sk: (createdAt: string, summaryId: string) => `OFFER#${createdAt}#${summaryId}`,
  gsi1skPrefix: 'OFFER#',
};

export type OfferItem = Offer & { PK: string; SK: string; GSI1PK: string; GSI1SK: string; entity: 'offer' };

export function offerToItem(offer: Offer): OfferItem {
  return {
    PK: offerKeys.pk(offer.summaryId),
    SK: offerKeys.sk(),
    GSI1PK: offerKeys.gsi1pk(offer.partnerId),
    GSI1SK: offerKeys.gsi1sk(offer.createdAt, offer.summaryId),
    entity: 'offer',
    ...offer,
  };
}

export function offerFromItem(item: Record<string, unknown>): Offer {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...offer } = item as unknown as OfferItem;
  return offer;
}
