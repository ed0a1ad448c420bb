import { parseAcceptForm, parseDeclineForm } from '../../functions/offer-page/form.ts';
import { FORM_TEXT } from '../../functions/offer-page/form-text.ts';
import { MAX_FORM_BYTES, readFormBody } from '../../shared/http/form-body.ts';
import { PAGE_TEXT } from '../../shared/offer-page/page-text.ts';
import { basicOffer } from '../support/offer.ts';

const FORM_TYPE = 'application/x-www-form-urlencoded';

describe('reading a posted form: what is not a field', () => {
  it('skips empty pairs (a doubled, leading or trailing &) instead of reading a field with no name', () => {
    expect(readFormBody('&company=A&&name=B&', false, FORM_TYPE)).toEqual({
      ok: true,
      fields: { company: 'A', name: 'B' },
    });
  });

  it('reads a body of only separators as an empty form', () => {
    expect(readFormBody('&&', false, FORM_TYPE)).toEqual({ ok: true, fields: {} });
  });

  it('reads a pair without = as a field with an empty value, and splits at the first =', () => {
    expect(readFormBody('bare&company=a=b', false, FORM_TYPE)).toEqual({
      ok: true,
      fields: { bare: '', company: 'a=b' },
    });
  });
});

describe('reading a posted form: media type and size', () => {
  it.each([
    [FORM_TYPE],
    [`${FORM_TYPE};charset=utf-8`],
    [`${FORM_TYPE}; charset="UTF8"`],
    ['Application/X-WWW-Form-Urlencoded'],
  ])('accepts %s', (contentType) => {
    expect(readFormBody('company=A', false, contentType)).toEqual({ ok: true, fields: { company: 'A' } });
  });

  it.each([
    ['a longer media type', `${FORM_TYPE}-x`],
    ['another type naming the form type as a parameter', `text/plain; x=${FORM_TYPE}`],
    ['no type', undefined],
  ])('refuses %s', (_label, contentType) => {
    expect(readFormBody('company=A', false, contentType)).toMatchObject({ ok: false, problem: 'mediaType' });
  });

  it(`reads up to ${MAX_FORM_BYTES} bytes and refuses one more`, () => {
    const fits = `company=${'a'.repeat(MAX_FORM_BYTES - 'company='.length)}`;

    expect(readFormBody(fits, false, FORM_TYPE)).toMatchObject({ ok: true });
    expect(readFormBody(`${fits}a`, false, FORM_TYPE)).toMatchObject({ ok: false, problem: 'tooLarge' });
  });

  it('measures a base64 body by its decoded bytes', () => {
    const fits = Buffer.from(`company=${'a'.repeat(MAX_FORM_BYTES - 'company='.length)}`).toString('base64');
    const over = Buffer.from(`company=${'a'.repeat(MAX_FORM_BYTES - 'company='.length + 1)}`).toString('base64');

    expect(readFormBody(fits, true, FORM_TYPE)).toMatchObject({ ok: true });
    expect(readFormBody(over, true, FORM_TYPE)).toMatchObject({ ok: false, problem: 'tooLarge' });
  });
});

describe('reading a posted form: names, bytes and order of checks', () => {
  it('reads a pair that starts with = as a field with an empty name (which the form then refuses as unknown)', () => {
    expect(readFormBody('=x&company=A', false, FORM_TYPE)).toEqual({ ok: true, fields: { '': 'x', company: 'A' } });
  });

  it('needs the body itself to be UTF-8 before percent-decoding: a raw lead byte completed by an escape is refused', () => {
    // c=<0xC3>%A3: percent-decoded alone the bytes would make "ã", but the posted bytes are not UTF-8.
    const body = Buffer.concat([Buffer.from('c='), Buffer.from([0xc3]), Buffer.from('%A3')]).toString('base64');

    expect(readFormBody(body, true, FORM_TYPE)).toMatchObject({ ok: false, problem: 'encoding' });
  });

  it('refuses a body too long to fit as too large before looking at its text', () => {
    const body = `company=\ud800${'a'.repeat(22_000)}`;

    expect(readFormBody(body, false, FORM_TYPE)).toEqual({ ok: false, problem: 'tooLarge', fields: {} });
  });
});

describe('the accept form', () => {
  const SUBMISSION = `mhx000000${'A'.repeat(22)}`;
  const form = (fields: Record<string, string> = {}, omit: readonly string[] = []) => {
    const all: Record<string, string> = {
      submission: SUBMISSION,
      company: 'Tailwind Traders',
      firstName: 'Rita',
      lastName: 'Alves',
      email: 'rita@Tailwind.EXAMPLE',
      'licenses.M365_BUSINESS_BASIC': '7',
      ...fields,
    };
    for (const name of omit) delete all[name];
    return all;
  };

  it('gives the customer’s answer: names, the email with its domain in lower case, counts per SKU', () => {
    const result = parseAcceptForm(form({ lang: 'en' }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en);

    expect(result).toEqual({
      ok: true,
      value: {
        companyName: 'Tailwind Traders',
        firstName: 'Rita',
        lastName: 'Alves',
        email: 'rita@tailwind.example',
        // Named from the catalog; an offer made before terms existed is on P1Y billed annually.
        items: [
          {
            sku: 'M365_BUSINESS_BASIC',
            name: 'Microsoft 365 Business Basic',
            licenses: 7,
            term: 'P1Y',
            billingFrequency: 'annual',
          },
        ],
        delegatedAdmin: false,
        agreedToCustomerAgreement: false,
      },
    });
  });

  it.each([
    ['yes', true],
    ['no', false],
  ])('records delegatedAdmin=%s as %s when the offer includes delegated administration', (choice, expected) => {
    const result = parseAcceptForm(
      form({ delegatedAdmin: choice }),
      basicOffer({ delegatedAdmin: true }),
      PAGE_TEXT.en,
      FORM_TEXT.en,
    );

    expect(result).toMatchObject({ ok: true, value: { delegatedAdmin: expected } });
  });

  it.each([
    ['missing', {}],
    ['neither yes nor no', { delegatedAdmin: 'maybe' }],
  ])('asks to choose when the delegated-admin answer is %s', (_label, fields) => {
    const result = parseAcceptForm(form(fields), basicOffer({ delegatedAdmin: true }), PAGE_TEXT.en, FORM_TEXT.en);

    expect(result).toMatchObject({ ok: false, errors: { delegatedAdmin: 'Choose one of the options.' } });
  });

  it('treats a delegated-admin answer to an offer without it as a form that is not ours', () => {
    const result = parseAcceptForm(form({ delegatedAdmin: 'yes' }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en);

    expect(result).toMatchObject({
      ok: false,
      errors: {},
      formError: 'This form is out of date. Please check the offer and submit it again.',
    });
  });

  it.each([
    ['a missing submission token', form({}, ['submission'])],
    ['an SKU the offer does not have', form({ 'licenses.TEAMS_ESSENTIALS': '1' })],
    ['an unknown field', form({ coupon: 'FREE' })],
  ])('says the form is out of date for %s, with no field error', (_label, fields) => {
    const result = parseAcceptForm(fields, basicOffer(), PAGE_TEXT.en, FORM_TEXT.en);

    expect(result).toMatchObject({
      ok: false,
      errors: {},
      formError: 'This form is out of date. Please check the offer and submit it again.',
    });
  });

  it('returns the posted values with the errors so the page can show them again', () => {
    const fields = form({ company: '' });

    const result = parseAcceptForm(fields, basicOffer(), PAGE_TEXT.en, FORM_TEXT.en);

    expect(result).toEqual({ ok: false, errors: { company: 'Fill in this field.' }, values: fields });
  });

  it.each([['0'], ['301'], ['2.5'], ['many'], ['']])(
    'states the catalog’s license range (1 to 300 for Business Basic) for a count of %j',
    (count) => {
      const result = parseAcceptForm(
        form({ 'licenses.M365_BUSINESS_BASIC': count }),
        basicOffer(),
        PAGE_TEXT.en,
        FORM_TEXT.en,
      );

      expect(result).toMatchObject({
        ok: false,
        errors: { 'licenses.M365_BUSINESS_BASIC': 'Enter a whole number from 1 to 300.' },
      });
    },
  );

  it('lets the customer raise a count up to the catalog’s maximum, above what was offered', () => {
    const result = parseAcceptForm(
      form({ 'licenses.M365_BUSINESS_BASIC': '300' }),
      basicOffer(),
      PAGE_TEXT.en,
      FORM_TEXT.en,
    );

    expect(result).toMatchObject({ ok: true, value: { items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 300 }] } });
  });

  describe('for an SKU no longer in the catalog', () => {
    const retired = () => basicOffer({ items: [{ sku: 'RETIRED_SUITE', licenses: 4 }] });
    const withCount = (count: string) => form({ 'licenses.RETIRED_SUITE': count }, ['licenses.M365_BUSINESS_BASIC']);

    it('accepts counts from 1 up to the offered count', () => {
      expect(parseAcceptForm(withCount('1'), retired(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
        ok: true,
        value: { items: [{ sku: 'RETIRED_SUITE', licenses: 1 }] },
      });
      expect(parseAcceptForm(withCount('4'), retired(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
        ok: true,
        value: { items: [{ sku: 'RETIRED_SUITE', licenses: 4 }] },
      });
    });

    it.each([['0'], ['5']])('states the range 1 to the offered count for %s', (count) => {
      expect(parseAcceptForm(withCount(count), retired(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
        ok: false,
        errors: { 'licenses.RETIRED_SUITE': 'Enter a whole number from 1 to 4.' },
      });
    });
  });

  it.each([
    ['missing', form({}, ['company'])],
    ['empty', form({ company: '' })],
    ['blank', form({ company: '   ' })],
    ['only a combining mark, nothing visible', form({ company: '\u0301' })],
  ])('asks to fill in a company name that is %s', (_label, fields) => {
    expect(parseAcceptForm(fields, basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
      ok: false,
      errors: { company: 'Fill in this field.' },
    });
  });

  it('asks for a letter or digit in a name of punctuation only', () => {
    expect(parseAcceptForm(form({ lastName: '---' }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
      ok: false,
      errors: { lastName: 'Use at least one letter or digit.' },
    });
  });

  it('takes a company name of 120 characters and says "at most 120" for 121', () => {
    expect(parseAcceptForm(form({ company: 'c'.repeat(120) }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject(
      {
        ok: true,
      },
    );
    expect(parseAcceptForm(form({ company: 'c'.repeat(121) }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject(
      {
        ok: false,
        errors: { company: 'Use at most 120 characters.' },
      },
    );
  });

  it('says why an email is refused: too long before the @, too long as a whole, or malformed', () => {
    const longLocal = `${'a'.repeat(65)}@tailwind.example`;
    const longWhole = `${'a'.repeat(64)}@${`${'b'.repeat(63)}.`.repeat(3)}example`;

    expect(parseAcceptForm(form({ email: longLocal }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
      ok: false,
      errors: { email: 'Use at most 64 characters before the @ (fewer with accented letters).' },
    });
    expect(parseAcceptForm(form({ email: longWhole }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
      ok: false,
      errors: { email: 'Use at most 254 characters.' },
    });
    expect(parseAcceptForm(form({ email: 'rita@tailwind' }), basicOffer(), PAGE_TEXT.en, FORM_TEXT.en)).toMatchObject({
      ok: false,
      errors: { email: 'Enter an email address such as name@example.com.' },
    });
  });

  it('reports each field that is wrong, in the page’s language', () => {
    const result = parseAcceptForm(
      form({ company: '', email: 'rita', 'licenses.M365_BUSINESS_BASIC': '0' }),
      basicOffer(),
      PAGE_TEXT['pt-BR'],
      FORM_TEXT['pt-BR'],
    );

    expect(result).toMatchObject({
      ok: false,
      errors: {
        company: 'Preencha este campo.',
        email: 'Informe um e-mail como nome@exemplo.com.',
        'licenses.M365_BUSINESS_BASIC': 'Informe um número inteiro de 1 a 300.',
      },
    });
  });
});

describe('the decline form', () => {
  const SUBMISSION = `mhx000000${'A'.repeat(22)}`;

  it('gives the reason trimmed', () => {
    const result = parseDeclineForm(
      { submission: SUBMISSION, reason: '  Budget frozen.\n' },
      basicOffer(),
      PAGE_TEXT.en,
    );

    expect(result).toEqual({ ok: true, value: { reason: 'Budget frozen.' } });
  });

  it.each([
    ['empty', { reason: '' }],
    ['only whitespace', { reason: ' \r\n ' }],
    ['not sent', {}],
  ])('gives no reason when the reason is %s', (_label, fields) => {
    const result = parseDeclineForm({ submission: SUBMISSION, ...fields }, basicOffer(), PAGE_TEXT.en);

    expect(result).toEqual({ ok: true, value: {} });
  });

  it('takes a reason of 500 characters and says "at most 500" for 501', () => {
    const decline = (reason: string) =>
      parseDeclineForm({ submission: SUBMISSION, reason }, basicOffer(), PAGE_TEXT.en);

    expect(decline('r'.repeat(500))).toEqual({ ok: true, value: { reason: 'r'.repeat(500) } });
    expect(decline('r'.repeat(501))).toMatchObject({ ok: false, errors: { reason: 'Use at most 500 characters.' } });
  });

  it('says the form is out of date without its submission token', () => {
    expect(parseDeclineForm({ reason: 'No budget' }, basicOffer(), PAGE_TEXT.en)).toMatchObject({
      ok: false,
      errors: {},
      formError: 'This form is out of date. Please check the offer and submit it again.',
    });
  });
});
