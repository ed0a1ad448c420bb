import * as z from 'zod/mini';

/**
 * Characters that have no place in text a person typed and another person reads: C0 and C1
 * controls, DEL, and the bidi embeddings, overrides and isolates, which can make what is shown
 * differ from what was stored (a reversed company name). Partner text (shown to customers) and
 * customer answers (shown to partners) are checked alike.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
export const UNSAFE_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same for multi-line text (textareas): tabs and line breaks are allowed. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
export const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Rule `no_control_characters`; aborts, so later checks do not run on such a value. */
export const noUnsafeCharacters = (pattern: RegExp) =>
  z.refine<string>((value) => !pattern.test(value), {
    error: 'must not contain control or text-direction characters',
    params: { rule: 'no_control_characters' },
    abort: true,
  });
