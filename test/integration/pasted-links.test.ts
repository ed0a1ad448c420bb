import { startLocalApi } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { acceptFields, BROWSER, browserRequest, customerAt } from '../support/offer-page-forms.ts';

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

describe('pasted form and confirmation addresses', () => {
  it.each(['accept/', 'decline/', 'accept%29', 'decline.', 'accept)', 'Accept', 'accepted', 'accepted/', 'accepted).'])(
    'redirects GET and HEAD of /o/<code>/%s to the offer page, counting nothing',
    async (tail) => {
      const offer = await seedOffer();

      const get = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${tail}`);
      const head = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${tail}`, { method: 'HEAD' });
      const withLang = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${tail}?lang=pt-BR`);

      expect([get.status, head.status]).toEqual([303, 303]);
      expect([get.headers.get('location'), head.headers.get('location')]).toEqual([
        `/o/${offer.summaryId}`,
        `/o/${offer.summaryId}`,
      ]);
      expect(withLang.headers.get('location')).toBe(`/o/${offer.summaryId}?lang=pt-BR`);
      expect(await viewsOf(offer.summaryId)).toBe(0);
    },
  );

  it.each([')', '/', '%2E', '.%E2%80%9D'])(
    'redirects a confirmation link with %s stuck to it to its canonical address, which shows the acceptance',
    async (trailer) => {
      const offer = await seedOffer();
      const customer = customerAt(api.baseUrl);
      const token = await customer.openForm(offer);
      await customer.post(offer, 'accept', acceptFields(token));

      const pasted = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/accepted/${token}${trailer}`);
      const landed = await browserRequest(new URL(pasted.headers.get('location') ?? '', api.baseUrl).href);

      expect(pasted.status).toBe(301);
      expect(pasted.headers.get('location')).toBe(`/o/${offer.summaryId}/accepted/${token}`);
      expect(landed.status).toBe(200);
      expect(await landed.text()).toContain('You accepted the offer');
    },
  );

  it.each(['GET', 'HEAD'])('redirects %s of /O/<code> (capital O) to the canonical link', async (method) => {
    const offer = await seedOffer();

    const exact = await browserRequest(`${api.baseUrl}/O/${offer.summaryId}`, { method });
    const loose = await browserRequest(`${api.baseUrl}/O/${offer.summaryId.toLowerCase()})?lang=pt-BR`, { method });

    expect([exact.status, loose.status]).toEqual([301, 301]);
    expect(exact.headers.get('location')).toBe(`/o/${offer.summaryId}`);
    expect(loose.headers.get('location')).toBe(`/o/${offer.summaryId}?lang=pt-BR`);
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });

  it('answers an unknown /O/ path with the 404 page, not JSON', async () => {
    const response = await browserRequest(`${api.baseUrl}/O/nothing-here`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('Offer not found');
  });
});

describe('customer paths asked with a method they do not take', () => {
  /** The headers every customer page carries, as the 404 page of the offer route has them. */
  const SECURITY_HEADERS = [
    'content-security-policy',
    'referrer-policy',
    'x-content-type-options',
    'strict-transport-security',
    'x-frame-options',
    'cache-control',
  ];

  it.each([
    ['POST', '/o/{id}', ['GET', 'HEAD']],
    ['POST', '/o/{id}/accepted/v1.abc.{nonce}.{mac}', ['GET', 'HEAD']],
    ['PUT', '/o/{id}/accept', ['GET', 'HEAD', 'POST']],
    ['DELETE', '/o/{id}/decline', ['GET', 'HEAD', 'POST']],
    ['OPTIONS', '/o/{id}', ['GET', 'HEAD']],
  ])('answers %s %s with a 405 page naming the methods it takes', async (method, template, allowed) => {
    const offer = await seedOffer();
    const path = template
      .replace('{id}', offer.summaryId)
      .replace('{nonce}', 'A'.repeat(22))
      .replace('{mac}', 'B'.repeat(43));
    const page404 = await browserRequest(`${api.baseUrl}/o/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ`);

    const response = await browserRequest(`${api.baseUrl}${path}`, {
      method,
      headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: method === 'POST' || method === 'PUT' ? 'reason=x' : undefined,
    });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')?.split(', ').sort()).toEqual(allowed);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const name of SECURITY_HEADERS) {
      expect({ name, value: response.headers.get(name) }).toEqual({ name, value: page404.headers.get(name) });
    }
    expect(await response.text()).toContain('This address cannot be used this way');
    expect(await viewsOf(offer.summaryId)).toBe(0);
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
