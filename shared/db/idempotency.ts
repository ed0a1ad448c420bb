import type { IdempotencyRecord } from '../domain/idempotency.ts';
import type { Offer } from '../domain/offer.ts';
import { partnerKeys } from './partners.ts';
import type { Item, Table } from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

// The claims a partner's requests make in its own partition: idempotency keys and offer
// references. Both are taken in the offer create transaction (shared/db/offers.ts).

/**
 * Idempotency records live in the partner's partition, so a key is scoped to the partner that
 * sent it: two partners may use the same key without ever seeing each other's responses.
 * DynamoDB TTL (`expiresAtEpoch`) removes them eventually; readers ignore expired ones at once.
 */
export const idempotencyKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (key: string) => `IDEMPOTENCY#${key}`,
};

type IdempotencyItem = IdempotencyRecord & { PK: string; SK: string; entity: 'idempotency' };

export function idempotencyToItem(record: IdempotencyRecord): IdempotencyItem {
  return {
    PK: idempotencyKeys.pk(record.partnerId),
    SK: idempotencyKeys.sk(record.key),
    entity: 'idempotency',
    ...record,
  };
}

export function idempotencyFromItem(item: Item): IdempotencyRecord {
  const { PK: _pk, SK: _sk, entity: _entity, ...record } = item as unknown as IdempotencyItem;
  return record;
}

/**
 * The condition under which a new record may take the key: none yet, or the old one has expired.
 * `:nowEpoch` is epochSeconds(now); `<=` is exactly the negation of isLive(), so the service and the
 * table never disagree about a record in its last second.
 */
export const IDEMPOTENCY_FREE_CONDITION = `attribute_not_exists(PK) OR ${TTL_ATTRIBUTE} <= :nowEpoch`;

export async function getIdempotencyRecord(
  table: Table,
  partnerId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const item = await table.get({
    Key: { PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(key) },
    ConsistentRead: true,
  });
  return item ? idempotencyFromItem(item) : undefined;
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
