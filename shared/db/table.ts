/**
 * The one table's shape, shared by the CDK stack, the local runtime and the tests so that all three
 * create the same key schema. Physical names are never hard-coded: CDK names the table, and
 * functions learn it from the TABLE_NAME environment variable.
 */
export const TABLE_KEYS = {
  partitionKey: 'PK',
  sortKey: 'SK',
} as const;

export const GSI1 = {
  indexName: 'GSI1',
  partitionKey: 'GSI1PK',
  sortKey: 'GSI1SK',
} as const;

/**
 * Attribute DynamoDB deletes items by (epoch seconds). Carried by idempotency records, deleted webhook
 * endpoints (tombstones, removed 30 days after deletion) and webhook delivery log entries (removed
 * 30 days after creation). The on-demand sync marker (the once-a-minute limit) has none: it is one item
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
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    // As deployed: new acceptances and declines become events from the stream; old images too, so
    // offer changes are seen at their transition (first view, exhausted, deactivated).
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1.indexName,
        KeySchema: [
          { AttributeName: GSI1.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: GSI1.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
