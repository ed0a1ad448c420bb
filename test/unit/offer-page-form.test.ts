import { MAX_FORM_BYTES, readFormBody } from '../../functions/offer-page/form.ts';

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
