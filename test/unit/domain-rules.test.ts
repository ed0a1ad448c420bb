import { OfferBusyError } from '../../shared/domain/acceptance.ts';
import { canonicalJson, requestHash } from '../../shared/domain/idempotency.ts';
import { DuplicateReferenceError, lineTerm, offerLogoUrl, offerStatus } from '../../shared/domain/offer.ts';
import { mayCreateOffers } from '../../shared/domain/partner.ts';

describe('who may create offers', () => {
  it('is a partner that manages fewer than 100 customers', () => {
    expect(mayCreateOffers({ customerCount: 0 })).toBe(true);
    expect(mayCreateOffers({ customerCount: 99 })).toBe(true);
    expect(mayCreateOffers({ customerCount: 100 })).toBe(false);
    expect(mayCreateOffers({ customerCount: 250 })).toBe(false);
  });
});

describe('the canonical JSON an idempotency key’s request is compared by', () => {
  it('sorts object keys at every level, keeping array order', () => {
    const body = {
      officeId: 'o-1',
      items: [
        { sku: 'B', licenses: 2 },
        { licenses: 1, sku: 'A' },
      ],
      delegatedAdmin: false,
    };

    expect(canonicalJson(body)).toBe(
      '{"delegatedAdmin":false,"items":[{"licenses":2,"sku":"B"},{"licenses":1,"sku":"A"}],"officeId":"o-1"}',
    );
  });

  it('leaves out members whose value is undefined, as JSON does, and keeps null', () => {
    expect(canonicalJson({ reference: undefined, expiresAt: null, officeId: 'o-1' })).toBe(
      '{"expiresAt":null,"officeId":"o-1"}',
    );
  });

  it('writes null, strings and numbers as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(12.5)).toBe('12.5');
  });

  it('hashes the canonical JSON with SHA-256, so the same body in another key order hashes alike', () => {
    // SHA-256 of the UTF-8 bytes of {"a":1,"b":[2,null]}.
    const expected = 'cc243773f70c3dff1b2058928d222d7edc29130da3f617c0e8ce04096aca153c';

    expect(requestHash({ b: [2, null], a: 1 })).toBe(expected);
    expect(requestHash({ a: 1, b: [2, null] })).toBe(expected);
  });
});

describe('an offer that stays busy', () => {
  it('says how many attempts were made, keeps the cause and suggests retrying after 2 seconds', () => {
    const cause = new Error('TransactionCanceledException');

    const error = new OfferBusyError(3, { cause });

    expect(error).toMatchObject({
      name: 'OfferBusyError',
      message: 'The offer stayed busy for 3 attempts',
      attempts: 3,
      cause,
      retryAfterSeconds: 2,
    });
  });

  it('takes another Retry-After when given one', () => {
    expect(new OfferBusyError(5, { retryAfterSeconds: 7 }).retryAfterSeconds).toBe(7);
  });
});

describe('what an offer shows and keeps', () => {
  const partner = { name: 'Fabrikam', advisorCode: '4400001', contact: { name: 'Pat', email: 'pat@example.com' } };

  it('shows the offer’s own logo over the partner’s, and the partner’s when the offer has none', () => {
    expect(
      offerLogoUrl({
        customization: { logoUrl: 'https://a.example/offer.png' },
        partner: { ...partner, logoUrl: 'https://a.example/partner.png' },
      }),
    ).toBe('https://a.example/offer.png');
    expect(offerLogoUrl({ customization: {}, partner: { ...partner, logoUrl: 'https://a.example/partner.png' } })).toBe(
      'https://a.example/partner.png',
    );
    expect(offerLogoUrl({ customization: {}, partner })).toBeUndefined();
  });

  it('gives a line made before terms existed a one-year term billed annually', () => {
    expect(lineTerm({ sku: 'M365_BUSINESS_BASIC', licenses: 4 })).toEqual({ term: 'P1Y', billingFrequency: 'annual' });
  });

  it('tells a partner whose reference is taken by an offer it cannot name where to look, with no extension member', () => {
    const error = new DuplicateReferenceError('PO-7', undefined);

    expect(error.detail).toBe(
      'You already have an offer with reference "PO-7". References are unique per partner: use another one, or look the existing offer up in GET /v1/offers.',
    );
    expect(error.extensions).toStrictEqual({});
  });
});

describe('an offer’s status, derived at read time', () => {
  const NOW = new Date('2026-11-30T12:00:00.000Z');

  it('is expired from the instant it expires, and active the millisecond before', () => {
    expect(offerStatus({ expiresAt: '2026-11-30T12:00:00.000Z', acceptances: 0 }, NOW)).toBe('expired');
    expect(offerStatus({ expiresAt: '2026-11-30T12:00:00.001Z', acceptances: 0 }, NOW)).toBe('active');
    expect(offerStatus({ acceptances: 0 }, NOW)).toBe('active');
  });

  it('is exhausted once it has as many acceptances as it allows, and never without a limit', () => {
    expect(offerStatus({ maxAcceptances: 2, acceptances: 1 }, NOW)).toBe('active');
    expect(offerStatus({ maxAcceptances: 2, acceptances: 2 }, NOW)).toBe('exhausted');
    expect(offerStatus({ acceptances: 500 }, NOW)).toBe('active');
  });

  it('says deactivated before expired or exhausted', () => {
    const offer = {
      deactivatedAt: '2026-11-01T00:00:00.000Z',
      expiresAt: '2026-11-02T00:00:00.000Z',
      maxAcceptances: 1,
      acceptances: 1,
    };

    expect(offerStatus(offer, NOW)).toBe('deactivated');
  });
});
