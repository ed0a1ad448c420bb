import * as z from 'zod/mini';
import { usageLocationSchema } from './common.ts';

/** `GET /v1/catalog?usageLocation=BR`: the subscriptions sold in one usage location. */
export const catalogQuery = z.strictObject({ usageLocation: usageLocationSchema });
