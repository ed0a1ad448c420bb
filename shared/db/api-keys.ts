import type { ApiKeyRecord, ApiKeyStore } from '../domain/api-key.ts';
import { NotFoundError } from '../domain/errors.ts';
import { partnerKeys } from './partners.ts';
import { type Item, queryAll, type Table } from './port.ts';
import { GSI1 } from './table.ts';

/**
 * An API key is stored under the SHA-256 of the key (`APIKEY#<hash>`), so the authorizer finds it
 * by one GetItem of what the caller sent and the key itself is never stored.
 */
export const apiKeyKeys = {
  pk: (keyHash: string) => `APIKEY#${keyHash}`,
  sk: () => 'APIKEY',
  /** Keys are listed per partner through GSI1, next to (not mixed with) the partner's offers. */
  gsi1pk: (partnerId: string) => partnerKeys.pk(partnerId),
  gsi1sk: (keyId: string) => `APIKEY#${keyId}`,
  gsi1skPrefix: 'APIKEY#',
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

export function apiKeyFromItem(item: Item): ApiKeyRecord {
  const { PK: _pk, SK: _sk, GSI1PK: _g1pk, GSI1SK: _g1sk, entity: _entity, ...record } = item as unknown as ApiKeyItem;
  return record;
}

/**
 * The authorizer reads keys through this store on DynamoDbLite (no AWS SDK on every partner
 * request's path); the ops CLI issues, lists and revokes them on the SDK adapter.
 */
export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(private readonly table: Table) {}

  async put(record: ApiKeyRecord): Promise<void> {
    // A hash collision of 256-bit random keys is not a real case; the condition guards against bugs.
    await this.table.put({ Item: apiKeyToItem(record), ConditionExpression: 'attribute_not_exists(PK)' });
  }

  async getByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const item = await this.table.get({ Key: { PK: apiKeyKeys.pk(keyHash), SK: apiKeyKeys.sk() } });
    return item ? apiKeyFromItem(item) : undefined;
  }

  async listForPartner(partnerId: string): Promise<ApiKeyRecord[]> {
    const items = await queryAll(this.table, {
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':pk': apiKeyKeys.gsi1pk(partnerId), ':prefix': apiKeyKeys.gsi1skPrefix },
    });
    return items.map(apiKeyFromItem);
  }

  /** @throws NotFoundError `api-key-not-found` when the partner has no such key. */
  async revoke(partnerId: string, keyId: string, at: string): Promise<ApiKeyRecord> {
    const record = (await this.listForPartner(partnerId)).find((key) => key.keyId === keyId);
    if (!record)
      throw new NotFoundError('api-key-not-found', 'API key not found', `Partner ${partnerId} has no key ${keyId}.`);
    const updated = await this.table.update({
      Key: { PK: apiKeyKeys.pk(record.keyHash), SK: apiKeyKeys.sk() },
      // Revoking twice keeps the first revocation time.
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
      ExpressionAttributeValues: { ':at': at },
      ReturnValues: 'ALL_NEW',
    });
    return apiKeyFromItem(updated ?? {});
  }
}
