import * as z from 'zod/mini';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook.ts';
import { nullAsAbsent } from './common.ts';
import { createOfferHeaders } from './offers.ts';
import { nameText, noUnsafeCharacters, UNSAFE_IN_LINE } from './text.ts';

/**
 * Request schemas for the webhook endpoints API. Shape and size only (400 `invalid-request` naming
 * the field); whether the URL's host is public (SSRF rules, after DNS resolution) and the
 * 10-endpoint limit are checked by the route and answered with their own 422 and 409.
 */
export const WEBHOOK_TEXT_LIMITS = {
  /** Characters of the URL as sent (and as stored, once normalised). */
  url: 2048,
  description: 256,
} as const;

/**
 * An absolute http(s) URL, stored as the parser's normalised href. http passes here only so that
 * the route can answer it with the SSRF check's rule: https only, except loopback receivers in a
 * local run.
 */
export const webhookUrlSchema = z.pipe(
  z.string().check(
    z.maxLength(WEBHOOK_TEXT_LIMITS.url),
    noUnsafeCharacters(UNSAFE_IN_LINE),
    z.refine((value) => value.trim() === value, {
      error: 'must not start or end with spaces',
      params: { rule: 'no_surrounding_whitespace' },
      abort: true,
    }),
    z.refine((value) => URL.canParse(value), {
      error: 'must be an absolute URL',
      params: { rule: 'url' },
      abort: true,
    }),
    z.refine((value) => ['https:', 'http:'].includes(new URL(value).protocol), {
      error: 'must be an https:// URL',
      params: { rule: 'https_only' },
      abort: true,
    }),
    z.refine((value) => new URL(value).hash === '', {
      error: 'must not have a #fragment',
      params: { rule: 'no_fragment' },
      abort: true,
    }),
  ),
  z.transform((value) => new URL(value).href),
);

/** A non-empty list of event types, each once. */
export const webhookEventsSchema = z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(
  z.minLength(1, 'must list at least one event type'),
  z.refine((events) => new Set(events).size === events.length, {
    error: 'must list each event type once',
    params: { rule: 'unique_items' },
  }),
);

export const createWebhookEndpointBody = nullAsAbsent({
  url: webhookUrlSchema,
  events: webhookEventsSchema,
  description: z.optional(nameText(WEBHOOK_TEXT_LIMITS.description)),
});
export type CreateWebhookEndpointBody = z.output<typeof createWebhookEndpointBody>;

/** An optional Idempotency-Key, with the offers API's rules (1 to 255 visible ASCII characters). */
export const createWebhookEndpointHeaders = createOfferHeaders;

/** Endpoint ids are opaque here: an id of the wrong shape is simply not found (404). */
export const webhookEndpointPath = z.object({ endpointId: z.string() });
