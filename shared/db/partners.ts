import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { Partner, PartnerStore } from '../domain/partner.ts';
import { type Item, isConditionFailed, type Table } from './port.ts';

/**
 * A partner's profile is the item `PROFILE` of its partition `PARTNER#<partnerId>`, which also
 * holds its idempotency records and offer reference claims (shared/db/idempotency.ts) and is the
 * GSI1 partition listing its offers and API keys.
 */
export const partnerKeys = {
  pk: (partnerId: string) => `PARTNER#${partnerId}`,
  sk: () => 'PROFILE',
};

type PartnerItem = Partner & { PK: string; SK: string; entity: 'partner' };

export function partnerToItem(partner: Partner): PartnerItem {
  return { PK: partnerKeys.pk(partner.partnerId), SK: partnerKeys.sk(), entity: 'partner', ...partner };
}

export function partnerFromItem(item: Item): Partner {
  const { PK: _pk, SK: _sk, entity: _entity, ...partner } = item as unknown as PartnerItem;
  return partner;
}

export class DynamoPartnerStore implements PartnerStore {
  constructor(private readonly table: Table) {}

  /** @throws ConflictError `partner-exists` when the partner id is taken. */
  async create(partner: Partner): Promise<void> {
    try {
      await this.table.put({ Item: partnerToItem(partner), ConditionExpression: 'attribute_not_exists(PK)' });
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new ConflictError('partner-exists', 'Partner exists', `Partner ${partner.partnerId} already exists.`);
      }
      throw error;
    }
  }

  async get(partnerId: string): Promise<Partner | undefined> {
    const item = await this.table.get({ Key: { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() } });
    return item ? partnerFromItem(item) : undefined;
  }

  /** @throws NotFoundError `partner-not-found` when there is no such partner. */
  async setCustomerCount(partnerId: string, customerCount: number, at: string): Promise<Partner> {
    try {
      const updated = await this.table.update({
        Key: { PK: partnerKeys.pk(partnerId), SK: partnerKeys.sk() },
        UpdateExpression: 'SET customerCount = :count, updatedAt = :at',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':count': customerCount, ':at': at },
        ReturnValues: 'ALL_NEW',
      });
      return partnerFromItem(updated ?? {});
    } catch (error) {
      if (isConditionFailed(error)) {
        throw new NotFoundError('partner-not-found', 'Partner not found', `No partner ${partnerId}.`);
      }
      throw error;
    }
  }
}
