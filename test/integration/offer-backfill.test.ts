import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { backfillOfferCounters } from '../../infra/ops/offer-backfill.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { DynamoOfferStore, offerCountersKeys } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { newPartner, table } from '../support/local-api.ts';
import { acceptanceOf, offerFixture, putLegacyOffer } from '../support/offer-fixtures.ts';

async function countersOf(summaryId: string) {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerCountersKeys.pk(summaryId), SK: offerCountersKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return Item;
}

const SUBMISSION_ID = 'mhx0000000BACKFILLBACKFILLBACKFI';

describe('backfilling offers stored before the counters moved (ops: backfill-offer-counters)', () => {
  it('copies their counters, indexes the open ones, marks the full ones, and lets them take answers again', async () => {
    // Arrange: an open limited offer with 1 of 3 acceptances, a full one, a deactivated one.
    const { partner } = await newPartner();
    const partnerId = partner.partnerId;
    const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const open = offerFixture({ partnerId, createdAt: at(30), maxAcceptances: 3, acceptances: 1, declines: 2 });
    const full = offerFixture({ partnerId, createdAt: at(20), maxAcceptances: 1, acceptances: 1 });
    const closed = offerFixture({ partnerId, createdAt: at(10), deactivatedAt: at(5), acceptances: 4 });
    for (const offer of [open, full, closed]) await putLegacyOffer(offer);
    const answers = new DynamoCustomerResponseStore(table);

    // Act
    const report = await backfillOfferCounters(table, partnerId, new Date());
    const again = await backfillOfferCounters(table, partnerId, new Date());

    // Assert
    expect(report).toEqual({ offers: 3, counters: 3, opened: 1, exhausted: 1 });
    expect(again).toEqual({ offers: 3, counters: 0, opened: 0, exhausted: 0 });
    expect(await countersOf(open.summaryId)).toMatchObject({ acceptances: 1, declines: 2, remaining: 2 });
    expect(await countersOf(closed.summaryId)).toMatchObject({ acceptances: 4, declines: 0 });
    expect(await countersOf(closed.summaryId)).not.toHaveProperty('remaining');
    const store = new DynamoOfferStore(table);
    const active = await store.listForPartner(partnerId, { limit: 10, status: 'active', now: new Date() });
    expect(active.offers.map((offer) => [offer.summaryId, offer.acceptances])).toEqual([[open.summaryId, 1]]);
    const exhausted = await store.listForPartner(partnerId, { limit: 10, status: 'exhausted', now: new Date() });
    expect(exhausted.offers.map((offer) => offer.summaryId)).toEqual([full.summaryId]);
    expect((await answers.accept(acceptanceOf(open, SUBMISSION_ID), partnerId, new Date(), open)).kind).toBe(
      'recorded',
    );
    expect(await countersOf(open.summaryId)).toMatchObject({ acceptances: 2, remaining: 1 });
  });

  it('takes answers for an older offer before any backfill, creating its counters item from the offer item', async () => {
    // Arrange: older offers with their counters on the offer item and no counters item.
    const { partner } = await newPartner();
    const partnerId = partner.partnerId;
    const limited = offerFixture({ partnerId, maxAcceptances: 3, acceptances: 1, declines: 2 });
    const unlimited = offerFixture({ partnerId, acceptances: 5, declines: 1 });
    const full = offerFixture({ partnerId, maxAcceptances: 1, acceptances: 1 });
    for (const offer of [limited, unlimited, full]) await putLegacyOffer(offer);
    const answers = new DynamoCustomerResponseStore(table);
    const declineOf = (offer: Offer, n: number) => ({
      summaryId: offer.summaryId,
      submissionId: `mhx0000000DECLINEDECLINEDECLIN${n}`,
      declinedAt: new Date().toISOString(),
    });

    // Act: two concurrent acceptances of the limited offer (both create the item: one wins, race-free).
    const [first, second] = await Promise.all([
      answers.accept(acceptanceOf(limited, SUBMISSION_ID), partnerId, new Date(), limited),
      answers.accept(
        { ...acceptanceOf(limited, SUBMISSION_ID), submissionId: 'mhx0000000SECONDSECONDSECONDSECO' },
        partnerId,
        new Date(),
        limited,
      ),
    ]);
    const declined = await answers.decline(declineOf(unlimited, 1), partnerId, new Date());
    const refused = await answers.accept(acceptanceOf(full, SUBMISSION_ID), partnerId, new Date(), full);

    // Assert
    expect([first.kind, second.kind]).toEqual(['recorded', 'recorded']);
    expect(await countersOf(limited.summaryId)).toMatchObject({ acceptances: 3, declines: 2, remaining: 0 });
    expect(declined.kind).toBe('recorded');
    expect(await countersOf(unlimited.summaryId)).toMatchObject({ acceptances: 5, declines: 2 });
    expect(await countersOf(unlimited.summaryId)).not.toHaveProperty('remaining');
    expect(refused.kind).toBe('not-active');
    expect(await countersOf(full.summaryId)).toMatchObject({ acceptances: 1, remaining: 0 });
  });
});
