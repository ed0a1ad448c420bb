import {
  ConflictError,
  type DomainLocation,
  MethodNotAllowedError,
  TooManyRequestsError,
  UnprocessableError,
} from '../../shared/domain/errors.ts';
import { DuplicateReferenceError } from '../../shared/domain/offer.ts';
import { checkItems } from '../../shared/domain/offer-create.ts';
import {
  cappedErrors,
  fieldOf,
  MAX_FIELD_LENGTH,
  mapError,
  RequestError,
  ServiceUnavailableError,
} from '../../shared/http/problem.ts';

function problemOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return mapError(error, 'req-1');
  }
  throw new Error('expected an error');
}

describe('domain locations as field paths (shared/http/problem.ts)', () => {
  it.each<[DomainLocation, string]>([
    [{ field: 'apiKey' }, 'header.authorization'],
    [{ field: 'idempotencyKey' }, 'header.idempotency-key'],
    [{ field: 'office' }, 'body.officeId'],
    [{ field: 'subscriptions' }, 'body.items'],
    [{ field: 'delegatedAdministration' }, 'body.delegatedAdmin'],
    [{ field: 'expiry' }, 'body.expiresAt'],
    [{ field: 'reference' }, 'body.reference'],
    [{ subscription: 0, field: 'sku' }, 'body.items[0].sku'],
    [{ subscription: 12, field: 'licenseCount' }, 'body.items[12].licenses'],
  ])('names %j as %s', (at, field) => {
    expect(fieldOf(at)).toBe(field);
  });
});

describe('domain errors as problem details (shared/http/problem.ts)', () => {
  it('writes the one bad subscription’s field path and message as the detail', () => {
    const mapped = problemOf(() => checkItems('BR', [{ sku: 'M365_E3', licenses: 100000 }]));

    expect(mapped).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:licenses-out-of-range',
        title: 'License count out of range',
        status: 422,
        detail: 'items[0].licenses must be between 1 and 10000 for Microsoft 365 E3.',
        errors: [
          {
            field: 'body.items[0].licenses',
            rule: 'licenses_out_of_range',
            message: 'must be between 1 and 10000 for Microsoft 365 E3',
          },
        ],
        requestId: 'req-1',
      },
      headers: {},
      unexpected: false,
    });
  });

  it('keeps the error’s own detail and lists every violation, in order', () => {
    const mapped = problemOf(() =>
      checkItems('BR', [
        { sku: 'M365_E3', licenses: 1 },
        { sku: 'M365_E3', licenses: 2 },
        { sku: 'NOPE', licenses: 1 },
      ]),
    );

    expect(mapped.problem).toMatchObject({
      type: 'urn:purchase-offers:problem:duplicate-sku',
      status: 422,
      detail: '2 items need fixing; see errors.',
      errors: [
        {
          field: 'body.items[1].sku',
          rule: 'duplicate_sku',
          message: 'lists M365_E3 a second time; list each subscription once with its total licenses',
        },
        {
          field: 'body.items[2].sku',
          rule: 'unknown_sku',
          message: 'NOPE is not in the catalog; see GET /v1/catalog?usageLocation=BR',
        },
      ],
    });
  });

  it('puts a header location under header., not body.', () => {
    const error = new UnprocessableError('idempotency-key-reused', 'Reused', undefined, [
      { at: { field: 'idempotencyKey' }, rule: 'reused_with_different_body', message: 'was used for another request' },
    ]);

    expect(mapError(error, 'r').problem).toMatchObject({
      detail: 'header.idempotency-key was used for another request.',
      errors: [{ field: 'header.idempotency-key', rule: 'reused_with_different_body' }],
    });
  });

  it('falls back to the title when an error has neither detail nor violation', () => {
    expect(mapError(new ConflictError('busy', 'Busy', undefined), 'r').problem.detail).toBe('Busy');
  });

  it('puts extension members first and names the reference field of a duplicate reference', () => {
    const mapped = mapError(new DuplicateReferenceError('ref-1', 'AAAA-BBBB'), 'r');

    expect(JSON.stringify(mapped.problem)).toBe(
      JSON.stringify({
        existingSummaryId: 'AAAA-BBBB',
        type: 'urn:purchase-offers:problem:duplicate-reference',
        title: 'Duplicate offer reference',
        status: 409,
        detail:
          'You already have an offer with reference "ref-1": AAAA-BBBB (GET /v1/offers/AAAA-BBBB). References are unique per partner: use another one, or use that offer.',
        errors: [{ field: 'body.reference', rule: 'unique', message: 'is already used by another of your offers' }],
        requestId: 'r',
      }),
    );
  });
});

describe('domain error messages (shared/domain/errors.ts)', () => {
  it('carry the detail, or the title when the detail is left to the violation', () => {
    const withDetail = new UnprocessableError('t', 'Title', 'The detail');
    const withoutDetail = new UnprocessableError('t', 'Title', undefined, [
      { at: { field: 'expiry' }, rule: 'in_future', message: 'must be in the future' },
    ]);

    expect([withDetail.name, withDetail.message]).toEqual(['UnprocessableError', 'The detail']);
    expect(withoutDetail.message).toBe('Title');
  });
});

describe('problem documents of the other errors (shared/http/problem.ts)', () => {
  it('answers a wrong method with its own words and the Allow header', () => {
    expect(mapError(new MethodNotAllowedError('DELETE', ['GET', 'POST']), 'r')).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:method-not-allowed',
        title: 'Method not allowed',
        status: 405,
        detail: 'DELETE is not supported here; this path takes GET, POST.',
        requestId: 'r',
      },
      headers: { allow: 'GET, POST' },
      unexpected: false,
    });
  });

  it('answers too many requests with 429 and Retry-After', () => {
    const mapped = mapError(new TooManyRequestsError('sync-too-soon', 'Too soon', 'Wait.', 30), 'r');

    expect(mapped.problem).toMatchObject({ status: 429, type: 'urn:purchase-offers:problem:sync-too-soon' });
    expect(mapped.headers).toEqual({ 'retry-after': '30' });
  });

  it('answers an unreachable table with 503 and Retry-After, as an expected error', () => {
    const error = new ServiceUnavailableError();

    expect([error.name, error.message]).toEqual(['ServiceUnavailableError', 'The table did not answer']);
    expect(mapError(error, 'r')).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:service-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail:
          'Our database did not answer in time. Retry after 5 seconds; a create retried with the same Idempotency-Key is never applied twice.',
        requestId: 'r',
      },
      headers: { 'retry-after': '5' },
      unexpected: false,
    });
  });

  it('answers anything else with 500 and nothing but the request id', () => {
    expect(mapError(new Error('secret'), 'r')).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:internal-error',
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side. Retry later, and quote the request id if it persists.',
        requestId: 'r',
      },
      headers: {},
      unexpected: true,
    });
  });

  it('answers a request error with its own status, and no errors member when it names no field', () => {
    const error = new RequestError(415, 'unsupported-media-type', 'Unsupported media type', 'Send JSON.');

    expect(error.name).toBe('RequestError');
    expect(mapError(error, 'r').problem).toStrictEqual({
      type: 'urn:purchase-offers:problem:unsupported-media-type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'Send JSON.',
      requestId: 'r',
    });
  });

  it('keeps a field path of exactly the limit whole', () => {
    const field = `body.${'x'.repeat(MAX_FIELD_LENGTH - 5)}`;

    expect(cappedErrors([{ field, rule: 'unrecognized_key', message: 'x' }]).errors?.[0]?.field).toBe(field);
  });
});
