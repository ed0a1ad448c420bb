import { Webhook } from 'standardwebhooks';
import { activeSecrets, type WebhookEndpoint, type WebhookEvent } from '../../shared/domain/webhook.ts';

/** The Standard Webhooks headers of one attempt. */
export interface SignatureHeaders {
  readonly 'webhook-id': string;
  /** Seconds since the epoch, as the specification has it. */
  readonly 'webhook-timestamp': string;
  /** `v1,<base64>` per secret still valid, space-separated (the current secret's first). */
  readonly 'webhook-signature': string;
}

/**
 * The secrets that sign at `now`: the current one, and the previous one until its expiresAt (the
 * 24 h overlap after a rotation), so a receiver that still has only the old secret keeps verifying.
 */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, 'secrets'>, now: Date): string[] {
  return activeSecrets(endpoint, now).map((secret) => secret.secret);
}

/**
 * Signs `body` (the exact bytes POSTed) with the maintained `standardwebhooks` library: the
 * signature covers `<webhook-id>.<webhook-timestamp>.<body>`. The id is the event's, so a retry or a
 * redelivery carries the same webhook-id and receivers can dedupe on it.
 * @throws Error when the endpoint has no valid secret (a stored endpoint always has its current one).
 */
export function signatureHeaders(
  endpoint: Pick<WebhookEndpoint, 'secrets'>,
  event: Pick<WebhookEvent, 'id'>,
  body: string,
  now: Date,
): SignatureHeaders {
  const secrets = signingSecrets(endpoint, now);
  if (secrets.length === 0) throw new Error('The endpoint has no valid signing secret');
  // The library signs with whole seconds; the timestamp header must be the same second.
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(event.id, at, body));
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': signatures.join(' '),
  };
}
