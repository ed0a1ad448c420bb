import * as z from 'zod/mini';
import { isUsageLocation } from '../catalog/catalog.ts';

/**
 * A usage location is an ISO 3166-1 alpha-2 code we sell in. Format and support are two rules so
 * a caller learns whether it sent garbage ("brazil") or an unsupported country ("ZZ").
 */
export const usageLocationSchema = z.string().check(
  z.regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 country code in upper case, such as BR', abort: true }),
  z.refine(isUsageLocation, {
    error: 'is not a usage location we sell in; see GET /v1/usage-locations',
    params: { rule: 'unsupported_usage_location' },
  }),
  z.meta({ description: 'ISO 3166-1 alpha-2 code of a usage location we sell in (GET /v1/usage-locations).' }),
);

/** Longer Accept-Language headers are cut to this (at an entry boundary): plenty for real browsers. */
export const MAX_ACCEPT_LANGUAGE_LENGTH = 256;

/**
 * Locale negotiation never fails, so neither does this header: an over-long value is not a 400 but
 * is cut after its last whole entry within MAX_ACCEPT_LANGUAGE_LENGTH characters (the caller's
 * first, usually preferred, languages), or dropped when even its first entry is longer. The cut
 * bounds the work negotiateLocale does on a hostile header.
 */
export function boundedAcceptLanguage(value: string): string | undefined {
  if (value.length <= MAX_ACCEPT_LANGUAGE_LENGTH) return value;
  const head = value.slice(0, MAX_ACCEPT_LANGUAGE_LENGTH + 1);
  const cut = head.lastIndexOf(',');
  return cut > 0 ? head.slice(0, cut) : undefined;
}

export const acceptLanguageHeaders = z.object({
  'accept-language': z.optional(z.pipe(z.string(), z.transform(boundedAcceptLanguage))),
});

/** The objects nullAsAbsent made, so the OpenAPI document can say their optional fields take null. */
export const NULL_AS_ABSENT_OBJECTS = new WeakSet<object>();

/**
 * A strict object whose optional fields (optional or with a default) may also be sent as `null`,
 * which many JSON clients do for "not set": such a field is dropped before parsing, so it is
 * absent (or takes its default). A required field sent as `null` is still an error
 * (`invalid_type`), and a value that is not an object is reported by the object as usual.
 */
export function nullAsAbsent<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const optional = Object.keys(shape).filter((key) => {
    const optin = shape[key]?._zod.optin;
    return optin === 'optional' || optin === 'defaulted';
  });
  const object = z.strictObject(shape);
  NULL_AS_ABSENT_OBJECTS.add(object);
  return z.pipe(
    z.transform((input: unknown) => {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
      const record = input as Record<string, unknown>;
      if (!optional.some((key) => Object.hasOwn(record, key) && record[key] === null)) return input;
      // A copy keeps the caller's value as sent; spread defines own properties (a `__proto__` key stays a key).
      const copy = { ...record };
      for (const key of optional) if (copy[key] === null) delete copy[key];
      return copy;
    }),
    object,
  );
}

/**
 * A whole number of any size. Range rules come after this one and name their own limits, so
 * `1e308` is "must be between 1 and 300", not a safe-integer bound nobody asked about; a JSON
 * number too large for a double (`1e400`, which JSON.parse reads as Infinity) counts as the
 * largest one rather than as "not a number".
 */
export const wholeNumber = () =>
  z.pipe(
    z.transform((value: unknown) =>
      value === Number.POSITIVE_INFINITY
        ? Number.MAX_VALUE
        : value === Number.NEGATIVE_INFINITY
          ? -Number.MAX_VALUE
          : value,
    ),
    z.number().check(z.refine(Number.isInteger, { error: 'must be a whole number', params: { rule: 'integer' } })),
  );
