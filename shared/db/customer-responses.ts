import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Acceptance,
  AcceptancePage,
  CustomerResponseStore,
  Decline,
  RecordOutcome,
} from '../domain/acceptance.ts';
import type { Offer } from '../domain/offer.ts';
import type { TableRef } from './client.ts';
import { isConditionalCheckFailed, isTransactionCanceled } from './errors.ts';
import { offerFromItem, offerKeys } from './offers.ts';

/**
 * Acceptances and declines live in their offer's partition, keyed by the form submission id: a
 * replayed submission hits `attribute_not_exists` on the same key and records nothing twice.
 */
export const customerResponseKeys = {
  acceptanceSk: (submissionId: string) => `ACCEPT#${submissionId}`,
  declineSk: (submissionId: string) => `DECLINE#${submissionId}`,
  acceptancePrefix: 'ACCEPT#',
};

type AcceptanceItem = Acceptance & { PK: string; SK: string; entity: 'acceptance' };
type DeclineItem = Decline & { PK: string; SK: string; entity: 'decline' };

export function acceptanceToItem(acceptance: Acceptance): AcceptanceItem {
  return {
    PK: offerKeys.pk(acceptance.summaryId),
    SK: customerResponseKeys.acceptanceSk(acceptance.submissionId),
    entity: 'acceptance',
    ...acceptance,
  };
}

export function acceptanceFromItem(item: Record<string, unknown>): Acceptance {
  const { PK: _pk, SK: _sk, entity: _entity, ...acceptance } = item as unknown as AcceptanceItem;
  return acceptance;
}

export function declineToItem(decline: Decline): DeclineItem {
  return {
    PK: offerKeys.pk(decline.summaryId),
    SK: customerResponseKeys.declineSk(decline.submissionId),
    entity: 'decline',
    ...decline,
  };
}

function declineFromItem(item: Record<string, unknown>): Decline {
  const { PK: _pk, SK: _sk, entity: _entity, ...decline } = item as unknown as DeclineItem;
  return decline;
}

/**
 * The offer accepts responses while it is active: the same rule as offerStatus(), written as a
 * condition so that it is enforced atomically with the counter (ISO-8601 UTC strings compare in
 * time order). `acceptances < maxAcceptances` makes the last acceptance race-free.
 */
const OFFER_IS_ACTIVE =
  'attribute_exists(PK) AND attribute_not_exists(deactivatedAt)' +
  ' AND (attribute_not_exists(expiresAt) OR expiresAt > :now)' +
  ' AND (attribute_not_exists(maxAcceptances) OR acceptances < maxAcceptances)';

const MAX_CONFLICT_ATTEMPTS = 10;

export class DynamoCustomerResponseStore implements CustomerResponseStore {
  constructor(private readonly table: TableRef) {}

  async viewOffer(summaryId: string, countView: boolean): Promise<Offer | undefined> {
    const Key = { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() };
    if (!countView) {
      const { Item } = await this.table.client.send(new GetCommand({ TableName: this.table.name, Key }));
      return Item ? offerFromItem(Item) : undefined;
    }
    // Counting and reading in one UpdateItem: a view costs one request, and no extra round trip.
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key,
          UpdateExpression: 'ADD #views :one',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: { '#views': 'views' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? offerFromItem(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  accept(acceptance: Acceptance, now: Date): Promise<RecordOutcome<Acceptance>> {
    return this.record(acceptance, 'acceptances', acceptanceToItem(acceptance), acceptanceFromItem, now);
  }

  decline(decline: Decline, now: Date): Promise<RecordOutcome<Decline>> {
    return this.record(decline, 'declines', declineToItem(decline), declineFromItem, now);
  }

  /**
   * Concurrent transactions on one offer item cancel each other with TransactionConflict; the SDK
   * does not retry those, so retry here with jittered backoff (a popular offer's burst of accepts).
   */
  private async record<T extends Acceptance | Decline>(
    record: T,
    counter: 'acceptances' | 'declines',
    item: AcceptanceItem | DeclineItem,
    fromItem: (item: Record<string, unknown>) => T,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordOnce(record, counter, item, fromItem, now);
      } catch (error) {
        const conflict =
          isTransactionCanceled(error) &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  }

  private async recordOnce<T extends Acceptance | Decline>(
    record: T,
    counter: 'acceptances' | 'declines',
    item: AcceptanceItem | DeclineItem,
    fromItem: (item: Record<string, unknown>) => T,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    try {
      await this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.name,
                Key: { PK: offerKeys.pk(record.summaryId), SK: offerKeys.sk() },
                UpdateExpression: 'ADD #counter :one',
                ConditionExpression: OFFER_IS_ACTIVE,
                ExpressionAttributeNames: { '#counter': counter },
                ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: this.table.name,
                Item: item,
                ConditionExpression: 'attribute_not_exists(PK)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      );
      return { kind: 'recorded', record };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      // The reasons come back in request order, with the failed items' old values (marshalled).
      const [offerReason, recordReason] = error.CancellationReasons ?? [];
      if (recordReason?.Code === 'ConditionalCheckFailed' && recordReason.Item) {
        return { kind: 'replayed', record: fromItem(unmarshall(recordReason.Item)) };
      }
      if (offerReason?.Code === 'ConditionalCheckFailed') {
        return offerReason.Item
          ? { kind: 'not-active', offer: offerFromItem(unmarshall(offerReason.Item)) }
          : { kind: 'not-found' };
      }
      // Anything else (throttling, a conflicting concurrent transaction) is for the caller to retry.
      throw error;
    }
  }

  async listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage> {
    const pk = offerKeys.pk(summaryId);
    const { Items = [], LastEvaluatedKey } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': customerResponseKeys.acceptancePrefix },
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: { PK: pk, SK: customerResponseKeys.acceptanceSk(page.after) } } : {}),
      }),
    );
    const acceptances = Items.map(acceptanceFromItem);
    const last = acceptances.at(-1);
    return LastEvaluatedKey && last ? { acceptances, next: last.submissionId } : { acceptances };
  }
}
