/**
 * DynamoDB Local accepts any credentials; fixed ones keep clients from searching for real ones.
 * Its own module so that both adapters (sdk-table.ts, dynamodb-lite.ts) share it without one importing
 * the other.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
