import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { epochSeconds, type IdempotencyRecord } from '../domain/idempotency.ts';
import {
  DuplicateReferenceError,
  type Offer,
  type OfferCreationContext,
  type OfferPage,
  type OfferPosition,
  type OfferStatus,
  type OfferStore,
  type OfferWriteOutcome,
} from '../domain/offer.ts';
import { batchGetAll } from './batch-get.ts';
import type { TableRef } from './client.ts';
import { isConditionalCheckFailed, isTransactionCanceled } from './errors.ts';
import {
  getIdempotencyRecord,
  IDEMPOTENCY_FREE_CONDITION,
  idempotencyFromItem,
  idempotencyKeys,
  idempotencyToItem,
} from './idempotency.ts';
import {
  OFFER_STATUS_CONDITIONS,
  offerFromItem,
  offerKeys,
  offerReferenceToItem,
  offerToItem,
  offerViewsKeys,
  offerViewsToItem,
  viewsFromItem,
} from './offers.ts';
import { officeFromItem, officeKeys } from './offices.ts';
import { partnerFromItem, partnerKeys } from './partners.ts';
import { GSI1 } from './table.ts';

/**
 * The offer store on the AWS SDK's document client, for the partner-facing functions. The item
 * layout (keys, toItem/fromItem) is in offers.ts, which imports no SDK: the customer page reads
 * offers through it without this module.
 */

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

function startKey(partnerId: string, after: OfferPosition): Record<string, string> {
  return {
    PK: offerKeys.pk(after.summaryId),
    SK: offerKeys.sk(),
    GSI1PK: offerKeys.gsi1pk(partnerId),
    GSI1SK: offerKeys.gsi1sk(after.createdAt, after.summaryId),
  };
}

export class DynamoOfferStore implements OfferStore {
  constructor(private readonly table: TableRef) {}

  /** Partner, office and idempotency record in one BatchGetItem (strongly consistent). */
  async loadCreationContext(
    partnerId: string,
    officeId: string,
    idempotencyKey?: string,
  ): Promise<OfferCreationContext> {
    const items = await batchGetAll(
      this.table,
      [
        { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() },
        { PK: officeKeys.pk(partnerId), SK: officeKeys.sk(officeId) },
        ...(idempotencyKey !== undefined
          ? [{ PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(idempotencyKey) }]
          : []),
      ],
      { consistentRead: true },
    );
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
    type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
    const items: TransactItem[] = [
      {
        Put: { TableName: this.table.name, Item: offerToItem(offer), ConditionExpression: 'attribute_not_exists(PK)' },
      },
      {
        // Same partition as the offer, whose condition already guards a fresh summary ID.
        Put: { TableName: this.table.name, Item: offerViewsToItem(offer.summaryId, offer.views) },
      },
    ];
    const referenceIndex = offer.reference !== undefined ? items.length : -1;
    if (offer.reference !== undefined) {
      items.push({
        Put: {
          TableName: this.table.name,
          Item: offerReferenceToItem({ ...offer, reference: offer.reference }),
          ConditionExpression: 'attribute_not_exists(PK)',
          // The claim names the offer holding the reference: the 409 hands it to the partner.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      });
    }
    const idempotencyIndex = idempotency ? items.length : -1;
    if (idempotency) {
      items.push({
        Put: {
          TableName: this.table.name,
          Item: idempotencyToItem(idempotency),
          ConditionExpression: IDEMPOTENCY_FREE_CONDITION,
          ExpressionAttributeValues: { ':nowEpoch': epochSeconds(new Date(offer.createdAt)) },
        },
      });
    }
    try {
      await this.table.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const codes = reasons.map((reason) => reason.Code ?? 'None');
      // The idempotency key wins over the rest: a replay must not be reported as a duplicate reference.
      if (codes[idempotencyIndex] === 'ConditionalCheckFailed') return { ok: false, reason: 'idempotency-key-taken' };
      if (codes[referenceIndex] === 'ConditionalCheckFailed' && offer.reference !== undefined) {
        const claim = reasons[referenceIndex]?.Item;
        const holder = claim ? unmarshall(claim).summaryId : undefined;
        throw new DuplicateReferenceError(offer.reference, typeof holder === 'string' ? holder : undefined);
      }
      if (codes[0] === 'ConditionalCheckFailed') return { ok: false, reason: 'summary-id-taken' };
      if (codes.includes('TransactionConflict')) return { ok: false, reason: 'contention' };
      throw error;
    }
  }

  getIdempotencyRecord(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return getIdempotencyRecord(this.table, partnerId, key);
  }

  /** The offer and its views counter in one strongly consistent Query of the offer's partition. */
  async get(summaryId: string): Promise<Offer | undefined> {
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': offerKeys.pk(summaryId), ':prefix': offerKeys.skPrefix },
        ConsistentRead: true,
      }),
    );
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
    const collected: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined = after ? startKey(partnerId, after) : undefined;
    let rounds = 0;
    do {
      const input: QueryCommandInput = {
        TableName: this.table.name,
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':pk': offerKeys.gsi1pk(partnerId), ':prefix': offerKeys.gsi1skPrefix },
        ScanIndexForward: false,
        Limit: status ? FILTERED_PAGE_SIZE : want - collected.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      if (status) {
        input.FilterExpression = OFFER_STATUS_CONDITIONS[status];
        if (status !== 'deactivated') {
          input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':now': now.toISOString() };
        }
      }
      const { Items = [], LastEvaluatedKey } = await this.table.client.send(new QueryCommand(input));
      collected.push(...Items);
      start = LastEvaluatedKey;
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
  private async withViews(items: Record<string, unknown>[]): Promise<Offer[]> {
    if (items.length === 0) return [];
    const counters = await batchGetAll(
      this.table,
      items.map((item) => ({ PK: String(item.PK), SK: offerViewsKeys.sk() })),
    );
    const viewsByPk = new Map(counters.map((counter) => [counter.PK, viewsFromItem(counter)]));
    return items.map((item) => offerFromItem(item, viewsByPk.get(item.PK) ?? 0));
  }

  async deactivate(partnerId: string, summaryId: string, at: string, message?: string): Promise<Offer | undefined> {
    const update = this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
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
      }),
    );
    // Read alongside, not after, the update: the answer reports the views too. Its result is thrown
    // away unless the update proves the offer is the caller's.
    const counter = this.table.client.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
        ConsistentRead: true,
      }),
    );
    const [updated, views] = await Promise.allSettled([update, counter]);
    if (updated.status === 'rejected') {
      if (isConditionalCheckFailed(updated.reason)) return undefined;
      throw updated.reason;
    }
    if (views.status === 'rejected') throw views.reason;
    const { Attributes } = updated.value;
    return Attributes ? offerFromItem(Attributes, viewsFromItem(views.value.Item)) : undefined;
  }
}
