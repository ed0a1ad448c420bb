import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors.ts';
import type { IdempotencyRecord } from '../domain/idempotency.ts';
import type {
  Offer,
  OfferCreationContext,
  OfferPage,
  OfferPosition,
  OfferStatus,
  OfferStore,
  OfferWriteOutcome,
} from '../domain/offer.ts';
import type { TableRef } from './client.ts';
import { isConditionalCheckFailed, isTransactionCanceled } from './errors.ts';
import {
  getIdempotencyRecord,
  IDEMPOTENCY_FREE_CONDITION,
  idempotencyFromItem,
  idempotencyKeys,
  idempotencyToItem,
} from './idempotency.ts';
import { officeFromItem, officeKeys } from './offices.ts';
import { partnerFromItem, partnerKeys } from './partners.ts';
import { GSI1 } from './table.ts';

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

/** A partner reference is claimed by its own item, so uniqueness holds under concurrency. */
export const offerReferenceKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (reference: string) => `OFFERREF#${reference}`,
};

/** Status filters evaluated by DynamoDB, mirroring offerStatus() (ISO-8601 UTC strings compare as text). */
const NOT_DEACTIVATED = 'attribute_not_exists(deactivatedAt)';
const NOT_EXPIRED = '(attribute_not_exists(expiresAt) OR expiresAt > :now)';
const STATUS_FILTERS: Record<OfferStatus, string> = {
  deactivated: 'attribute_exists(deactivatedAt)',
  expired: `${NOT_DEACTIVATED} AND expiresAt <= :now`,
  exhausted: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND acceptances >= maxAcceptances`,
  active: `${NOT_DEACTIVATED} AND ${NOT_EXPIRED} AND (attribute_not_exists(maxAcceptances) OR acceptances < maxAcceptances)`,
};
/** A filtered page reads at most this many query pages before handing back a cursor. */
const MAX_FILTERED_ROUNDS = 10;
const FILTERED_PAGE_SIZE = 100;

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
    let keys: Record<string, string>[] = [
      { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() },
      { PK: officeKeys.pk(partnerId), SK: officeKeys.sk(officeId) },
      ...(idempotencyKey !== undefined
        ? [{ PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(idempotencyKey) }]
        : []),
    ];
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
      const { Responses, UnprocessedKeys } = await this.table.client.send(
        new BatchGetCommand({ RequestItems: { [this.table.name]: { Keys: keys, ConsistentRead: true } } }),
      );
      items.push(...(Responses?.[this.table.name] ?? []));
      keys = (UnprocessedKeys?.[this.table.name]?.Keys as Record<string, string>[] | undefined) ?? [];
    }
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
   * One TransactWriteItems: the offer (new summary ID), the reference claim (new reference) and
   * the idempotency record (key free or expired). Exactly one of concurrent duplicates commits.
   */
  async create(offer: Offer, idempotency?: IdempotencyRecord): Promise<OfferWriteOutcome> {
    type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
    const items: TransactItem[] = [
      {
        Put: { TableName: this.table.name, Item: offerToItem(offer), ConditionExpression: 'attribute_not_exists(PK)' },
      },
    ];
    const referenceIndex = offer.reference !== undefined ? items.length : -1;
    if (offer.reference !== undefined) {
      items.push({
        Put: {
          TableName: this.table.name,
          Item: {
            PK: offerReferenceKeys.pk(offer.partnerId),
            SK: offerReferenceKeys.sk(offer.reference),
            entity: 'offerReference',
            summaryId: offer.summaryId,
            createdAt: offer.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
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
          ExpressionAttributeValues: { ':nowEpoch': Math.floor(Date.parse(offer.createdAt) / 1000) },
        },
      });
    }
    try {
      await this.table.client.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
      // The idempotency key wins over the rest: a replay must not be reported as a duplicate reference.
      if (codes[idempotencyIndex] === 'ConditionalCheckFailed') return { ok: false, reason: 'idempotency-key-taken' };
      if (codes[referenceIndex] === 'ConditionalCheckFailed' && offer.reference !== undefined) {
        throw new ConflictError(
          'duplicate-reference',
          'Duplicate offer reference',
          `You already have an offer with reference "${offer.reference}". References are unique per partner: use another one, or look the existing offer up in GET /v1/offers.`,
          [{ field: 'body.reference', rule: 'unique', message: 'is already used by another of your offers' }],
        );
      }
      if (codes[0] === 'ConditionalCheckFailed') return { ok: false, reason: 'summary-id-taken' };
      if (codes.includes('TransactionConflict')) return { ok: false, reason: 'contention' };
      throw error;
    }
  }

  getIdempotencyRecord(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return getIdempotencyRecord(this.table, partnerId, key);
  }

  async get(summaryId: string): Promise<Offer | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
        ConsistentRead: true,
      }),
    );
    return Item ? offerFromItem(Item) : undefined;
  }

  async listForPartner(
    partnerId: string,
    options: { limit: number; after?: OfferPosition; status?: OfferStatus; now: Date },
  ): Promise<OfferPage> {
    const { limit, after, status, now } = options;
    // One more than asked tells whether another page exists without an empty last page.
    const want = limit + 1;
    const collected: Offer[] = [];
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
        input.FilterExpression = STATUS_FILTERS[status];
        if (status !== 'deactivated') {
          input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':now': now.toISOString() };
        }
      }
      const { Items = [], LastEvaluatedKey } = await this.table.client.send(new QueryCommand(input));
      collected.push(...Items.map(offerFromItem));
      start = LastEvaluatedKey;
      rounds++;
    } while (collected.length < want && start && rounds < MAX_FILTERED_ROUNDS);

    if (collected.length > limit) {
      const offers = collected.slice(0, limit);
      const last = offers[offers.length - 1] as Offer;
      return { offers, next: { createdAt: last.createdAt, summaryId: last.summaryId } };
    }
    // Stopped on the round cap with nothing more to fill: hand back where the scan stopped.
    const next = start && typeof start.GSI1SK === 'string' ? positionOf(start.GSI1SK) : undefined;
    return { offers: collected, ...(next ? { next } : {}) };
  }

  async deactivate(partnerId: string, summaryId: string, at: string, message?: string): Promise<Offer | undefined> {
    try {
      const { Attributes } = await this.table.client.send(
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
      return Attributes ? offerFromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}
