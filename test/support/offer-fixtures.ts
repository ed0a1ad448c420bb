import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { countViews, pendingViewRecords } from '../../shared/db/offer-views.ts';
import { offerItems, offerViewsKeys, viewsFromItem } from '../../shared/db/offers.ts';
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
