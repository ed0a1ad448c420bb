import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pendingViewRecords } from '../../shared/db/offer-views.ts';
import { offerCountersKeys, offerKeys, offerToItem } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { bearer, bodyOf, newPartner, startLocalApi, table } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';

/**
 * A view is recorded as a view record and counted on the offer's own counter item later (see
 * shared/db/offer-views.ts), apart from the offer item that accept and decline transactions update;
 * viewsOf counts the pending records first, as the views function would from the stream.
 */
const BOT = { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' };

let api: Awaited<ReturnType<typeof startLocalApi>>;
let customer: ReturnType<typeof customerAt>;
beforeAll(async () => {
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
});
afterAll(() => api.close());

const view = (code: string, headers?: Record<string, string>) => customer.view({ summaryId: code }, headers);
const openForm = (offer: Offer) => customer.openForm(offer);
const accept = (offer: Offer, submission: string) => customer.post(offer, 'accept', acceptFields(submission));

/** Every item stored under an offer's partition key. */
async function partitionOf(summaryId: string) {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(summaryId) },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('counting customer page views', () => {
  it('counts a person’s view on the counter item, leaving the offer item untouched', async () => {
    const offer = await seedOffer();

    const response = await view(offer.summaryId);

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(1);
    const offerItem = (await partitionOf(offer.summaryId)).find((item) => item.SK === offerKeys.sk());
    expect(offerItem).toEqual(offerToItem(offer));
  });

  it('does not count a link previewer’s view', async () => {
    const offer = await seedOffer();

    const response = await view(offer.summaryId, BOT);

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it.each([
    ['an unknown code', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ'],
    ['a malformed code', 'not-a-code'],
  ])('writes no item and records no view for %s', async (_label, code) => {
    const response = await view(code);

    expect(response.status).toBe(404);
    expect(await partitionOf('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ')).toEqual([]);
    expect(await pendingViewRecords(table, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ')).toEqual([]);
  });

  it('serves every view and records every acceptance while both hit the same offer at once', async () => {
    // Arrange: 30 customers have the form open (30 views).
    const offer = await seedOffer();
    const submissions = await Promise.all(Array.from({ length: 30 }, () => openForm(offer)));

    // Act: they all accept while 60 more people open the link.
    const [accepts, views] = await Promise.all([
      Promise.all(submissions.map((submission) => accept(offer, submission))),
      Promise.all(Array.from({ length: 60 }, () => view(offer.summaryId))),
    ]);

    // Assert
    expect(accepts.map((r) => r.status)).toEqual(Array(30).fill(303));
    expect(views.map((r) => r.status)).toEqual(Array(60).fill(200));
    expect(await viewsOf(offer.summaryId)).toBe(90);
    const counters = (await partitionOf(offer.summaryId)).find((item) => item.SK === offerCountersKeys.sk());
    expect(counters?.acceptances).toBe(30);
  }, 60_000);
});

describe('views in the partner API', () => {
  it('reports views with acceptances and declines in GET /v1/offers/{summaryId} and in the list', async () => {
    // Arrange: three views by people, one by a link previewer, one acceptance.
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    const submission = await openForm(offer);
    await view(offer.summaryId);
    await view(offer.summaryId);
    await view(offer.summaryId, BOT);
    expect((await accept(offer, submission)).status).toBe(303);
    // Another offer of the same partner, never viewed.
    const unseen = await seedOffer({ partnerId: partner.partnerId, createdAt: '2025-01-01T00:00:00.000Z' });
    // The views are counted (as the views function does from the stream, a few seconds later).
    expect(await viewsOf(offer.summaryId)).toBe(3);

    // Act
    const single = await bodyOf(await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}`, { headers: bearer(key) }));
    const list = await bodyOf(await fetch(`${api.baseUrl}/v1/offers`, { headers: bearer(key) }));

    // Assert
    expect(single.counters).toEqual({ views: 3, acceptances: 1, declines: 0 });
    expect(list.offers.map((o: { summaryId: string; counters: unknown }) => [o.summaryId, o.counters])).toEqual([
      [offer.summaryId, { views: 3, acceptances: 1, declines: 0 }],
      [unseen.summaryId, { views: 0, acceptances: 0, declines: 0 }],
    ]);
  });

  it('reports views in the answer to a deactivation', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    await view(offer.summaryId);
    expect(await viewsOf(offer.summaryId)).toBe(1);

    const response = await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/deactivate`, {
      method: 'POST',
      headers: bearer(key),
    });

    expect(response.status).toBe(200);
    expect((await bodyOf(response)).counters).toEqual({ views: 1, acceptances: 0, declines: 0 });
  });
});
