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
  offerStatus,
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
import { GSI1, GSI2 } from './table.ts';

/**
 * An offer is keyed by its summary ID. Its partition holds:
 * - the offer item (SK `OFFER`): what the partner sent, the partner snapshot and timestamps. No
 *   counter is on it, so an acceptance or a decline does not write it (and writes no index entry):
 *   only the acceptance that exhausts the offer does (`exhaustedAt`). GSI1 lists a partner's offers
 *   newest first (the summary ID in the sort key keeps equal timestamps distinct); GSI2 lists only
 *   its open ones (see OPEN_OFFER_INDEX below).
 * - the views counter (SK `OFFER#VIEWS`, see offerViewsKeys);
 * - the acceptance and decline counters (SK `OFFER#COUNTERS`, see offerCountersKeys);
 * - acceptances and declines (`ACCEPT#…`, `DECLINE#…`, see shared/db/customer-responses.ts).
 * Offer and counters share the `OFFER` prefix, so one strongly consistent Query
 * (`begins_with(SK, 'OFFER')`) reads all three and nothing else.
 */
export const offerKeys = {
  pk: (summaryId: string) => `OFFER#${summaryId}`,
  sk: () => 'OFFER',
  /** Matches the offer item and its views counter, not the responses. */
  skPrefix: 'OFFER',
  gsi1pk: (partnerId: string) => partnerKeys.pk(partnerId),
  gsi1sk: (createdAt: string, summaryId: string) => `OFFER#${createdAt}#${summaryId}`,
  gsi1skPrefix: 'OFFER#',
  /** GSI2 (open offers): the same partition and order as GSI1, present only while the offer is open. */
  gsi2pk: (partnerId: string) => partnerKeys.pk(partnerId),
  gsi2sk: (createdAt: string, summaryId: string) => `OFFER#${createdAt}#${summaryId}`,
};

/**
 * GSI2 is sparse: an offer item carries GSI2PK/GSI2SK from its creation until it closes, so a
 * `status=active` list reads open offers only, however many closed ones the partner has. The keys
 * are removed by the write that closes the offer: deactivation (and revision), the acceptance that
 * exhausts it, and, for expiry (which happens without a write), the offer's `expired` timer
 * (functions/offer-timers). Between the expiry and that timer an expired offer is still in the
 * index; the list's filter (expiresAt > now) leaves it out, so it costs a read, never a wrong answer.
 */
export const OPEN_OFFER_KEYS_REMOVAL = 'REMOVE GSI2PK, GSI2SK';

/**
 * Each status as a DynamoDB condition on the offer item, the same rules as offerStatus(): list
 * filters use them, and accept/decline transactions are conditioned on `active`, so the status a
 * page shows and the one the write enforces cannot drift apart. `:now` is an ISO-8601 UTC instant;
 * expiries have four-digit years (checkExpiry caps them), so text order is time order.
 */
const NOT_DEACTIVATED = 'attribute_not_exists(deactivatedAt)';
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
/**
 * Exhaustion is marked on the offer item by the acceptance that reaches maxAcceptances
 * (`exhaustedAt`); the count itself is on the counters item. Offer items written before the
 * counters moved still carry `acceptances`, and the last clause reads them.
 */
const EXHAUSTED = '(attribute_exists(exhaustedAt) OR acceptances >= maxAcceptances)';
const NOT_EXHAUSTED =
  '(attribute_not_exists(exhaustedAt) AND (attribute_not_exists(maxAcceptances) OR attribute_not_exists(acceptances) OR acceptances < maxAcceptances))';
export const OFFER_STATUS_CONDITIONS: Readonly<Record<OfferStatus, string>> = {
  deactivated: 'attribute_exists(deactivatedAt)',
  expired: `${NOT_DEACTIVATED} AND expiresAt <= :now`,
  exhausted: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND ${EXHAUSTED}`,
  active: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND ${NOT_EXHAUSTED}`,
};

/** The offer item's part of "accepts responses": not deactivated, not expired (the count is on the counters item). */
export const OFFER_OPEN_CONDITION = `attribute_exists(PK) AND ${NOT_DEACTIVATED} AND ${NOT_EXPIRED}`;

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

/**
 * The acceptance and decline counters, on an item of their own so that an answer never writes the
 * offer item (nor, through it, an index entry). For an offer with maxAcceptances, `remaining` counts
 * down with each acceptance: the accept transaction's condition on it (`remaining > 0`) makes the
 * last acceptance race-free, as it is checked and decremented in the same transaction that puts
 * the acceptance. An offer without a maximum has no `remaining`. Created in the create transaction.
 */
export const offerCountersKeys = {
  pk: (summaryId: string) => offerKeys.pk(summaryId),
  sk: () => 'OFFER#COUNTERS',
};

export interface OfferCountersItem {
  PK: string;
  SK: string;
  entity: 'offerCounters';
  summaryId: string;
  acceptances: number;
  declines: number;
  /** maxAcceptances − acceptances; only on offers with a maximum. */
  remaining?: number;
}

/** The offer item. Its views and counters are on their own items (offerViewsKeys, offerCountersKeys). */
export type OfferItem = Omit<Offer, 'views' | 'acceptances' | 'declines'> & {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  /** Only while the offer is open (see OPEN_OFFER_KEYS_REMOVAL). */
  GSI2PK?: string;
  GSI2SK?: string;
  /** Set by the acceptance that reached maxAcceptances. */
  exhaustedAt?: string;
  entity: 'offer';
};

export interface OfferViewsItem {
  PK: string;
  SK: string;
  entity: 'offerViews';
  summaryId: string;
  views: number;
}

function isExhausted(offer: Pick<Offer, 'maxAcceptances' | 'acceptances'>): boolean {
  return offer.maxAcceptances !== undefined && offer.acceptances >= offer.maxAcceptances;
}

/**
 * The offer item of `offer`; open (GSI2 keys) unless deactivated, revised or exhausted. Expiry is
 * not looked at: an offer past its expiry is left out by the list's filter.
 */
export function offerToItem(offer: Offer): OfferItem {
  const { views: _views, acceptances: _acceptances, declines: _declines, ...stored } = offer;
  const exhausted = isExhausted(offer);
  const open = offer.deactivatedAt === undefined && offer.revisedBy === undefined && !exhausted;
  return {
    PK: offerKeys.pk(offer.summaryId),
    SK: offerKeys.sk(),
    GSI1PK: offerKeys.gsi1pk(offer.partnerId),
    GSI1SK: offerKeys.gsi1sk(offer.createdAt, offer.summaryId),
    ...(open
      ? { GSI2PK: offerKeys.gsi2pk(offer.partnerId), GSI2SK: offerKeys.gsi2sk(offer.createdAt, offer.summaryId) }
      : {}),
    ...(exhausted ? { exhaustedAt: offer.createdAt } : {}),
    entity: 'offer',
    ...stored,
  };
}

export function offerCountersToItem(
  offer: Pick<Offer, 'summaryId' | 'acceptances' | 'declines' | 'maxAcceptances'>,
): OfferCountersItem {
  return {
    PK: offerCountersKeys.pk(offer.summaryId),
    SK: offerCountersKeys.sk(),
    entity: 'offerCounters',
    summaryId: offer.summaryId,
    acceptances: offer.acceptances,
    declines: offer.declines,
    ...(offer.maxAcceptances !== undefined ? { remaining: Math.max(0, offer.maxAcceptances - offer.acceptances) } : {}),
  };
}

const count = (value: unknown) => (typeof value === 'number' ? value : undefined);

/**
 * The offer with its `views` (from its views counter, 0 when not read) and its acceptances and
 * declines from `counters` (the counters item). Without the counters item, the counts come from
 * the offer item itself: exact for an exhausted offer (`exhaustedAt`: acceptances = maxAcceptances)
 * and for offer items written before the counters moved, otherwise 0, which is enough for the
 * offer's status, not for showing counts.
 */
export function offerFromItem(item: Item, views = 0, counters?: Item): Offer {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _g1pk,
    GSI1SK: _g1sk,
    GSI2PK: _g2pk,
    GSI2SK: _g2sk,
    entity: _entity,
    exhaustedAt,
    acceptances,
    declines,
    ...offer
  } = item as unknown as OfferItem & { acceptances?: number; declines?: number };
  const fallbackAcceptances =
    exhaustedAt !== undefined && offer.maxAcceptances !== undefined ? offer.maxAcceptances : (count(acceptances) ?? 0);
  return {
    ...offer,
    views,
    acceptances: count(counters?.acceptances) ?? fallbackAcceptances,
    declines: count(counters?.declines) ?? count(declines) ?? 0,
  };
}

/** The offer from the items of its partition's `OFFER` prefix (offer, views and counters items). */
export function offerFromPartition(items: readonly Item[]): Offer | undefined {
  const offer = items.find((item) => item.SK === offerKeys.sk());
  if (!offer) return undefined;
  const views = items.find((item) => item.SK === offerViewsKeys.sk());
  const counters = items.find((item) => item.SK === offerCountersKeys.sk());
  return offerFromItem(offer, viewsFromItem(views), counters);
}

export function offerViewsToItem(summaryId: string, views: number): OfferViewsItem {
  return { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk(), entity: 'offerViews', summaryId, views };
}

export function viewsFromItem(item: Item | undefined): number {
  const views = item?.views;
  return typeof views === 'number' ? views : 0;
}

/** The items of an offer as the create transaction writes them, for seeding tables directly. */
export function offerItems(offer: Offer): [OfferItem, OfferViewsItem, OfferCountersItem] {
  return [offerToItem(offer), offerViewsToItem(offer.summaryId, offer.views), offerCountersToItem(offer)];
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

/**
 * A list page: with more matches than the page holds, the cursor is its last offer; stopped on the
 * round cap with fewer, it resumes right after the last index entry read (`lastSortKey`).
 */
function pageOf(offers: Offer[], more: boolean, lastSortKey: unknown): OfferPage {
  const last = offers.at(-1);
  if (more && last) return { offers, next: { createdAt: last.createdAt, summaryId: last.summaryId } };
  const next = typeof lastSortKey === 'string' ? positionOf(lastSortKey) : undefined;
  return { offers, ...(next ? { next } : {}) };
}

function startKey(partnerId: string, after: OfferPosition, open: boolean): Item {
  const table = { PK: offerKeys.pk(after.summaryId), SK: offerKeys.sk() };
  return open
    ? { ...table, GSI2PK: offerKeys.gsi2pk(partnerId), GSI2SK: offerKeys.gsi2sk(after.createdAt, after.summaryId) }
    : { ...table, GSI1PK: offerKeys.gsi1pk(partnerId), GSI1SK: offerKeys.gsi1sk(after.createdAt, after.summaryId) };
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
    { Put: { Item: offerCountersToItem(offer) } },
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
   * One TransactWriteItems: the offer (new summary ID), its views and answer counters, the reference claim
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

  /** One strongly consistent GetItem of the offer item (counters not read: see offerFromItem). */
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
        UpdateExpression: `SET revisedBy = :revisedBy, deactivatedAt = if_not_exists(deactivatedAt, :at) ${OPEN_OFFER_KEYS_REMOVAL}`,
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

  /** The offer and its counters in one strongly consistent Query of the offer's partition. */
  async get(summaryId: string): Promise<Offer | undefined> {
    const { Items } = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(summaryId), ':prefix': offerKeys.skPrefix },
      ConsistentRead: true,
    });
    return offerFromPartition(Items);
  }

  /**
   * Newest first from GSI1, then the page's counters in one BatchGetItem (eventually consistent,
   * like the index). A status-filtered page reads at most MAX_FILTERED_ROUNDS query pages and may
   * come back short or empty with a cursor (see OfferPage). `status=active` reads GSI2 instead,
   * which holds open offers only (listOpen).
   */
  async listForPartner(
    partnerId: string,
    options: { limit: number; after?: OfferPosition; status?: OfferStatus; now: Date },
  ): Promise<OfferPage> {
    const { limit, after, status, now } = options;
    if (status === 'active') return this.listOpen(partnerId, { limit, now, ...(after ? { after } : {}) });
    // One more than asked tells whether another page exists without an empty last page.
    const want = limit + 1;
    const collected: Item[] = [];
    let start: Item | undefined = after ? startKey(partnerId, after, false) : undefined;
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

    const offers = await this.withViews(collected.slice(0, limit));
    return pageOf(offers, collected.length > limit, start?.GSI1SK);
  }

  /**
   * A partner's open offers from GSI2, newest first. The index holds their keys and expiry only
   * (a small entry per open offer: a create writes 1 unit to it, not the size of the offer), so the
   * page's offers and counters come from one BatchGetItem of the table. Expired offers whose timer
   * has not yet taken them out of the index are left out by the query's filter; an offer closed a
   * moment ago that the index still shows (it is eventually consistent) is left out once read.
   */
  private async listOpen(
    partnerId: string,
    options: { limit: number; after?: OfferPosition; now: Date },
  ): Promise<OfferPage> {
    const { limit, after, now } = options;
    const want = limit + 1;
    const collected: Offer[] = [];
    let start: Item | undefined = after ? startKey(partnerId, after, true) : undefined;
    let rounds = 0;
    do {
      const page = await this.table.query({
        IndexName: GSI2.indexName,
        KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
        FilterExpression: NOT_EXPIRED,
        ScanIndexForward: false,
        Limit: want - collected.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
        ExpressionAttributeValues: {
          ':pk': offerKeys.gsi2pk(partnerId),
          ':prefix': offerKeys.gsi1skPrefix,
          ':now': now.toISOString(),
        },
      });
      const offers = await this.withViews(page.Items, true);
      collected.push(...offers.filter((offer) => offerStatus(offer, now) === 'active'));
      start = page.LastEvaluatedKey;
      rounds++;
    } while (collected.length < want && start && rounds < MAX_FILTERED_ROUNDS);

    return pageOf(collected.slice(0, limit), collected.length > limit, start?.GSI2SK);
  }

  /**
   * Offer items with their views and answer counters, read in one BatchGetItem (none for an empty
   * page), in the order given. With `readOffers`, `items` are index keys only and the offer items
   * are read too; an offer gone meanwhile is left out.
   */
  private async withViews(items: Item[], readOffers = false): Promise<Offer[]> {
    if (items.length === 0) return [];
    const read = await this.table.batchGet({
      Keys: items.flatMap((item) => [
        ...(readOffers ? [{ PK: String(item.PK), SK: offerKeys.sk() }] : []),
        { PK: String(item.PK), SK: offerViewsKeys.sk() },
        { PK: String(item.PK), SK: offerCountersKeys.sk() },
      ]),
    });
    const byPk = Map.groupBy(read, (found) => String(found.PK));
    return items.flatMap((item) => {
      const partition = byPk.get(String(item.PK)) ?? [];
      const offer = offerFromPartition(readOffers ? partition : [item, ...partition]);
      return offer ? [offer] : [];
    });
  }

  async deactivate(partnerId: string, summaryId: string, at: string, message?: string): Promise<Offer | undefined> {
    const update = this.table.update({
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      // Deactivating again keeps the first time; a new message replaces the old one.
      UpdateExpression: `SET deactivatedAt = if_not_exists(deactivatedAt, :at)${message !== undefined ? ', deactivationMessage = :message' : ''} ${OPEN_OFFER_KEYS_REMOVAL}`,
      ConditionExpression: 'attribute_exists(PK) AND partnerId = :partnerId',
      ExpressionAttributeValues: {
        ':at': at,
        ':partnerId': partnerId,
        ...(message !== undefined ? { ':message': message } : {}),
      },
      ReturnValues: 'ALL_NEW',
    });
    // Read alongside, not after, the update: the answer reports the counters too. Their result is
    // thrown away unless the update proves the offer is the caller's.
    const counters = this.table.batchGet({
      Keys: [
        { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
        { PK: offerCountersKeys.pk(summaryId), SK: offerCountersKeys.sk() },
      ],
      ConsistentRead: true,
    });
    const [updated, read] = await Promise.allSettled([update, counters]);
    if (updated.status === 'rejected') {
      if (isConditionFailed(updated.reason)) return undefined;
      throw updated.reason;
    }
    if (read.status === 'rejected') throw read.reason;
    return updated.value ? offerFromPartition([updated.value, ...read.value]) : undefined;
  }
}
