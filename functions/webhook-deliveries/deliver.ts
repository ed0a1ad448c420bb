import type { WebhookDeliveryStore } from '../../shared/db/webhook-deliveries.ts';
import type { DynamoWebhookEndpointStore } from '../../shared/db/webhook-endpoints.ts';
import { logger } from '../../shared/observability/logger.ts';
import {
  type DeliveryMessage,
  type DeliveryQueue,
  MAX_QUEUE_DELAY_SECONDS,
} from '../../shared/webhooks/delivery-queue.ts';
import { type AttemptOptions, type AttemptResult, postOnce } from './attempt.ts';
import type { EndpointHealth } from './endpoint-health.ts';
import { nextAttemptAt } from './schedule.ts';
import { signatureHeaders } from './signing.ts';

export interface DeliveryDeps {
  readonly deliveries: WebhookDeliveryStore;
  readonly endpoints: Pick<DynamoWebhookEndpointStore, 'get'>;
  readonly health: EndpointHealth;
  readonly queue: DeliveryQueue;
  /** The clock; tests move it. */
  readonly now?: () => Date;
  /** In [0, 1), for the backoff's jitter; tests pass a fixed one. */
  readonly random?: () => number;
  /** One POST; defaults to postOnce with `attempt` options. */
  readonly post?: (url: string, body: string, headers: Record<string, string>) => Promise<AttemptResult>;
  readonly attempt?: AttemptOptions;
}

/** What handling one message came to (logged, and read by tests). */
export type DeliveryOutcome =
  | 'not-due'
  | 'gone'
  | 'already-done'
  | 'succeeded'
  | 'retry-scheduled'
  | 'dead-lettered'
  | 'endpoint-unavailable';

/**
 * One queued message: one attempt of one delivery. The attempt count and the retry window live in
 * the delivery log (so a message is only a pointer), and the log is written only if no other
 * worker recorded this attempt first (SQS delivers a message at least once).
 * Store and queue errors are thrown: the message then comes back (SQS retries it), and after
 * repeated failures SQS moves it to the dead-letter queue.
 */
export async function deliverMessage(message: DeliveryMessage, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  if (message.notBefore && Date.parse(message.notBefore) > now.getTime()) {
    // SQS delays 15 minutes at most: longer waits hop through the queue until they are due.
    const waitSeconds = (Date.parse(message.notBefore) - now.getTime()) / 1000;
    await deps.queue.enqueue(message, Math.min(MAX_QUEUE_DELAY_SECONDS, waitSeconds));
    return 'not-due';
  }
  const delivery = await deps.deliveries.get(message.partnerId, message.endpointId, message.deliveryId);
  if (!delivery) return 'gone';
  if (delivery.status !== 'pending') return 'already-done';
  const endpoint = await deps.endpoints.get(message.partnerId, message.endpointId);
  if (endpoint?.status !== 'enabled') {
    await deps.deliveries.recordAttempt(delivery, delivery.attempts, {
      status: 'failed',
      attempts: delivery.attempts,
      at: now,
      lastError: endpoint ? 'endpoint disabled' : 'endpoint deleted',
    });
    return 'endpoint-unavailable';
  }

  const body = JSON.stringify(delivery.event);
  const headers = { ...signatureHeaders(endpoint, delivery.event, body, now) };
  const post = deps.post ?? ((url, payload, signed) => postOnce(url, payload, signed, deps.attempt));
  const result = await post(endpoint.url, body, headers);
  const attempts = delivery.attempts + 1;
  const firstAttemptAt = delivery.firstAttemptAt ? Date.parse(delivery.firstAttemptAt) : now.getTime();
  const common = {
    attempts,
    at: now,
    firstAttemptAt: new Date(firstAttemptAt),
    ...(result.status !== undefined ? { lastResponseCode: result.status } : {}),
    lastLatencyMs: result.latencyMs,
    ...(result.body !== undefined ? { lastResponseBody: result.body } : {}),
    ...(result.error !== undefined ? { lastError: result.error } : {}),
  };
  const log = { deliveryId: delivery.deliveryId, endpointId: endpoint.endpointId, attempts, status: result.status };

  if (result.ok) {
    if (!(await deps.deliveries.recordAttempt(delivery, delivery.attempts, { ...common, status: 'succeeded' }))) {
      return 'already-done';
    }
    await deps.health.succeeded(endpoint);
    logger.info('webhook delivered', log);
    return 'succeeded';
  }

  const next = nextAttemptAt(attempts, firstAttemptAt, now.getTime(), deps.random);
  const disabled = await deps.health.failed(endpoint, now);
  if (next === undefined || disabled) {
    if (!(await deps.deliveries.recordAttempt(delivery, delivery.attempts, { ...common, status: 'dead-lettered' }))) {
      return 'already-done';
    }
    await deps.queue.deadLetter(message);
    logger.warn('webhook dead-lettered', { ...log, endpointDisabled: disabled, error: result.error });
    return 'dead-lettered';
  }
  const due = new Date(next);
  if (
    !(await deps.deliveries.recordAttempt(delivery, delivery.attempts, {
      ...common,
      status: 'pending',
      nextAttemptAt: due,
    }))
  ) {
    return 'already-done';
  }
  const waitSeconds = (next - now.getTime()) / 1000;
  await deps.queue.enqueue(
    { ...message, notBefore: due.toISOString() },
    Math.min(MAX_QUEUE_DELAY_SECONDS, waitSeconds),
  );
  logger.info('webhook attempt failed, retry scheduled', {
    ...log,
    nextAttemptAt: due.toISOString(),
    error: result.error,
  });
  return 'retry-scheduled';
}
