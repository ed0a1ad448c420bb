import * as z from 'zod/mini';
import { partnerLastSyncedAt } from '../../shared/domain/office.ts';
import { cappedErrors, MAX_PROBLEM_ERRORS } from '../../shared/http/problem.ts';
import { repeatedParameters } from '../../shared/http/validation.ts';
import { nullAsAbsent, wholeNumber } from '../../shared/schemas/common.ts';
import { canonicalEmail, emailAddress } from '../../shared/schemas/email.ts';
import { nameText, normalizeText, paragraphText, textRuleBroken } from '../../shared/schemas/text.ts';

/** The rule of the first issue, as the partner API reports it (params.rule or zod's code). */
function ruleOf(result: { success: boolean; error?: z.core.$ZodError }): string | undefined {
  const issue = result.error?.issues[0];
  if (!issue) return undefined;
  return issue.code === 'custom' && typeof issue.params?.rule === 'string' ? issue.params.rule : issue.code;
}

describe('text rules (shared/schemas/text.ts)', () => {
  const name = nameText(20);

  it.each([
    ['a zero-width space', '\u200b', 'no_invisible_characters'],
    ['a zero-width space beside letters', 'Ana\u200bMaria', 'no_invisible_characters'],
    ['a Hangul filler (a "letter" that shows nothing)', '\u3164', 'no_invisible_characters'],
    ['Hangul choseong and jungseong fillers', '\u115f\u1160', 'no_invisible_characters'],
    ['a halfwidth Hangul filler', '\uffa0', 'no_invisible_characters'],
    ['a braille blank', '\u2800', 'no_invisible_characters'],
    ['a Mongolian vowel separator', 'a\u180eb', 'no_invisible_characters'],
    ['a word joiner', 'a\u2060b', 'no_invisible_characters'],
    ['a zero-width no-break space (BOM) inside', 'Ana\ufeffMaria', 'no_invisible_characters'],
    ['a soft hyphen', 'Ana\u00adMaria', 'no_invisible_characters'],
    ['a tag character', 'Ana\u{e0041}', 'no_invisible_characters'],
    ['a joiner at the start', '\u200dAna', 'no_invisible_characters'],
    ['a non-joiner beside a space', 'Ana \u200cMaria', 'no_invisible_characters'],
    ['a variation selector with nothing before it', '\ufe0fAna', 'no_invisible_characters'],
    ['a lone high surrogate', 'Ana\ud800', 'well_formed_unicode'],
    ['a lone low surrogate', '\udc00Ana', 'well_formed_unicode'],
    ['a line separator', 'Ana\u2028Maria', 'no_control_characters'],
    ['a right-to-left override', 'Ana\u202eairaM', 'no_control_characters'],
    ['only punctuation', '...', 'needs_letter_or_digit'],
    ['only an emoji', '👍', 'needs_letter_or_digit'],
    ['only spaces', '   ', 'not_blank'],
    ['only a combining mark', '\u0301', 'not_blank'],
  ])('refuses a name with %s (%s)', (_label, value, rule) => {
    const result = name.safeParse(value);
    expect(result.success).toBe(false);
    expect(ruleOf(result)).toBe(rule);
    expect(textRuleBroken(value.trim(), { name: true })).toBe(rule);
  });

  it.each([
    ['Persian with a zero-width non-joiner', 'می\u200cخواهم'],
    ['an emoji ZWJ sequence beside a name', '👩\u200d💻 Ana'],
    ['an emoji with a variation selector', '❤\ufe0f Ana'],
    ['digits only', '42'],
    ['Devanagari with a virama and a joiner', 'क्\u200dष'],
  ])('takes a name with %s', (_label, value) => {
    expect(name.safeParse(value)).toEqual({ success: true, data: value });
  });

  it('stores names NFC-normalised and trimmed, and counts the limit on what is stored', () => {
    expect(name.parse('  Ac\u0327a\u0303o  ')).toBe('A\u00e7\u00e3o');
    // A pasted byte order mark at an edge is whitespace to String.prototype.trim: dropped, not refused.
    expect(name.parse('\ufeffAna')).toBe('Ana');
    // 20 decomposed letters are 40 code units typed, 20 stored.
    expect(nameText(20).parse('e\u0301'.repeat(20))).toBe('\u00e9'.repeat(20));
    expect(normalizeText(' Ac\u0327a\u0303o ', { name: true })).toBe('A\u00e7\u00e3o');
  });

  it('keeps line breaks and tabs in paragraphs, NFC-normalised, refusing invisible-only text', () => {
    const intro = paragraphText(100);
    expect(intro.parse('Ol\u00e1,\n\tAc\u0327a\u0303o')).toBe('Ol\u00e1,\n\tA\u00e7\u00e3o');
    expect(ruleOf(intro.safeParse('\u200b\n'))).toBe('no_invisible_characters');
    expect(ruleOf(intro.safeParse('\n\n'))).toBe('not_blank');
    expect(ruleOf(intro.safeParse('Hi\u0007'))).toBe('no_control_characters');
  });

  it('lets an optional form paragraph be empty, trimmed', () => {
    const reason = paragraphText(100, { trim: true, allowEmpty: true });
    expect(reason.parse('  ')).toBe('');
    expect(reason.parse(' Too expensive \n')).toBe('Too expensive');
    expect(ruleOf(reason.safeParse('\u3164'))).toBe('no_invisible_characters');
  });
});

const CYRILLIC = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';

describe('email rule (shared/schemas/email.ts)', () => {
  it.each([
    ['ana@пример.рф', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['ana@xn--e1afmkfd.xn--p1ai', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['ana@XN--E1AFMKFD.XN--P1AI', 'ana@xn--e1afmkfd.xn--p1ai'],
    ['marta@bücherei.de', 'marta@xn--bcherei-n2a.de'],
    ['Marta.Silva+offers@Example.COM', 'Marta.Silva+offers@example.com'],
    ['josé@exemplo.com.br', 'jos\u00e9@exemplo.com.br'],
    ['jose\u0301@exemplo.com.br', 'jos\u00e9@exemplo.com.br'],
    ['  pat@fabrikam.example ', 'pat@fabrikam.example'],
    [`${'a'.repeat(64)}@example.com`, `${'a'.repeat(64)}@example.com`],
  ])('takes %j and stores %j', (input, stored) => {
    expect(canonicalEmail(input)).toEqual({ ok: true, email: stored });
    expect(emailAddress.parse(input)).toBe(stored);
  });

  it.each([
    [`${'a'.repeat(65)}@example.com`, 'email_local_part_too_long'],
    [`${'a'.repeat(70)}@example.com`, 'email_local_part_too_long'],
    // 33 two-octet letters: 33 characters but 66 octets.
    [`${'é'.repeat(33)}@example.com`, 'email_local_part_too_long'],
    [`a@${Array.from({ length: 4 }, () => 'b'.repeat(63)).join('.')}.com`, 'email_too_long'],
    // 220 characters typed; 282 octets once the Cyrillic domain is in ASCII, as it is stored.
    [`a@${Array.from({ length: 8 }, (_, i) => CYRILLIC.slice(i % 3, (i % 3) + 26)).join('.')}.рф`, 'email_too_long'],
    ['ana@localhost', 'format:email'],
    ['ana', 'format:email'],
    ['@example.com', 'format:email'],
    ['ana@@example.com', 'format:email'],
    ['ana maria@example.com', 'format:email'],
    ['ana@exa\u200bmple.com', 'format:email'],
    ['ana\u200b@example.com', 'format:email'],
    ['ana\u0085@example.com', 'format:email'],
    ['ana\ud800@example.com', 'format:email'],
    ['ana@-example.com', 'format:email'],
    ['ana@example.123', 'format:email'],
  ])('refuses %j (%s)', (input, rule) => {
    expect(canonicalEmail(input)).toEqual({ ok: false, rule });
    expect(ruleOf(emailAddress.safeParse(input))).toBe(rule);
  });

  it('refuses a value of kilobytes before parsing it', () => {
    expect(ruleOf(emailAddress.safeParse(`${'x'.repeat(5000)}@example.com`))).toBe('email_too_long');
  });
});

describe('null as absent (shared/schemas/common.ts)', () => {
  const schema = nullAsAbsent({
    id: z.string(),
    note: z.optional(z.string()),
    flag: z._default(z.boolean(), false),
  });

  it('drops null optional fields and applies defaults', () => {
    expect(schema.parse({ id: 'a', note: null, flag: null })).toEqual({ id: 'a', flag: false });
    expect(Object.hasOwn(schema.parse({ id: 'a', note: null }), 'note')).toBe(false);
  });

  it('still refuses a required field sent as null, and unknown fields', () => {
    const result = schema.safeParse({ id: null }, { reportInput: true });
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'invalid_type', path: ['id'] })]);
    expect(schema.safeParse({ id: 'a', other: null }).success).toBe(false);
  });
});

describe('whole numbers of any size (shared/schemas/common.ts)', () => {
  it('takes huge whole numbers so range rules can name their limits', () => {
    expect(wholeNumber().parse(1e308)).toBe(1e308);
    expect(wholeNumber().parse(Number.POSITIVE_INFINITY)).toBe(Number.MAX_VALUE);
    expect(ruleOf(wholeNumber().safeParse(2.5))).toBe('integer');
    const bounded = wholeNumber().check(z.maximum(10));
    expect(bounded.safeParse(1e308).error?.issues).toEqual([expect.objectContaining({ code: 'too_big', maximum: 10 })]);
  });
});

describe('capped problem errors (shared/http/problem.ts)', () => {
  const errors = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ field: `body.k${i}`, rule: 'unrecognized_key', message: 'x' }));

  it('keeps the first 20 and counts the rest', () => {
    const capped = cappedErrors(errors(6000));
    expect(capped.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(capped.errors?.[0]?.field).toBe('body.k0');
    expect(capped.errorsOmitted).toBe(5980);
  });

  it('says nothing of omissions when none were left out, and nothing at all without errors', () => {
    expect(cappedErrors(errors(20))).toEqual({ errors: errors(20) });
    expect(cappedErrors([])).toEqual({});
  });

  it('cuts long field paths without splitting a surrogate pair', () => {
    const field = `body.${'x'.repeat(194)}😀${'y'.repeat(1000)}`;
    const [error] = cappedErrors([{ field, rule: 'unrecognized_key', message: 'x' }]).errors ?? [];
    expect(error?.field).toBe(`body.${'x'.repeat(194)}…`);
  });
});

describe('repeated query parameters (shared/http/validation.ts)', () => {
  it('names each parameter given more than once, once', () => {
    expect(repeatedParameters('limit=5&limit=6')).toEqual(['limit']);
    expect(repeatedParameters('a=1&b=2&a=3&b=4&a=5&c=6')).toEqual(['a', 'b']);
    expect(repeatedParameters('li%6Dit=5&limit=6')).toEqual(['limit']);
    expect(repeatedParameters('limit=5&cursor=x')).toEqual([]);
    expect(repeatedParameters('')).toEqual([]);
  });
});

describe('partnerLastSyncedAt (shared/domain/office.ts)', () => {
  const scheduledRunAt = '2026-11-29T10:00:00.000Z';
  it('is null for a partner with nothing stored and no on-demand sync, whatever the scheduled runs did', () => {
    expect(partnerLastSyncedAt({ scheduledRunAt }, false)).toBeNull();
    expect(partnerLastSyncedAt({}, true)).toBeNull();
  });
  it('is the later of its on-demand sync and, once it has offices, the last scheduled run', () => {
    expect(partnerLastSyncedAt({ scheduledRunAt }, true)).toBe(scheduledRunAt);
    expect(partnerLastSyncedAt({ scheduledRunAt, onDemandAt: '2026-11-29T09:00:00.000Z' }, false)).toBe(
      '2026-11-29T09:00:00.000Z',
    );
    expect(partnerLastSyncedAt({ scheduledRunAt, onDemandAt: '2026-11-29T09:00:00.000Z' }, true)).toBe(scheduledRunAt);
  });
});
