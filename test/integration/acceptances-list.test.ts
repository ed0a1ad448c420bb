import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());
const customer = () => customerAt(api.baseUrl);

describe('GET /v1/offers/{summaryId}/acceptances', () => {
  it('lists the offer’s acceptances page by page to its partner only', async () => {
    const owner = await newPartner();
    const other = await newPartner();
    const offer = await seedOffer({ partnerId: owner.partner.partnerId });
    for (const company of ['First Co', 'Second Co', 'Third Co']) {
      const submission = await customer().openForm(offer);
      expect((await customer().post(offer, 'accept', acceptFields(submission, { company }))).status).toBe(303);
    }
    const list = (query: string, key = owner.key) =>
      fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/acceptances${query}`, { headers: bearer(key) });

    const first = await bodyOf(await list('?limit=2'));
    const second = await bodyOf(await list(`?limit=2&cursor=${first.nextCursor}`));

    const companies = [...first.acceptances, ...second.acceptances].map((a: { companyName: string }) => a.companyName);
    expect(companies).toEqual(['First Co', 'Second Co', 'Third Co']);
    expect(second.nextCursor).toBeUndefined();
    expect(first.acceptances[0]).toMatchObject({ email: 'rita@tailwind.example', delegatedAdmin: true });
    expect((await list('', other.key)).status).toBe(404);
    const badCursor = await list('?cursor=bm90LWEtY3Vyc29y');
    expect(badCursor.status).toBe(400);
    expect((await bodyOf(badCursor)).errors[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
  });

  it.each([
    ['?limit=0', 'query.limit', 'too_small'],
    ['?limit=101', 'query.limit', 'too_big'],
    ['?limit=ten', 'query.limit', 'pattern'],
    ['?cursor=bm90LWEtY3Vyc29y', 'query.cursor', 'invalid_cursor'],
  ])('answers %s with a 400 problem naming the parameter', async (query, field, rule) => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });

    const response = await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/acceptances${query}`, {
      headers: bearer(key),
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await bodyOf(response)).errors).toEqual([expect.objectContaining({ field, rule })]);
  });
});
