import {
  canonicalOfferRedirect,
  offerLinkTarget,
  offerPageRedirect,
  offerPath,
  tokenFromLink,
} from '../../shared/offer-page/links.ts';

const ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';
// A submission token's shape: v1.<issued at, base36>.<22-character nonce>.<43-character MAC>.
const TOKEN = `v1.mhx0a1b2.${'N'.repeat(22)}.${'M'.repeat(43)}`;

describe('the canonical offer link', () => {
  it('is /o/ followed by the summary ID', () => {
    expect(offerPath(ID)).toBe('/o/ABCD-EFGH-JKMN-PQRS-TVWX');
  });
});

describe('redirects to a customer page', () => {
  it('sends a permanent, uncached, same-origin redirect with an empty body to the offer link', () => {
    const result = canonicalOfferRedirect(ID, { queryStringParameters: undefined });

    expect(result).toEqual({
      statusCode: 301,
      headers: { location: '/o/ABCD-EFGH-JKMN-PQRS-TVWX', 'cache-control': 'no-store' },
      body: '',
    });
  });

  it.each([['en'], ['pt-BR']])('carries over the language choice ?lang=%s', (lang) => {
    const result = canonicalOfferRedirect(ID, { queryStringParameters: { lang } });

    expect(result.headers).toEqual({
      location: `/o/ABCD-EFGH-JKMN-PQRS-TVWX?lang=${lang}`,
      'cache-control': 'no-store',
    });
  });

  it.each([
    ['a language we do not have', { lang: 'fr' }],
    ['an empty language', { lang: '' }],
    ['a language spelled in another case', { lang: 'PT-br' }],
    ['anything that is not the language', { next: 'https://evil.example/', utm_source: 'mail' }],
  ])('drops %s from the Location', (_label, queryStringParameters) => {
    const result = canonicalOfferRedirect(ID, { queryStringParameters });

    expect(result.headers?.location).toBe('/o/ABCD-EFGH-JKMN-PQRS-TVWX');
  });

  it('uses the target’s status and path: a 303 to the offer page keeps the language too', () => {
    const result = offerPageRedirect(
      { status: 303, path: '/o/ABCD-EFGH-JKMN-PQRS-TVWX' },
      {
        queryStringParameters: { lang: 'pt-BR' },
      },
    );

    expect(result).toEqual({
      statusCode: 303,
      headers: { location: '/o/ABCD-EFGH-JKMN-PQRS-TVWX?lang=pt-BR', 'cache-control': 'no-store' },
      body: '',
    });
  });
});

describe('the submission token in a pasted confirmation link', () => {
  it('is the token itself when nothing is stuck to it', () => {
    expect(tokenFromLink(TOKEN)).toBe(TOKEN);
  });

  it.each([
    ['punctuation', `${TOKEN}).`],
    ['a percent-encoded quote', `${TOKEN}%22`],
    ['a broken escape (which cannot be decoded at all)', `${TOKEN}%E2%80`],
    ['a further path', `${TOKEN}/more`],
  ])('cuts off %s after the token', (_label, part) => {
    expect(tokenFromLink(part)).toBe(TOKEN);
  });

  it('reads a token whose characters were percent-encoded', () => {
    expect(tokenFromLink(TOKEN.replace('v1.', 'v1%2E'))).toBe(TOKEN);
  });

  it.each([
    ['something before the token', `x${TOKEN}`],
    ['another version', TOKEN.replace('v1.', 'v2.')],
    ['a MAC one character short', TOKEN.slice(0, -1)],
    ['a nonce one character short', `v1.mhx0a1b2.${'N'.repeat(21)}.${'M'.repeat(43)}`],
    ['an empty issue time', `v1..${'N'.repeat(22)}.${'M'.repeat(43)}`],
    ['an issue time longer than 11 base36 digits', `v1.${'1'.repeat(12)}.${'N'.repeat(22)}.${'M'.repeat(43)}`],
    ['nothing', ''],
  ])('finds no token with %s', (_label, part) => {
    expect(tokenFromLink(part)).toBeUndefined();
  });
});

describe('where a customer path that matched no route belongs', () => {
  it.each([
    ['the code with trailing punctuation', `${ID}).`],
    ['the code in lower case without hyphens', 'abcdefghjkmnpqrstvwx'],
    ['the code with a trailing slash', `${ID}/`],
    ['the code percent-encoded with a closing bracket', `${ID}%29`],
  ])('sends %s to the canonical offer link with a 301', (_label, rest) => {
    expect(offerLinkTarget(rest)).toEqual({ status: 301, path: '/o/ABCD-EFGH-JKMN-PQRS-TVWX' });
  });

  it.each([
    ['the accept form’s address with junk', `${ID}/accept)`],
    ['the decline form’s address in capitals', `${ID}/DECLINE`],
    ['the confirmation address without a token', `${ID}/accepted`],
    ['the confirmation address with a slash but no token', `${ID}/accepted/`],
    ['a form address after a code in another spelling', 'abcdefghjkmnpqrstvwx/accept.'],
  ])('sends %s to the offer page with a 303, as the forms’ own addresses get', (_label, rest) => {
    expect(offerLinkTarget(rest)).toEqual({ status: 303, path: '/o/ABCD-EFGH-JKMN-PQRS-TVWX' });
  });

  it.each([
    ['with junk after the token', `${ID}/accepted/${TOKEN}).`],
    ['with the page name in capitals', `${ID}/ACCEPTED/${TOKEN}`],
    ['after a code in another spelling', `abcdefghjkmnpqrstvwx/accepted/${TOKEN}`],
  ])('sends a confirmation link %s to its canonical link with a 301', (_label, rest) => {
    expect(offerLinkTarget(rest)).toEqual({
      status: 301,
      path: `/o/ABCD-EFGH-JKMN-PQRS-TVWX/accepted/${TOKEN}`,
    });
  });

  it.each([
    ['a path that is no summary ID', 'not-an-offer'],
    ['a form address after something that is no summary ID', 'not-an-offer/accept'],
    ['a page the offer does not have', `${ID}/acceptance`],
    ['a page name with letters before it', `${ID}/xaccept`],
    ['a confirmation link whose token part holds no token', `${ID}/accepted/not-a-token`],
    ['a token under another page', `${ID}/declined/${TOKEN}`],
    ['a token under a page name that only starts like the confirmation page', `${ID}/acceptedx/${TOKEN}`],
    ['a form address split by a slash', `${ID}/acc/ept`],
    ['a token split by a slash', `${ID}/accepted/${TOKEN.slice(0, 20)}/${TOKEN.slice(20)}`],
    ['a page part longer than any link of ours', `${ID}/accept${')'.repeat(200)}`],
  ])('names no offer page for %s', (_label, rest) => {
    expect(offerLinkTarget(rest)).toBeUndefined();
  });
});
