/**
 * The one table's shape, shared by the CDK stack, the local runtime and the tests so that all three
 * create the same key schema. Physical names are never hard-coded: CDK names the table, and
 * functions learn it from the TABLE_NAME environment variable.
 */
export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
} as const;

/**
 * The attributes an offer list shows (the API's offer view without its counters, which are read
 * from the counter items): what the offer indexes project besides their keys. The partner snapshot
 * (name, contact, logo, for the customer page) is the one part of an offer item a list does not show.
 */
export const OFFER_LIST_ATTRIBUTES = [
  'entity',
  'summaryId',
  'partnerId',
  'reference',
  'officeId',
  'officeName',
  'usageLocation',
  'items',
  'delegatedAdmin',
  'locale',
  'customization',
  'createdAt',
  'expiresAt',
  'maxAcceptances',
  'deactivatedAt',
  'deactivationMessage',
  'requireCustomerAgreement',
  'catalogVersion',
  'priceListVersion',
  'revisionOf',
  'revisedBy',
  'exhaustedAt',
  // Offer items written before the counters moved to their own item still carry them.
  'acceptances',
  'declines',
] as const;

/** What a partner's API key list shows (shared/db/api-keys.ts), also listed through GSI1. */
export const API_KEY_LIST_ATTRIBUTES = ['keyHash', 'keyId', 'label', 'revokedAt'] as const;

/**
 * A partner's offers (newest first) and API keys. It projects only what those lists show, so a
 * write to an attribute a list does not show writes no index entry. It replaced the first GSI1,
 * which projected ALL: a deployed index's projection cannot be changed, so the new one has a new
 * name over the same key attributes (README, Deploy).
 */
export const GSI1 = {
  indexName: 'GSI1v2',
  partitionKey: 'GSI1PK',
  sortKey: 'GSI1SK',
  nonKeyAttributes: [...new Set<string>([...OFFER_LIST_ATTRIBUTES, ...API_KEY_LIST_ATTRIBUTES])],
} as const;

/**
 * A partner's open offers only (sparse: see OPEN_OFFER_KEYS_REMOVAL in shared/db/offers.ts), newest
 * first, for `status=active` lists. It projects the keys and `expiresAt` (the list's filter) only:
 * an entry is ~150 bytes, 1 write unit, whatever the offer's size; the list reads the page's offers
 * from the table.
 */
export const GSI2 = {
  indexName: 'GSI2',
  partitionKey: 'GSI2PK',
  sortKey: 'GSI2SK',
  nonKeyAttributes: ['expiresAt'] as string[],
} as const;

/** The table's indexes, by the name route grants use for them (shared/routes.ts TableGrant). */
export const INDEXES = { GSI1, GSI2 } as const;
export type IndexGrantName = keyof typeof INDEXES;

/**
 * Attribute DynamoDB deletes items by (epoch seconds). Carried by idempotency records, deleted webhook
 * endpoints (tombstones, removed 30 days after deletion), webhook delivery log entries (removed
 * 30 days after creation) and view records (removed 2 days after the view). The on-demand sync marker (the once-a-minute limit) has none: it is one item
 * per partner, overwritten by each sync.
 */
export const TTL_ATTRIBUTE = 'expiresAtEpoch';

/** The CreateTable input for DynamoDB Local (CDK builds the equivalent from the same constants). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
      { AttributeName: GSI1.partitionKey, AttributeType: 'S' as const },
      { AttributeName: GSI1.sortKey, AttributeType: 'S' as const },
      { AttributeName: GSI2.partitionKey, AttributeType: 'S' as const },
      { AttributeName: GSI2.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    // As deployed: new acceptances and declines become events from the stream; old images too, so
    // offer changes are seen at their transition (first view, exhausted, deactivated).
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
    GlobalSecondaryIndexes: [GSI1, GSI2].map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.nonKeyAttributes] },
    })),
  };
}
