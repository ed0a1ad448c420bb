import { ConflictError, type DomainLocation, UnprocessableError } from '../../shared/domain/errors.ts';
import { DuplicateReferenceError } from '../../shared/domain/offer.ts';
import { checkItems } from '../../shared/domain/offer-create.ts';
import { fieldOf, mapError } from '../../shared/http/problem.ts';

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
          message: 'repeats M365_E3 from items[0]; list each subscription once with its total licenses',
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
