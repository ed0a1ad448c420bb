import { GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Office, OfficeReader } from '../domain/office.ts';
import type { TableRef } from './client.ts';
import { partnerKeys } from './partners.ts';

/** Offices live in the partner's partition, so "all offices of a partner" is one Query. */
export const officeKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (officeId: string) => `OFFICE#${officeId}`,
  skPrefix: 'OFFICE#',
};

type OfficeItem = Office & { PK: string; SK: string; entity: 'office' };

export function officeToItem(office: Office): OfficeItem {
  return { PK: officeKeys.pk(office.partnerId), SK: officeKeys.sk(office.officeId), entity: 'office', ...office };
}

export function officeFromItem(item: Record<string, unknown>): Office {
  const { PK: _pk, SK: _sk, entity: _entity, ...office } = item as unknown as OfficeItem;
  return office;
}

export class DynamoOfficeReader implements OfficeReader {
  constructor(protected readonly table: TableRef) {}

  async get(partnerId: string, officeId: string): Promise<Office | undefined> {
    const { Item } = await this.table.client.send(
      new GetCommand({
        TableName: this.table.name,
        Key: { PK: officeKeys.pk(partnerId), SK: officeKeys.sk(officeId) },
      }),
    );
    return Item ? officeFromItem(Item) : undefined;
  }

  async listForPartner(partnerId: string): Promise<Office[]> {
    const offices: Office[] = [];
    const pages = paginateQuery(
      { client: this.table.client },
      {
        TableName: this.table.name,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': officeKeys.pk(partnerId), ':prefix': officeKeys.skPrefix },
      },
    );
    for await (const page of pages) offices.push(...(page.Items ?? []).map(officeFromItem));
    return offices;
  }
}
