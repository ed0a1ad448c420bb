import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../domain/api-key.ts';
import { NotFoundError } from '../domain/errors.ts';
import { apiKeyFromItem, apiKeyKeys, apiKeyToItem } from './api-keys.ts';
import type { TableRef } from './client.ts';
import { GSI1 } from './table.ts';

export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(private readonly table: TableRef) {}

  async put(record: ApiKeyRecord): Promise<void> {
    // A hash collision of 256-bit random keys is not a real case; the condition guards against bugs.
    await this.table.client.send(
      new PutCommand({
        TableName: this.table.name,
        Item: apiKeyToItem(record),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  }

  async getByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: { PK: apiKeyKeys.pk(keyHash), SK: apiKeyKeys.sk() } }),
    );
    return Item ? apiKeyFromItem(Item) : undefined;
  }

  async listForPartner(partnerId: string): Promise<ApiKeyRecord[]> {
    const { Items = [] } = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: GSI1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':pk': apiKeyKeys.gsi1pk(partnerId), ':prefix': 'APIKEY#' },
      }),
    );
    return Items.map(apiKeyFromItem);
  }

  async revoke(partnerId: string, keyId: string, at: string): Promise<ApiKeyRecord> {
    const record = (await this.listForPartner(partnerId)).find((key) => key.keyId === keyId);
    if (!record)
      throw new NotFoundError('api-key-not-found', 'API key not found', `Partner ${partnerId} has no key ${keyId}.`);
    const { Attributes } = await this.table.client.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: { PK: apiKeyKeys.pk(record.keyHash), SK: apiKeyKeys.sk() },
        // Revoking twice keeps the first revocation time.
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return apiKeyFromItem(Attributes ?? {});
  }
}
