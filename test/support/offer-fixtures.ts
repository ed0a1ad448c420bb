import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { offerItems, offerViewsKeys, viewsFromItem } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { generateSummaryId } from '../../shared/domain/summary-id.ts';
import { table } from './local-api.ts';

/** An offer as the create transaction would have made it (no items written). */
export function offerFixture(overrides: Partial<Offer> = {}): Offer {
  return {
    summaryId: generateSummaryId(),
    partnerId: 'p-fixture',
    officeId: 'office-1',
    officeName: 'São Paulo HQ',
    usageLocation: 'BR',
    items: [
      { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
      { sku: 'TEAMS_ESSENTIALS', licenses: 3 },
    ],
    delegatedAdmin: true,
    locale: 'en',
    customization: { intro: 'Hello from your advisor.' },
    partner: {
      name: 'Fabrikam Partners',
      advisorCode: '4400001',
      contact: { name: 'Pat Doe', email: 'pat@fabrikam.example', phone: '+55 11 4000-0000' },
    },
    createdAt: new Date().toISOString(),
    views: 0,
    acceptances: 0,
    declines: 0,
    ...overrides,
  };
}

/**
 * An offer written straight to the table, for tests of what customers do with one: the offer item
 * and its views counter, exactly the items the create transaction writes.
 */
export async function seedOffer(overrides: Partial<Offer> = {}): Promise<Offer> {
  const offer = offerFixture(overrides);
  await Promise.all(
    offerItems(offer).map((Item) => table.client.send(new PutCommand({ TableName: table.name, Item }))),
  );
  return offer;
}

/** The offer's stored view count, read from its counter item (0 when there is none). */
export async function viewsOf(summaryId: string): Promise<number> {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return viewsFromItem(Item);
}
