import * as z from 'zod/mini';
import { describeIssue, fieldPath, repeatedError, toFieldErrors } from '../../shared/http/validation.ts';

/**
 * The issues zod reports for `input` against `schema` (the input must be invalid), parsed as the HTTP
 * layer parses requests: with the input reported, so a wrong type is told apart from a missing value.
 */
function issuesOf(schema: z.ZodMiniType, input: unknown): z.core.$ZodIssue[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be invalid`);
  return result.error.issues;
}

function messageOf(schema: z.ZodMiniType, input: unknown): string {
  const [issue] = issuesOf(schema, input);
  if (!issue) throw new Error('no issue');
  return describeIssue(issue);
}

describe('field paths', () => {
  it('writes array indexes in brackets and keys after dots, under the location', () => {
    expect(fieldPath('body', ['items', 2, 'licenses'])).toBe('body.items[2].licenses');
    expect(fieldPath('query', [])).toBe('query');
  });
});

describe('bound messages say whether the bound itself is allowed', () => {
  it.each([
    [
      'a maximum length (the bound is allowed)',
      z.string().check(z.maxLength(3)),
      'abcd',
      'must be at most 3 characters long',
    ],
    [
      'a minimum length (the bound is allowed)',
      z.string().check(z.minLength(2)),
      'a',
      'must be at least 2 characters long',
    ],
    ['an inclusive maximum', z.number().check(z.lte(10)), 11, 'must be at most 10'],
    ['an exclusive maximum (the bound is refused)', z.number().check(z.lt(10)), 10, 'must be less than 10'],
    ['an inclusive minimum', z.number().check(z.gte(1)), 0, 'must be at least 1'],
    ['an exclusive minimum (the bound is refused)', z.number().check(z.gt(0)), 0, 'must be more than 0'],
    ['an array maximum', z.array(z.string()).check(z.maxLength(1)), ['a', 'b'], 'must have at most 1 items'],
    ['an array minimum', z.array(z.string()).check(z.minLength(1)), [], 'must have at least 1 items'],
    ['a set maximum', z.set(z.string()).check(z.maxSize(1)), new Set(['a', 'b']), 'must have at most 1 items'],
  ])('%s', (_label, schema, input, message) => {
    expect(messageOf(schema, input)).toBe(message);
  });
});

describe('other messages', () => {
  it.each([
    ['a missing value', z.object({ name: z.string() }), {}, 'is required'],
    ['a wrong type with "a"', z.string(), 5, 'must be a string'],
    ['a wrong type with "an"', z.object({}), 'x', 'must be an object'],
    ['a pattern', z.string().check(z.regex(/^a$/)), 'b', 'has an invalid format'],
    ['a named format', z.string().check(z.uuid()), 'x', 'must be a valid uuid'],
    ['an enum', z.enum(['en', 'pt-BR']), 'fr', 'must be one of: "en", "pt-BR"'],
    ['a multiple', z.number().check(z.multipleOf(5)), 7, 'must be a multiple of 5'],
    ['a custom message', z.string().check(z.maxLength(3, 'is too long for a code')), 'abcd', 'is too long for a code'],
  ])('%s', (_label, schema, input, message) => {
    expect(messageOf(schema, input)).toBe(message);
  });
});

describe('messages for issues the HTTP layer reports on its own', () => {
  it('calls an unknown key not a recognised field', () => {
    const [issue] = issuesOf(z.strictObject({}), { colour: 'red' });

    expect(issue && describeIssue(issue)).toBe('is not a recognised field');
  });

  it('calls a value that matches no alternative invalid', () => {
    expect(messageOf(z.union([z.string(), z.number()]), true)).toBe('is invalid');
  });
});

describe('field errors', () => {
  it('names a check without a rule of its own by its code, custom', () => {
    const schema = z.string().check(z.refine((value) => value !== 'x', { message: 'must not be x' }));

    expect(toFieldErrors('body', issuesOf(schema, 'x'))).toEqual([
      { field: 'body', rule: 'custom', message: 'must not be x' },
    ]);
  });

  it('calls an issue required only when its code says the value is missing, not when the input went unreported', () => {
    const issue: z.core.$ZodIssue = {
      code: 'too_big',
      origin: 'number',
      maximum: 5,
      inclusive: true,
      path: ['count'],
      message: 'Invalid input',
    };

    expect(toFieldErrors('body', [issue])).toEqual([
      { field: 'body.count', rule: 'too_big', message: 'must be at most 5' },
    ]);
  });

  it('names the field, the rule partners branch on and the message', () => {
    const schema = z.object({ items: z.array(z.object({ licenses: z.number().check(z.lte(5)) })) });

    const errors = toFieldErrors('body', issuesOf(schema, { items: [{ licenses: 1 }, { licenses: 6 }] }));

    expect(errors).toEqual([{ field: 'body.items[1].licenses', rule: 'too_big', message: 'must be at most 5' }]);
  });

  it('tells a missing field (required) from one of the wrong type (invalid_type)', () => {
    const schema = z.object({ name: z.string(), count: z.number() });

    const errors = toFieldErrors('body', issuesOf(schema, { count: 'x' }));

    expect(errors).toEqual([
      { field: 'body.name', rule: 'required', message: 'is required' },
      { field: 'body.count', rule: 'invalid_type', message: 'must be a number' },
    ]);
  });

  it('reports a pattern as "pattern" and a named format as "format:<name>"', () => {
    const schema = z.object({ code: z.string().check(z.regex(/^\d+$/)), id: z.string().check(z.uuid()) });

    const errors = toFieldErrors('query', issuesOf(schema, { code: 'x', id: 'y' }));

    expect(errors.map(({ field, rule }) => ({ field, rule }))).toEqual([
      { field: 'query.code', rule: 'pattern' },
      { field: 'query.id', rule: 'format:uuid' },
    ]);
  });

  it("uses a custom check's own rule name", () => {
    const schema = z
      .string()
      .check(z.refine((value) => value !== 'x', { message: 'must not be x', params: { rule: 'not_x' } }));

    expect(toFieldErrors('body', issuesOf(schema, 'x'))).toEqual([
      { field: 'body', rule: 'not_x', message: 'must not be x' },
    ]);
  });

  it('reports each unknown key at the key itself', () => {
    const schema = z.strictObject({ name: z.string() });

    const errors = toFieldErrors('body', issuesOf(schema, { name: 'a', colour: 'red', size: 2 }));

    expect(errors).toEqual([
      { field: 'body.colour', rule: 'unrecognized_key', message: 'is not a recognised field' },
      { field: 'body.size', rule: 'unrecognized_key', message: 'is not a recognised field' },
    ]);
  });

  it('names a repeated query parameter', () => {
    expect(repeatedError('limit')).toEqual({ field: 'query.limit', rule: 'repeated', message: 'must be given once' });
  });
});
