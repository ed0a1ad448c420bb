import * as z from 'zod/mini';

/** `GET /v1/offices?active=true`: only active (or inactive) offices; absent, all of them. */
export const listOfficesQuery = z.strictObject({ active: z.optional(z.enum(['true', 'false'])) });
