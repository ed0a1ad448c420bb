import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The product's business metrics, as CloudWatch embedded metric format (EMF) lines on stdout,
 * emitted where the fact is final: offers, views, acceptances and declines from the table's stream
 * (the offer events and offer views functions, so the customer page and the partner functions
 * carry no metrics code, and every channel that creates offers, API or console, is counted alike),
 * webhook failures where deliveries are attempted. The dashboard and alarms read the names from here.
 */
export const BUSINESS_METRICS = {
  namespace: 'PurchaseOffers',
  /** The `service` dimension of every business metric (Powertools adds it); `stage` is the other one. */
  service: 'purchase-offers',
  /** New offer items (creates and revisions), counted once each. */
  offersCreated: 'OffersCreated',
  /** Counted views, exactly as added to the offers' views counters. */
  offerViews: 'OfferViews',
  acceptances: 'OfferAcceptances',
  declines: 'OfferDeclines',
  /** Webhook delivery attempts that failed (retried later or dead-lettered). */
  webhookDeliveryFailures: 'WebhookDeliveryFailures',
  /** Deliveries whose retries ran out (or whose endpoint was disabled): parked in the dead-letter queue. */
  webhookDeliveriesDeadLettered: 'WebhookDeliveriesDeadLettered',
} as const;

export type BusinessMetricName = Exclude<
  (typeof BUSINESS_METRICS)[keyof typeof BUSINESS_METRICS],
  typeof BUSINESS_METRICS.namespace | typeof BUSINESS_METRICS.service
>;

/** The dimensions every business metric carries, for graphs and alarms: `{ service, stage }`. */
export function businessMetricDimensions(stage: string): { service: string; stage: string } {
  return { service: BUSINESS_METRICS.service, stage };
}

/**
 * One function's business metrics: `count` during an invocation, `publish` at its end. Published
 * on Lambda only (AWS_LAMBDA_FUNCTION_NAME set): EMF on a local terminal is noise, so elsewhere
 * the counts are dropped. The stage dimension is the function's STAGE.
 */
export class BusinessMetrics {
  readonly #metrics: Metrics;

  constructor(stage = process.env.STAGE ?? 'local') {
    this.#metrics = new Metrics({
      namespace: BUSINESS_METRICS.namespace,
      serviceName: BUSINESS_METRICS.service,
      defaultDimensions: { stage },
    });
  }

  /** Adds `value` (a whole count) to `name` for this invocation; nothing for 0. */
  count(name: BusinessMetricName, value = 1): void {
    if (value > 0) this.#metrics.addMetric(name, MetricUnit.Count, value);
  }

  /** Writes this invocation's counts as one EMF line (none when nothing was counted). */
  publish(): void {
    if (!this.#metrics.hasStoredMetrics()) return;
    if (process.env.AWS_LAMBDA_FUNCTION_NAME) this.#metrics.publishStoredMetrics();
    else this.#metrics.clearMetrics();
  }
}
