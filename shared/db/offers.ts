import { epochSeconds, type IdempotencyRecord } from '../domain/idempotency.ts';
import {
  DuplicateReferenceError,
  type Offer,
  type OfferCreationContext,
  type OfferPage,
  type OfferPosition,
  type OfferReviseOutcome,
  type OfferStatus,
  type OfferStore,
  type OfferWriteOutcome,
} from '../domain/offer.ts';
import {
  getIdempotencyRecord,
  IDEMPOTENCY_FREE_CONDITION,
  idempotencyFromItem,
  idempotencyKeys,
  idempotencyToItem,
  offerReferenceToItem,
} from './idempotency.ts';
import { officeFromItem, officeKeys } from './offices.ts';
import { partnerFromItem, partnerKeys } from './partners.ts';
import {
  type Item,
  isConditionFailed,
  isTransactionCanceled,
  type PutInput,
  type QueryInput,
  type Table,
  type TransactItem,
  type TransactionCanceledError,
} from './port.ts';
import { GSI1 } from './table.ts';

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
export function offerFromItem(item: Item, views = 0): Offer {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...offer } = item as unknown as OfferItem;
  return { ...offer, views };
}

export function offerViewsToItem(summaryId: string, views: number): OfferViewsItem {
  return { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk(), entity: 'offerViews', summaryId, views };
}

export function viewsFromItem(item: Item | undefined): number {
  const views = item?.views;
  return typeof views === 'number' ? views : 0;
}

/** Both items of an offer as the create transaction writes them, for seeding tables directly. */
export function offerItems(offer: Offer): [OfferItem, OfferViewsItem] {
  return [offerToItem(offer), offerViewsToItem(offer.summaryId, offer.views)];
}

/**
 * The cost bound of one status-filtered page: at most MAX_FILTERED_ROUNDS queries of
 * FILTERED_PAGE_SIZE index entries (1,000 entries, ~10 requests). A partner whose recent offers
 * mostly do not match gets a short, possibly empty page with a cursor rather than one request that
 * scans its whole history; the cursor resumes right after the last entry read.
 */
export const MAX_FILTERED_ROUNDS = 10;
export const FILTERED_PAGE_SIZE = 100;

function positionOf(gsi1sk: string): OfferPosition | undefined {
  const match = /^OFFER#([^#]+)#(.+)$/.exec(gsi1sk);
  return match?.[1] && match[2] ? { createdAt: match[1], summaryId: match[2] } : undefined;
}

function startKey(partnerId: string, after: OfferPosition): Item {
  return {
    PK: offerKeys.pk(after.summaryId),
    SK: offerKeys.sk(),
    GSI1PK: offerKeys.gsi1pk(partnerId),
    GSI1SK: offerKeys.gsi1sk(after.createdAt, after.summaryId),
  };
}

/**
 * The items a new offer writes in one transaction (create and revise alike): the offer (fresh
 * summary ID), its views counter, its reference claim and its idempotency record, with the index of
 * the claim and the record (-1 when absent) for reading cancellation reasons. `referenceCondition`
 * replaces the claim's "absent" condition (a revise moving a kept reference).
 */
function newOfferItems(
  offer: Offer,
  idempotency: IdempotencyRecord | undefined,
  referenceCondition?: Pick<PutInput, 'ConditionExpression' | 'ExpressionAttributeValues'>,
): { items: TransactItem[]; referenceIndex: number; idempotencyIndex: number } {
  const items: TransactItem[] = [
    { Put: { Item: offerToItem(offer), ConditionExpression: 'attribute_not_exists(PK)' } },
    // Same partition as the offer, whose condition already guards a fresh summary ID.
    { Put: { Item: offerViewsToItem(offer.summaryId, offer.views) } },
  ];
  const referenceIndex = offer.reference !== undefined ? items.length : -1;
  if (offer.reference !== undefined) {
    items.push({
      Put: {
        Item: offerReferenceToItem({ ...offer, reference: offer.reference }),
        ...(referenceCondition ?? { ConditionExpression: 'attribute_not_exists(PK)' }),
        // The claim names the offer holding the reference: the 409 hands it to the partner.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  }
  const idempotencyIndex = idempotency ? items.length : -1;
  if (idempotency) {
    items.push({
      Put: {
        Item: idempotencyToItem(idempotency),
        ConditionExpression: IDEMPOTENCY_FREE_CONDITION,
        ExpressionAttributeValues: { ':nowEpoch': epochSeconds(new Date(offer.createdAt)) },
      },
    });
  }
  return { items, referenceIndex, idempotencyIndex };
}

/**
 * What a cancelled new-offer transaction means once the caller has ruled out its own items: a
 * reference held by another offer (DuplicateReferenceError), a summary ID taken, or contention.
 * @throws DuplicateReferenceError, or the error itself when none of these explains it.
 */
function newOfferFailure(
  error: TransactionCanceledError,
  offer: Offer,
  referenceIndex: number,
): { ok: false; reason: 'summary-id-taken' | 'contention' } {
  if (error.codeAt(referenceIndex) === 'ConditionalCheckFailed' && offer.reference !== undefined) {
    const holder = error.CancellationReasons[referenceIndex]?.Item?.summaryId;
    throw new DuplicateReferenceError(offer.reference, typeof holder === 'string' ? holder : undefined);
  }
  if (error.codeAt(0) === 'ConditionalCheckFailed') return { ok: false, reason: 'summary-id-taken' };
  if (error.CancellationReasons.some((reason) => reason.Code === 'TransactionConflict')) {
    return { ok: false, reason: 'contention' };
  }
  throw error;
}

/**
 * The offer store for the partner-facing functions; the offer page reads and answers offers through
 * shared/db/customer-responses.ts with the same keys and item mapping.
 */
export class DynamoOfferStore implements OfferStore {
  constructor(private readonly table: Table) {}

  /** Partner, office and idempotency record in one BatchGetItem (strongly consistent). */
  async loadCreationContext(
    partnerId: string,
    officeId: string,
    idempotencyKey?: string,
  ): Promise<OfferCreationContext> {
    const items = await this.table.batchGet({
      Keys: [
        { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() },
        { PK: officeKeys.pk(partnerId), SK: officeKeys.sk(officeId) },
        ...(idempotencyKey !== undefined
          ? [{ PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(idempotencyKey) }]
          : []),
      ],
      ConsistentRead: true,
    });
    const context: { -readonly [K in keyof OfferCreationContext]: OfferCreationContext[K] } = {};
    for (const item of items) {
      if (item.SK === partnerKeys.sk()) context.partner = partnerFromItem(item);
      else if (item.SK === officeKeys.sk(officeId)) context.office = officeFromItem(item);
      else if (idempotencyKey !== undefined && item.SK === idempotencyKeys.sk(idempotencyKey))
        context.idempotency = idempotencyFromItem(item);
    }
    return context;
  }

  /**
   * One TransactWriteItems: the offer (new summary ID), its views counter, the reference claim
   * (new reference) and the idempotency record (key free or expired). Exactly one of concurrent
   * duplicates commits, and a failed create leaves none of them behind.
   */
  async create(offer: Offer, idempotency?: IdempotencyRecord): Promise<OfferWriteOutcome> {
    const { items, referenceIndex, idempotencyIndex } = newOfferItems(offer, idempotency);
    try {
      await this.table.transactWrite(items);
      return { ok: true };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // The idempotency key wins over the rest: a replay must not be reported as a duplicate reference.
      if (error.codeAt(idempotencyIndex) === 'ConditionalCheckFailed')
        return { ok: false, reason: 'idempotency-key-taken' };
      return newOfferFailure(error, offer, referenceIndex);
    }
  }

  getIdempotencyRecord(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return getIdempotencyRecord(this.table, partnerId, key);
  }

  /** One strongly consistent GetItem of the offer item (views not read: 0). */
  async getOffer(summaryId: string): Promise<Offer | undefined> {
    const item = await this.table.get({
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    });
    return item ? offerFromItem(item) : undefined;
  }

  /**
   * One TransactWriteItems: the new offer, its views counter, its reference claim (a reference kept
   * from the old offer moves its claim: put only while the claim is absent or still the old offer's;
   * a new reference is claimed as on create), its idempotency record, and the old offer's update
   * (`revisedBy`, `deactivatedAt` kept if set) conditioned on the partner and on no earlier revision.
   * A failed revise leaves none of them behind.
   */
  async revise(
    old: Pick<Offer, 'summaryId' | 'partnerId' | 'reference'>,
    offer: Offer,
    idempotency?: IdempotencyRecord,
  ): Promise<OfferReviseOutcome> {
    // A reference kept from the old offer moves its claim: the claim may still name the old offer.
    const keptReference =
      offer.reference !== undefined && offer.reference === old.reference
        ? {
            ConditionExpression: 'attribute_not_exists(PK) OR summaryId = :revised',
            ExpressionAttributeValues: { ':revised': old.summaryId },
          }
        : undefined;
    const { items, referenceIndex, idempotencyIndex } = newOfferItems(offer, idempotency, keptReference);
    const oldIndex = items.length;
    items.push({
      Update: {
        Key: { PK: offerKeys.pk(old.summaryId), SK: offerKeys.sk() },
        UpdateExpression: 'SET revisedBy = :revisedBy, deactivatedAt = if_not_exists(deactivatedAt, :at)',
        ConditionExpression: 'attribute_exists(PK) AND partnerId = :partnerId AND attribute_not_exists(revisedBy)',
        ExpressionAttributeValues: {
          ':revisedBy': offer.summaryId,
          ':at': offer.createdAt,
          ':partnerId': old.partnerId,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    try {
      await this.table.transactWrite(items);
      return { ok: true };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      if (error.codeAt(idempotencyIndex) === 'ConditionalCheckFailed')
        return { ok: false, reason: 'idempotency-key-taken' };
      if (error.codeAt(oldIndex) === 'ConditionalCheckFailed') {
        const found = error.CancellationReasons[oldIndex]?.Item;
        if (!found || found.partnerId !== old.partnerId) return { ok: false, reason: 'not-found' };
        const revisedBy = found.revisedBy;
        return { ok: false, reason: 'already-revised', ...(typeof revisedBy === 'string' ? { revisedBy } : {}) };
      }
      return newOfferFailure(error, offer, referenceIndex);
    }
  }

  /** The offer and its views counter in one strongly consistent Query of the offer's partition. */
  async get(summaryId: string): Promise<Offer | undefined> {
    const { Items } = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(summaryId), ':prefix': offerKeys.skPrefix },
      ConsistentRead: true,
    });
    const offer = Items.find((item) => item.SK === offerKeys.sk());
    const counter = Items.find((item) => item.SK === offerViewsKeys.sk());
    return offer ? offerFromItem(offer, viewsFromItem(counter)) : undefined;
  }

  /**
   * Newest first from GSI1, then the page's view counters in one BatchGetItem (eventually
   * consistent, like the index). A status-filtered page reads at most MAX_FILTERED_ROUNDS query
   * pages and may come back short or empty with a cursor (see OfferPage).
   */
  async listForPartner(
    partnerId: string,
    options: { limit: number; after?: OfferPosition; status?: OfferStatus; now: Date },
  ): Promise<OfferPage> {
    const { limit, after, status, now } = options;
    // One more than asked tells whether another page exists without an empty last page.
    const want = limit + 1;
    const collected: Item[] = [];
    let start: Item | undefined = after ? startKey(partnerId, after) : undefined;
    let rounds = 0;
    do {
      const filter: Partial<QueryInput> = status
        ? {
            FilterExpression: OFFER_STATUS_CONDITIONS[status],
            ...(status !== 'deactivated' ? { ExpressionAttributeValues: { ':now': now.toISOString() } } : {}),
          }
        : {};
      const page = await this.table.query({
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ScanIndexForward: false,
        Limit: status ? FILTERED_PAGE_SIZE : want - collected.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
        ...filter,
        ExpressionAttributeValues: {
          ':pk': offerKeys.gsi1pk(partnerId),
          ':prefix': offerKeys.gsi1skPrefix,
          ...filter.ExpressionAttributeValues,
        },
      });
      collected.push(...page.Items);
      start = page.LastEvaluatedKey;
      rounds++;
    } while (collected.length < want && start && rounds < MAX_FILTERED_ROUNDS);

    const pageItems = collected.slice(0, limit);
    const offers = await this.withViews(pageItems);
    if (collected.length > limit) {
      const last = offers[offers.length - 1] as Offer;
      return { offers, next: { createdAt: last.createdAt, summaryId: last.summaryId } };
    }
    // Stopped on the round cap with fewer than `limit` matches: resume after the last entry read.
    const next = start && typeof start.GSI1SK === 'string' ? positionOf(start.GSI1SK) : undefined;
    return { offers, ...(next ? { next } : {}) };
  }

  /** Offer items with their view counters, read in one BatchGetItem (none for an empty page). */
  private async withViews(items: Item[]): Promise<Offer[]> {
    if (items.length === 0) return [];
    const counters = await this.table.batchGet({
      Keys: items.map((item) => ({ PK: String(item.PK), SK: offerViewsKeys.sk() })),
    });
    const viewsByPk = new Map(counters.map((counter) => [counter.PK, viewsFromItem(counter)]));
    return items.map((item) => offerFromItem(item, viewsByPk.get(item.PK) ?? 0));
  }

  async deactivate(partnerId: string, summaryId: string, at: string, message?: string): Promise<Offer | undefined> {
    const update = this.table.update({
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      // Deactivating again keeps the first time; a new message replaces the old one.
      UpdateExpression: `SET deactivatedAt = if_not_exists(deactivatedAt, :at)${message !== undefined ? ', deactivationMessage = :message' : ''}`,
      ConditionExpression: 'attribute_exists(PK) AND partnerId = :partnerId',
      ExpressionAttributeValues: {
        ':at': at,
        ':partnerId': partnerId,
        ...(message !== undefined ? { ':message': message } : {}),
      },
      ReturnValues: 'ALL_NEW',
    });
    // Read alongside, not after, the update: the answer reports the views too. Its result is thrown
    // away unless the update proves the offer is the caller's.
    const counter = this.table.get({
      Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
      ConsistentRead: true,
    });
    const [updated, views] = await Promise.allSettled([update, counter]);
    if (updated.status === 'rejected') {
      if (isConditionFailed(updated.reason)) return undefined;
      throw updated.reason;
    }
    if (views.status === 'rejected') throw views.reason;
    return updated.value ? offerFromItem(updated.value, viewsFromItem(views.value)) : undefined;
  }
}
