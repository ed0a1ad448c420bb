import { createHandler } from '../../functions/offer-events/handler.ts';
import type { TableStreamPoller } from '../../infra/local/table-stream.ts';
import { createDynamoClient } from '../../shared/db/sdk-table.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';
import { submissionIdOf } from '../../shared/offer-page/submission-token.ts';
import { startLocalApi } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { streamTestTable } from '../support/table-stream.ts';

const dynamo = createDynamoClient(process.env.DDB_ENDPOINT);
const publisher = new RecordingPublisher();
let api: Awaited<ReturnType<typeof startLocalApi>>;
let stream: TableStreamPoller;
let openForm: ReturnType<typeof customerAt>['openForm'];
let post: ReturnType<typeof customerAt>['post'];

beforeAll(async () => {
  api = await startLocalApi();
  ({ openForm, post } = customerAt(api.baseUrl));
  // The table stream → offerEvents handler path, as the event source mapping runs it on AWS.
  stream = await streamTestTable(dynamo, createHandler(publisher));
});
afterAll(async () => {
  await stream.stop();
  dynamo.destroy();
  await api.close();
});

async function eventsFor(summaryId: string, count: number): Promise<OfferEvent[]> {
  const mine = () =>
    publisher.events.filter(
      (event) => (event.type === 'OfferAccepted' ? event.acceptance : event.decline).summaryId === summaryId,
    );
  for (let waited = 0; mine().length < count && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return mine();
}

describe('offer events from the table stream', () => {
  it('publishes one OfferAccepted, for the offer’s partner, per recorded acceptance (a replay adds none)', async () => {
    // Arrange
    const offer = await seedOffer({ partnerId: `p-events-${Date.now()}` });
    const submission = await openForm(offer);
    const fields = acceptFields(submission, { delegatedAdmin: 'no' });
    const later = await openForm(offer);

    // Act: an acceptance, its replay, then another customer's acceptance of the same offer.
    expect((await post(offer, 'accept', fields)).status).toBe(303);
    expect((await post(offer, 'accept', fields)).status).toBe(303);
    expect((await post(offer, 'accept', acceptFields(later, { delegatedAdmin: 'yes' }))).status).toBe(303);

    // Assert: the stream delivers one partition's records in the order they were written, so once
    // the later acceptance's event is in, anything the replay had written would be in before it.
    const events = await eventsFor(offer.summaryId, 2);
    expect(
      events.map((event) => (event.type === 'OfferAccepted' ? event.acceptance.submissionId : event.type)),
    ).toEqual([submissionIdOf(submission), submissionIdOf(later)]);
    expect(events[0]).toMatchObject({
      type: 'OfferAccepted',
      partnerId: offer.partnerId,
      acceptance: {
        summaryId: offer.summaryId,
        // Derived from the form's token: the id partners dedupe on.
        submissionId: submissionIdOf(submission),
        companyName: 'Tailwind Traders',
        delegatedAdmin: false,
        items: [
          { sku: 'M365_BUSINESS_STANDARD', licenses: 12 },
          { sku: 'TEAMS_ESSENTIALS', licenses: 3 },
        ],
      },
    });
    // The event carries the customer's answer, not the table's keys.
    expect(JSON.stringify(events[0])).not.toContain('ACCEPT#');
  });

  it('publishes OfferDeclined with the reason, and nothing for views', async () => {
    const offer = await seedOffer({ partnerId: `p-events-${Date.now()}` });
    const submission = await openForm(offer);

    expect((await post(offer, 'decline', { submission, reason: 'Budget is frozen' })).status).toBe(200);

    const [event, ...more] = await eventsFor(offer.summaryId, 1);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'OfferDeclined',
      partnerId: offer.partnerId,
      decline: { summaryId: offer.summaryId, reason: 'Budget is frozen' },
    });
  });
});
