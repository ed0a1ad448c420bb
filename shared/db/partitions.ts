/**
 * The table's partition key families, as IAM `dynamodb:LeadingKeys` patterns (StringLike: `*`
 * matches any run of characters). Each function's grant in shared/routes.ts names the families its
 * code touches; the key builders of each entity produce keys in exactly one family (checked by
 * test/infra/partitions.test.ts).
 */
export const PARTITIONS = {
  /** Partner profile, idempotency records, offer reference claims; GSI1PK of offers and API keys. */
  partner: 'PARTNER#*',
  /** API keys, by the SHA-256 of the key. */
  apiKey: 'APIKEY#*',
  /** An offer, its views counter, its acceptances and declines. */
  offer: 'OFFER#*',
  /**
   * An offer's view records (`VIEWS#<summaryId>#<shard>`), spread over shards so that no partition
   * takes more than a share of a popular link's views: a family of its own, so the page function's
   * writes here reach no offer item, and the views counting function touches nothing else.
   */
  views: 'VIEWS#*',
  /**
   * A partner's offices and its on-demand sync marker: a family of their own, so the office sync,
   * which writes here, cannot write partner profiles, idempotency records or reference claims.
   */
  offices: 'OFFICES#*',
  /** The scheduled office sync's state (one item). */
  officeSyncState: 'SYNC#OFFICES',
  /**
   * A partner's webhook endpoints and their count: a family of their own, so the functions that
   * manage and deliver to them cannot reach partner profiles, idempotency records or API keys.
   */
  webhooks: 'WEBHOOKS#*',
  /**
   * One webhook endpoint's delivery log (`WHDELIVERY#<partnerId>#<endpointId>`): a family of its
   * own, so the delivery function writes no partner, offer or endpoint configuration item with it.
   */
  webhookDeliveries: 'WHDELIVERY#*',
  /**
   * Partner console sessions (`CONSOLE#SESSION#<sha256 of the session id>`) and sign-in throttle
   * counters: a family of their own, so only the console reaches them.
   */
  console: 'CONSOLE#*',
} as const;

export type PartitionPattern = (typeof PARTITIONS)[keyof typeof PARTITIONS];

/** The key prefix of a `PREFIX#*` family: `OFFICES#*` → `OFFICES#`. */
export function partitionPrefix(pattern: PartitionPattern): string {
  return pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
}
