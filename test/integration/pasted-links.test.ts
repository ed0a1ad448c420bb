import { BROWSER, browserRequest } from '../support/customer-forms.ts';
import { startLocalApi } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

/** What mail and chat apps leave stuck to a link, raw and percent-encoded, as a browser sends them. */
const TRAILERS = [
  ')',
  '.',
  ',',
  '/',
  ';',
  ':',
  '!',
  '%3F',
  "'",
  '%22',
  ']',
  '%3E',
  '%29',
  '%2E',
  '%2C',
  '%2F',
  '%E2%80%9D',
  '%E3%80%82',
  ').',
  '/.',
  '/)',
  '//',
];

describe('pasted links with trailing punctuation', () => {
  it.each(TRAILERS)('redirects /o/<code>%s permanently to the canonical link', async (trailer) => {
    const offer = await seedOffer();

    const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}${trailer}`);

    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/o/${offer.summaryId}`);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('redirects a loosely typed code (lower case, no hyphens) and keeps a valid ?lang=', async () => {
    const offer = await seedOffer();
    const loose = offer.summaryId.replace(/-/g, '').toLowerCase();

    const response = await browserRequest(`${api.baseUrl}/o/${loose})?lang=pt-BR`);
    const withJunkQuery = await browserRequest(`${api.baseUrl}/o/${loose}?lang=https://evil.example`);

    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/o/${offer.summaryId}?lang=pt-BR`);
    expect(withJunkQuery.headers.get('location')).toBe(`/o/${offer.summaryId}`);
  });

  it('serves /o/<code>? directly: a raw ? only starts an empty query', async () => {
    const offer = await seedOffer();

    const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}?`);

    expect(response.status).toBe(200);
    expect(await viewsOf(offer.summaryId)).toBe(1);
  });

  it('redirects HEAD like GET', async () => {
    const offer = await seedOffer();

    const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/`, { method: 'HEAD' });

    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe(`/o/${offer.summaryId}`);
  });

  it('lands on the offer page, counting one view, when the redirect is followed', async () => {
    const offer = await seedOffer();

    const first = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}).`);
    const landed = await browserRequest(new URL(first.headers.get('location') ?? '', api.baseUrl).href);

    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain(offer.partner.name);
    expect(await viewsOf(offer.summaryId)).toBe(1);
  });

  it.each([
    ['a code with a letter too many', 'ABCD-EFGH-JKMN-PQRS-TVWXY.'],
    ['a code cut short', 'ABCD-EFGH-JKMN-PQRS)'],
    ['a form path', 'ABCD-EFGH-JKMN-PQRS-TVWX/acceptx'],
  ])('still answers %s with the 404 page', async (_label, path) => {
    const response = await browserRequest(`${api.baseUrl}/o/${path}`);

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Offer not found');
  });

  it('does not redirect a post to a slash-ended link', async () => {
    const offer = await seedOffer();

    const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/`, {
      method: 'POST',
      headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reason=x',
    });

    expect(response.status).toBe(404);
  });
});

describe('the page language and Accept-Language q-values', () => {
  const lang = async (headers: Record<string, string>, offerLocale: 'en' | 'pt-BR') => {
    const offer = await seedOffer({ locale: offerLocale });
    const page = await (await browserRequest(`${api.baseUrl}/o/${offer.summaryId}`, { headers })).text();
    return /<html lang="([^"]+)">/.exec(page)?.[1];
  };

  it.each([
    ['pt-BR, en;q=0', 'en', 'pt-BR'],
    ['pt-BR, *;q=0', 'en', 'pt-BR'],
    ['en-US, pt;q=0', 'pt-BR', 'en'],
    ['pt-BR, en;q=0.5', 'en', 'en'],
    ['pt-BR', 'en', 'pt-BR'],
    ['fr, en;q=0', 'en', 'pt-BR'],
    ['en;q=0, pt;q=0', 'en', 'en'],
  ] as const)('answers %j on a %s offer in %s', async (acceptLanguage, offerLocale, expected) => {
    expect(await lang({ ...BROWSER, 'accept-language': acceptLanguage }, offerLocale)).toBe(expected);
  });

  it('answers the 404 page in a language the client did not refuse', async () => {
    const response = await browserRequest(`${api.baseUrl}/o/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ`, {
      headers: { ...BROWSER, 'accept-language': 'en;q=0, fr' },
    });

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('<html lang="pt-BR">');
  });
});
