import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { Partner, PartnerStore } from '../domain/partner.ts';
import type { TableRef } from './client.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { partnerFromItem, partnerKeys, partnerToItem } from './partners.ts';

/** On the AWS SDK's document client; the item layout is in partners.ts, which imports no SDK. */
export class DynamoPartnerStore implements PartnerStore {
  constructor(private readonly table: TableRef) {}

  async create(partner: Partner): Promise<void> {
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: partnerToItem(partner),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new ConflictError('partner-exists', 'Partner exists', `Partner ${partner.partnerId} already exists.`);
      }
      throw error;
    }
  }

  async get(partnerId: string): Promise<Partner | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({ TableName: this.table.name, Key: { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() } }),
    );
    return Item ? partnerFromItem(Item) : undefined;
  }

  async setCustomerCount(partnerId: string, customerCount: number, at: string): Promise<Partner> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() },
          UpdateExpression: 'SET customerCount = :count, updatedAt = :at',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':count': customerCount, ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return partnerFromItem(Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new NotFoundError('partner-not-found', 'Partner not found', `No partner ${partnerId}.`);
      }
      throw error;
    }
  }
}
