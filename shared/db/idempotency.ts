import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord } from '../domain/idempotency.ts';
import type { TableRef } from './client.ts';
import { partnerKeys } from './partners.ts';
import { TTL_ATTRIBUTE } from './table.ts';

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

export function idempotencyFromItem(item: Record<string, unknown>): IdempotencyRecord {
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
  table: TableRef,
  partnerId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(key) },
      ConsistentRead: true,
    }),
  );
  return Item ? idempotencyFromItem(Item) : undefined;
}
