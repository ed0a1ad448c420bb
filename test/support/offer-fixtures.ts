import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { countViews, pendingViewRecords } from '../../shared/db/offer-views.ts';
import { offerItems, offerKeys, offerViewsKeys, viewsFromItem } from '../../shared/db/offers.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { table } from './local-api.ts';
import { offerFixture } from './offer.ts';

export { offerFixture };

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

/**
 * An offer item as stored before the answer counters moved to their own item: the counters on the
 * offer item, no counters item, no open-offers index keys, no `exhaustedAt`.
 */
export async function putLegacyOffer(offer: Offer): Promise<void> {
  const { views: _views, ...stored } = offer;
  await table.client.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        PK: offerKeys.pk(offer.summaryId),
        SK: offerKeys.sk(),
        GSI1PK: offerKeys.gsi1pk(offer.partnerId),
        GSI1SK: offerKeys.gsi1sk(offer.createdAt, offer.summaryId),
        entity: 'offer',
        ...stored,
      },
    }),
  );
}

/** A customer's acceptance of every line of the offer, under the given submission ID. */
export function acceptanceOf(offer: Offer, submissionId: string): Acceptance {
  return {
    summaryId: offer.summaryId,
    submissionId,
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    email: 'rita@tailwind.example',
    items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
    delegatedAdmin: false,
    acceptedAt: new Date().toISOString(),
  };
}

/**
 * The offer's view count once every view recorded so far is counted: the offer's pending view
 * records are first added to its counter by the views function's own code (countViews), as the
 * table stream would a few seconds later; then the counter item is read (0 when there is none).
 */
export async function viewsOf(summaryId: string): Promise<number> {
  await countViews(table, await pendingViewRecords(table, summaryId), new Date());
  return countedViewsOf(summaryId);
}

/** The offer's counter as stored now, without counting pending view records first. */
export async function countedViewsOf(summaryId: string): Promise<number> {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return viewsFromItem(Item);
}
