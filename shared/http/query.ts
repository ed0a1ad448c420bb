import * as z from 'zod/mini';

/**
 * `z.coerce` alternative that keeps query strings strict: "10" → 10, "10abc" → error. Any whole
 * number is one, so "-5" and "99999999999" are told the range (min, max), not "not a number".
 */
export const queryInt = (min: number, max: number) =>
  z
    .pipe(
      z.string().check(z.regex(/^-?\d+$/, 'must be a whole number')),
      z.transform((s) => Number(s)),
    )
    // The range, for the OpenAPI document: a query parameter's JSON Schema is a string.
    .check(z.minimum(min), z.maximum(max), z.meta({ description: `A whole number from ${min} to ${max}.` }));
