import * as z from 'zod/mini';
import type { StoredDelivery } from '../db/webhook-deliveries.ts';
import { queryInt } from '../http/query.ts';

/** `wd_` + 9 base-36 time characters + 16 id characters (shared/db/webhook-deliveries.ts). */
export const DELIVERY_ID_PATTERN = /^wd_[0-9a-z]{9}[A-Za-z0-9]{16}$/;

/** Opaque to partners: base64url of the last delivery's id. */
export function encodeDeliveryCursor(deliveryId: string): string {
  return Buffer.from(`delivery:${deliveryId}`, 'utf8').toString('base64url');
}

function decodeDeliveryCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const deliveryId = decoded.startsWith('delivery:') ? decoded.slice('delivery:'.length) : '';
  return DELIVERY_ID_PATTERN.test(deliveryId) ? deliveryId : undefined;
}

/** `GET /v1/webhook-endpoints/{endpointId}/deliveries`: newest first, `limit` 1–100 (default 20). */
export const listDeliveriesQuery = z.strictObject({
  limit: z.optional(queryInt(1, 100)),
  cursor: z.optional(
    z.pipe(
      z.string().check(
        z.maxLength(200),
        z.refine((value) => decodeDeliveryCursor(value) !== undefined, {
          error: 'is not a cursor from a previous page',
          params: { rule: 'invalid_cursor' },
        }),
      ),
      z.transform((value) => decodeDeliveryCursor(value) as string),
    ),
  ),
});

/** Ids are opaque here too: a delivery id of the wrong shape is simply not found (404). */
export const deliveryPath = z.object({ endpointId: z.string(), deliveryId: z.string() });

/**
 * One delivery as the log shows it: status, attempts, the last answer's code, latency (ms) and at
 * most 1 KB of its body, or the error when none came. The event's data is not repeated here (it
 * was sent to the endpoint; a redelivery sends it again).
 */
export function deliveryView(delivery: StoredDelivery) {
  return {
    deliveryId: delivery.deliveryId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    ...(delivery.lastResponseCode !== undefined ? { lastResponseCode: delivery.lastResponseCode } : {}),
    ...(delivery.lastLatencyMs !== undefined ? { lastLatencyMs: delivery.lastLatencyMs } : {}),
    ...(delivery.lastResponseBody !== undefined ? { lastResponseBody: delivery.lastResponseBody } : {}),
    ...(delivery.lastError !== undefined ? { lastError: delivery.lastError } : {}),
    ...(delivery.nextAttemptAt !== undefined ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    ...(delivery.redeliveryOf !== undefined ? { redeliveryOf: delivery.redeliveryOf } : {}),
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

const instant = () => z.string().check(z.meta({ format: 'date-time' }));

/** One delivery in the log (deliveryView), for the OpenAPI document and the contract test. */
export const deliverySchema = z.looseObject({
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'dead-lettered']),
  attempts: z.number().check(z.int()),
  lastResponseCode: z.optional(z.number().check(z.int())),
  lastLatencyMs: z.optional(z.number().check(z.meta({ description: 'ms the last attempt took.' }))),
  lastResponseBody: z.optional(
    z.string().check(z.meta({ description: "At most 1 KB (UTF-8) of the last answer's body." })),
  ),
  lastError: z.optional(z.string().check(z.meta({ description: 'Why the last attempt got no answer.' }))),
  nextAttemptAt: z.optional(instant()),
  redeliveryOf: z.optional(z.string()),
  createdAt: instant(),
  updatedAt: instant(),
});

export const deliveryListSchema = z.looseObject({
  endpointId: z.string(),
  deliveries: z.array(deliverySchema),
  nextCursor: z.optional(z.string()),
});

/** 202 of the retry route. */
export const redeliverySchema = z.looseObject({
  deliveryId: z.string(),
  eventId: z.string(),
  status: z.string(),
  redeliveryOf: z.string(),
});
