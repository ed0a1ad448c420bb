/**
 * Webhooks: a partner registers endpoints (https URLs on public hosts) and we deliver signed events
 * to them, per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature` headers; secrets `whsec_<base64>`). Delivery is at least once: consumers
 * dedupe on `webhook-id` (the event id).
 */

/** Every event type a partner can subscribe to, plus `ping` (sent by the test route only). */
export const WEBHOOK_EVENT_TYPES = [
  'offer.created',
  'offer.viewed',
  'offer.accepted',
  'offer.declined',
  'offer.exhausted',
  'offer.expiring',
  'offer.expired',
  'offer.deactivated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** At most this many endpoints per partner. */
export const MAX_WEBHOOK_ENDPOINTS = 10;
/** After a rotation the previous secret still signs (and so verifies) for this long: 24 h. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;
/** An endpoint failing every delivery for this long is disabled: 3 days. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;
/** Delivery log entries are kept this long (DynamoDB TTL): 30 days. */
export const DELIVERY_LOG_TTL_MS = 30 * 24 * 3_600_000;
/** Bytes of a receiver's response body kept in the delivery log. */
export const MAX_LOGGED_RESPONSE_BYTES = 1024;
/** One delivery attempt, connecting included. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type WebhookEndpointStatus = 'enabled' | 'disabled';

export interface WebhookSecret {
  /** `whsec_` + base64 of 24+ random bytes (the Standard Webhooks format). */
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the previous secret at rotation: it keeps signing until then (createdAt of the new + 24 h). */
  readonly expiresAt?: string;
}

export interface WebhookEndpoint {
  /** `we_` + random id; unique per partner. */
  readonly endpointId: string;
  readonly partnerId: string;
  /** https, public host (checked at registration and again, after DNS resolution, at delivery). */
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description?: string;
  readonly status: WebhookEndpointStatus;
  /** Why it was disabled (continuous failure since `failingSince` for 3 days). */
  readonly disabledReason?: string;
  /** The first failed delivery of the current run of failures; cleared by any success. */
  readonly failingSince?: string;
  /** The current secret first; during an overlap, the previous one with its expiresAt second. */
  readonly secrets: readonly WebhookSecret[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What a partner receives (the body POSTed to its endpoint). */
export interface WebhookEvent<T extends WebhookEventType | 'ping' = WebhookEventType | 'ping'> {
  /** Stable across retries and redeliveries: the `webhook-id` header too. `evt_` + id. */
  readonly id: string;
  readonly type: T;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead-lettered';

/** One event's delivery to one endpoint, with its attempts so far (the delivery log). */
export interface WebhookDelivery {
  /** `wd_` + id. */
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly partnerId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType | 'ping';
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** HTTP status of the last answer; absent when none came (timeout, refused, SSRF refusal). */
  readonly lastResponseCode?: number;
  /** ms the last attempt took. */
  readonly lastLatencyMs?: number;
  /** At most MAX_LOGGED_RESPONSE_BYTES of the last answer's body. */
  readonly lastResponseBody?: string;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the next attempt is due, while pending. */
  readonly nextAttemptAt?: string;
  /** When the first attempt was made: retries go on for about 3 days from it. */
  readonly firstAttemptAt?: string;
  /** A redelivery names the delivery it repeats. */
  readonly redeliveryOf?: string;
}

/**
 * Sends one event to one endpoint, at least once. The implementation records a pending delivery
 * (the delivery log) and queues it; a delivery function makes the attempts, signs each one and
 * retries with backoff. Used by the event fan-out, the endpoint `test` route (a `ping`) and the
 * redelivery route.
 */
export interface WebhookDispatcher {
  /**
   * Resolves with the delivery as recorded (status `pending`, 0 attempts) once it is queued. The
   * same event to the same endpoint again (a replayed stream record) is the same delivery and is
   * not queued twice; a redelivery is a new delivery of the same event (same `webhook-id`).
   * Throws the store's or the queue's error when it could not be queued (the caller retries).
   */
  dispatch(endpoint: WebhookEndpoint, event: WebhookEvent): Promise<WebhookDelivery>;
}

/**
 * The secrets that sign a delivery at `now`: the current one, and the previous one while its
 * expiresAt (rotation + 24 h) is in the future. Receivers verify against either during the overlap.
 */
export function activeSecrets(endpoint: Pick<WebhookEndpoint, 'secrets'>, now: Date): WebhookSecret[] {
  return endpoint.secrets.filter(
    (secret) => secret.expiresAt === undefined || Date.parse(secret.expiresAt) > now.getTime(),
  );
}
