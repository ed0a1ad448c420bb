import { OfferBusyError } from '../../shared/domain/acceptance.ts';
import { canonicalJson, requestHash } from '../../shared/domain/idempotency.ts';
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
