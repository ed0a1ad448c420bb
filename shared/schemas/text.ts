import * as z from 'zod/mini';

/**
 * The one definition of what text people type may contain, for partner fields (shown to
 * customers), customer answers (shown to partners) and office names from the directory.
 *
 * Rules, in the order they are checked (each names itself in errors):
 * - `well_formed_unicode`: no lone UTF-16 surrogates (they cannot be stored as UTF-8 or shown).
 * - `no_control_characters`: no C0/C1 controls or DEL, no bidi embeddings, overrides or isolates
 *   (they can make what is shown differ from what was stored: a reversed company name), and in
 *   single-line text no line or paragraph separators. Multi-line text may hold tabs and line breaks.
 * - `no_invisible_characters`: nothing that shows as nothing (see INVISIBLE below), so an invisible
 *   name or one that looks the same as another cannot be stored.
 * - `not_blank`: something visible remains once whitespace is ignored.
 * - `needs_letter_or_digit` (names only): a name has at least one letter or digit (Unicode
 *   categories L and N), so a name of dots or emoji alone is refused.
 * What is stored is the NFC form (`Ac\u0327a\u0303o` is stored as `Ação`), so equal-looking text
 * compares equal; names are also trimmed. Length limits apply to what is stored.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
export const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/** The same for multi-line text (textareas): tabs and line breaks are allowed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
export const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Characters refused anywhere: Unicode's default-ignorable code points that have no job in typed
 * text (soft hyphen U+00AD, combining grapheme joiner U+034F, zero-width space U+200B, word joiner
 * and invisible operators U+2060-U+2064, deprecated format characters U+206A-U+206F, BOM/zero-width
 * no-break space U+FEFF, U+FFF0-U+FFF8, shorthand format controls U+1BCA0-U+1BCA3, musical format
 * controls U+1D173-U+1D17A, tag characters U+E0000-U+E007F and the rest of plane 14 outside the
 * variation selectors), the fillers that render blank yet count as letters (Hangul fillers U+115F,
 * U+1160, U+3164, U+FFA0; Khmer inherent vowels U+17B4, U+17B5), the Mongolian vowel separator
 * U+180E and the braille blank U+2800.
 */
export const INVISIBLE =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single code points are the point, not combined characters
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u2060-\u2065\u206a-\u206f\u2800\u3164\ufeff\uffa0\ufff0-\ufff8\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e00ff}\u{e01f0}-\u{e0fff}]/u;

/**
 * Zero-width non-joiner and joiner (U+200C, U+200D) are part of how Persian, Indic scripts and emoji
 * sequences are written, so they are allowed only between two letters, marks, digits or emoji
 * (`می‌خواهم`, `👩‍💻`); anywhere else (alone, at an edge, beside a space or another joiner) they only hide.
 */
const STRAY_JOINER =
  /(?<![\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}])[\u200c\u200d]|[\u200c\u200d](?![\p{L}\p{M}\p{N}\p{Extended_Pictographic}])/u;

/**
 * Variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF, Mongolian U+180B-U+180D, U+180F) choose how
 * the character before them looks (`❤️`): allowed only right after a visible character.
 */
const STRAY_VARIATION_SELECTOR =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: single code points are the point, not combined characters
  /(?<![^\s\p{Cc}\p{Cf}\ufe00-\ufe0f\u180b-\u180d\u180f\u{e0100}-\u{e01ef}])[\ufe00-\ufe0f\u180b-\u180d\u180f\u{e0100}-\u{e01ef}]/u;

/** Something other than whitespace, controls, format characters and combining marks. */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{M}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The rule names text checks report (`errors[].rule` in the partner API). */
export type TextRule =
  | 'well_formed_unicode'
  | 'no_control_characters'
  | 'no_invisible_characters'
  | 'not_blank'
  | 'needs_letter_or_digit';

export interface TextKind {
  /** Tabs and line breaks allowed (textareas, paragraphs). */
  readonly multiline?: boolean;
  /** Needs a letter or digit: names of companies, people, offices, cities. */
  readonly name?: boolean;
}

/** Whether `value` holds an invisible character, or a joiner or variation selector out of place. */
export function hasInvisibleCharacters(value: string): boolean {
  return INVISIBLE.test(value) || STRAY_JOINER.test(value) || STRAY_VARIATION_SELECTOR.test(value);
}

/**
 * The first rule `value` breaks, or undefined. `value` is checked as given: normalise (and trim
 * names) first with `normalizeText` to check what would be stored.
 */
export function textRuleBroken(value: string, kind: TextKind = {}): TextRule | undefined {
  if (!value.isWellFormed()) return 'well_formed_unicode';
  if ((kind.multiline ? UNSAFE_IN_TEXT : UNSAFE_IN_LINE).test(value)) return 'no_control_characters';
  if (hasInvisibleCharacters(value)) return 'no_invisible_characters';
  if (!VISIBLE.test(value)) return 'not_blank';
  if (kind.name && !LETTER_OR_DIGIT.test(value)) return 'needs_letter_or_digit';
  return undefined;
}

/** What is stored: NFC, and names without surrounding whitespace. Ill-formed input is left as is. */
export function normalizeText(value: string, kind: TextKind = {}): string {
  if (!value.isWellFormed()) return value;
  const normalized = value.normalize('NFC');
  return kind.name ? normalized.trim() : normalized;
}

const RULE_MESSAGES: Record<TextRule, string> = {
  well_formed_unicode: 'must be well-formed Unicode (no lone surrogates)',
  no_control_characters: 'must not contain control or text-direction characters',
  no_invisible_characters: 'must not contain invisible characters (zero-width, fillers, blanks)',
  not_blank: 'must not be empty',
  needs_letter_or_digit: 'must contain a letter or a digit',
};

/**
 * One check per rule, in order, each aborting so a value is reported once with the first rule it
 * breaks (and later checks never run on ill-formed or hidden text).
 */
function textChecks(kind: TextKind & { allowEmpty?: boolean }) {
  const rule = (name: TextRule, holds: (value: string) => boolean) =>
    z.refine<string>(holds, { error: RULE_MESSAGES[name], params: { rule: name }, abort: true });
  const unsafe = kind.multiline ? UNSAFE_IN_TEXT : UNSAFE_IN_LINE;
  return [
    rule('no_control_characters', (value) => !unsafe.test(value)),
    rule('no_invisible_characters', (value) => !hasInvisibleCharacters(value)),
    rule('not_blank', (value) => (kind.allowEmpty === true && value === '') || VISIBLE.test(value)),
    ...(kind.name ? [rule('needs_letter_or_digit', (value) => LETTER_OR_DIGIT.test(value))] : []),
  ];
}

const wellFormed = z.refine<string>((value) => value.isWellFormed(), {
  error: RULE_MESSAGES.well_formed_unicode,
  params: { rule: 'well_formed_unicode' },
  abort: true,
});

/**
 * A name (company, person, office, city): one line, trimmed, NFC, 1..max UTF-16 code units once
 * stored, with a letter or digit. Output is the stored form.
 */
export const nameText = (max: number) =>
  z.string().check(
    wellFormed,
    z.overwrite((value) => normalizeText(value, { name: true })),
    ...textChecks({ name: true }),
    z.maxLength(max),
  );

/**
 * Multi-line text (an intro, a closing, a reason): tabs and line breaks allowed, NFC, something
 * visible, at most max UTF-16 code units once stored. `trim` drops surrounding whitespace too;
 * `allowEmpty` takes '' (after trimming) for an optional field a form always sends.
 */
export const paragraphText = (max: number, options: { trim?: boolean; allowEmpty?: boolean } = {}) =>
  z.string().check(
    wellFormed,
    z.overwrite((value) => {
      const normalized = normalizeText(value, { multiline: true });
      return options.trim ? normalized.trim() : normalized;
    }),
    ...textChecks({ multiline: true, allowEmpty: options.allowEmpty === true }),
    z.maxLength(max),
  );

/** Rule `no_control_characters` alone, for values that are not free text (URLs); aborts. */
export const noUnsafeCharacters = (pattern: RegExp) =>
  z.refine<string>((value) => !pattern.test(value), {
    error: RULE_MESSAGES.no_control_characters,
    params: { rule: 'no_control_characters' },
    abort: true,
  });
