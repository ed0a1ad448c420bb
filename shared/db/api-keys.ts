import type { ApiKeyRecord, ApiKeyStore } from '../domain/api-key.ts';
import type { DocumentTableRef } from './document-db.ts';

export const apiKeyKeys = {
  pk: (keyHash: string) => `APIKEY#${keyHash}`,
  sk: () => 'APIKEY',
  /** Keys are listed per partner through GSI1, next to (not mixed with) the partner's offers. */
  gsi1pk: (partnerId: string) => `PARTNER#${partnerId}`,
  gsi1sk: (keyId: string) => `APIKEY#${keyId}`,
};

type ApiKeyItem = ApiKeyRecord & { PK: string; SK: string; GSI1PK: string; GSI1SK: string; entity: 'apiKey' };

export function apiKeyToItem(record: ApiKeyRecord): ApiKeyItem {
  return {
    PK: apiKeyKeys.pk(record.keyHash),
    SK: apiKeyKeys.sk(),
    GSI1PK: apiKeyKeys.gsi1pk(record.partnerId),
    GSI1SK: apiKeyKeys.gsi1sk(record.keyId),
    entity: 'apiKey',
    ...record,
  };
}

export function apiKeyFromItem(item: Record<string, unknown>): ApiKeyRecord {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...record } = item as unknown as ApiKeyItem;
  return record;
}

/**
 * The authorizer's one read, through the DocumentDb port: on AWS it is DynamoDbLite, so the
 * authorizer (on every partner request's path) carries no AWS SDK. The SDK store for the ops CLI is
 * DynamoApiKeyStore in api-key-store.ts.
 */
export class ApiKeyLookup implements Pick<ApiKeyStore, 'getByHash'> {
  constructor(private readonly table: DocumentTableRef) {}

  async getByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.table.db.getItem({
      TableName: this.table.name,
      Key: { PK: apiKeyKeys.pk(keyHash), SK: apiKeyKeys.sk() },
    });
    return Item ? apiKeyFromItem(Item) : undefined;
  }
}
