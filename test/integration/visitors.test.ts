import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { offerCountersKeys } from '../../shared/db/offers.ts';
import { startLocalApi, table } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { BROWSER, browserRequest, customerAt } from '../support/offer-page-forms.ts';
import { AUTOMATED_AGENTS, DESKTOP_CHROME, NAVIGATION } from '../support/user-agents.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
let customer: ReturnType<typeof customerAt>;
beforeAll(async () => {
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
});
afterAll(() => api.close());

describe('which visits count as views', () => {
  it.each(Object.entries(AUTOMATED_AGENTS))('serves %s the page without counting a view', async (_name, agent) => {
    const offer = await seedOffer();

    // Even with a browser's navigation metadata: the user agent alone gives it away.
    const response = await customer.view(offer, { 'user-agent': agent, ...NAVIGATION });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form');
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('does not count a mail scanner that sends a desktop Chrome user agent and no fetch metadata', async () => {
    const offer = await seedOffer();

    const response = await customer.view(offer, { 'user-agent': DESKTOP_CHROME });

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('does not count a prerender of the link', async () => {
    const offer = await seedOffer();

    await customer.view(offer, { ...BROWSER, 'sec-purpose': 'prefetch;prerender' });

    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('does not count HEAD, even from a browser', async () => {
    const offer = await seedOffer();

    const response = await fetch(`${api.baseUrl}/o/${offer.summaryId}`, { method: 'HEAD', headers: BROWSER });

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('counts a desktop browser’s top-level navigation once', async () => {
    const offer = await seedOffer();

    const response = await customer.view(offer, { 'user-agent': DESKTOP_CHROME, ...NAVIGATION });

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(1);
  });
});

/** The offer's answer counters (its counters item), as the accept and decline transactions keep them. */
async function answersOf(summaryId: string): Promise<{ acceptances: unknown; declines: unknown }> {
  const { Item } = await table.client.send(
    new GetCommand({
      TableName: table.name,
      Key: { PK: offerCountersKeys.pk(summaryId), SK: offerCountersKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return { acceptances: Item?.acceptances, declines: Item?.declines };
}

describe('answers from automated clients', () => {
  it.each(Object.entries(AUTOMATED_AGENTS))('records no decline posted by %s', async (_name, agent) => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    // The form as a browser would post it from the page, but with the client's own user agent.
    const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/decline`, {
      method: 'POST',
      headers: {
        ...BROWSER,
        'user-agent': agent,
        'sec-fetch-site': 'same-origin',
        origin: api.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ submission: token, reason: 'not now' }).toString(),
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form');
    expect(await answersOf(offer.summaryId)).toEqual({ acceptances: 0, declines: 0 });
  });

  it('records the same decline posted by a person’s browser (the check above is not vacuous)', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    const response = await customer.post(offer, 'decline', { submission: token, reason: 'not now' });

    expect(response.status).toBe(200);
    expect(await answersOf(offer.summaryId)).toEqual({ acceptances: 0, declines: 1 });
  });
});
