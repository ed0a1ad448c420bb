import { OFFER_FORM_TEXT } from '../../functions/console/offer-form-text.ts';
import { toFieldErrors } from '../../shared/http/validation.ts';
import { LOCALES } from '../../shared/i18n/locale.ts';
import { OPERATIONS } from '../../shared/openapi/operations.ts';
import { PROBLEM_TYPES, type ProblemSlug } from '../../shared/openapi/problems.ts';
import { createOfferBody, reviseOfferBody } from '../../shared/schemas/offers.ts';

/**
 * Rules no form field can break: the form builds the body from its own fields (no unknown key),
 * sends no query, and a reused idempotency key gets its own form message.
 */
const NOT_FROM_THE_FORM = new Set(['unrecognized_key', 'invalid_cursor', 'repeated', 'reused_with_different_body']);

/** The rules the create and revise operations document, over every problem type they answer. */
function documentedRules(): string[] {
  const slugs = new Set<ProblemSlug>(['invalid-request']);
  for (const operation of ['POST /v1/offers', 'POST /v1/offers/{summaryId}/revise']) {
    for (const slug of OPERATIONS[operation]?.problems ?? []) slugs.add(slug as ProblemSlug);
  }
  return [...slugs].flatMap((slug) => [...((PROBLEM_TYPES[slug] as { rules?: readonly string[] }).rules ?? [])]);
}

/** Bodies a form can build that break the schemas' own rules, one field at a time. */
const BAD_FIELDS: Record<string, unknown>[] = [
  { usageLocation: 'XX' },
  { officeId: '' },
  { officeId: ' office ' },
  { officeId: 'a\u0000b' },
  { officeId: 'a\u200bb' },
  { officeId: '\ud800' },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 1.5 }] },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: '12x' }] },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 0 }] },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 10 ** 12 }] },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 1, term: 'P7Y' }] },
  { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 1, billingFrequency: 'weekly' }] },
  { locale: 'xx' },
  { customization: { logoUrl: 'http://fabrikam.example/logo.png' } },
  { customization: { logoUrl: 'not a url' } },
  { customization: { logoUrl: 'https://fabrikam.example/logo.png#top' } },
  { customization: { intro: 'x'.repeat(100_000) } },
  { customization: { intro: '   ' } },
  { customization: { intro: '!!!' } },
  { customization: { contact: { name: 'Pat', email: 'not-an-email' } } },
  { customization: { contact: { name: 'Pat', email: `${'a'.repeat(65)}@fabrikam.example` } } },
  { customization: { contact: { name: 'Pat', email: `a@${'b'.repeat(300)}.example` } } },
  { customization: { contact: { name: 'Pat', email: 'pat@fabrikam.example', phone: 'call me' } } },
  { customization: { contact: { email: 'pat@fabrikam.example' } } },
  { expiresAt: '2027-02-30' },
  { maxAcceptances: 0 },
  { maxAcceptances: 10 ** 9 },
  { reference: 'Referência' },
  { reference: 'x'.repeat(1000) },
];

function schemaRules(): string[] {
  const base = { officeId: 'office-1', usageLocation: 'BR', items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 1 }] };
  return BAD_FIELDS.flatMap((bad) =>
    [createOfferBody, reviseOfferBody].flatMap((schema) => {
      const result = schema.safeParse({ ...base, ...bad }, { reportInput: true });
      return result.success ? [] : toFieldErrors('body', result.error.issues).map((error) => error.rule);
    }),
  );
}

describe('console form words for every rule the create and revise operations can break', () => {
  const rules = [...new Set([...documentedRules(), ...schemaRules()])].filter((rule) => !NOT_FROM_THE_FORM.has(rule));

  it('finds the schemas’ and the domain’s rules', () => {
    // The enumeration itself: a rule from each source, so an empty list cannot pass below.
    expect(rules).toEqual(
      expect.arrayContaining(['required', 'https_only', 'format:email', 'licenses_out_of_range', 'unique', 'too_far']),
    );
  });

  it.each(LOCALES)('has words in %s for each of them', (locale) => {
    const missing = rules.filter((rule) => OFFER_FORM_TEXT[locale].rules[rule] === undefined);

    expect(missing).toEqual([]);
  });
});
