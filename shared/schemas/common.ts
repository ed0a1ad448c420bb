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
);

export const acceptLanguageHeaders = z.object({ 'accept-language': z.optional(z.string().check(z.maxLength(256))) });
