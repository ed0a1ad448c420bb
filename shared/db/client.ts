import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

/** A document client bound to the table it works on; stores take one of these. */
export interface TableRef {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

/**
 * The one place the SDK's DynamoDB clients are made (the customer page has its own client,
 * dynamodb-lite.ts, without the SDK). `endpoint` points the client at DynamoDB Local (local
 * runtime, tests, ops CLI with --endpoint); on AWS it is unset and the SDK resolves the regional
 * endpoint and credentials itself.
 */
export function createDynamoClient(endpoint?: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient(
    endpoint
      ? { endpoint, region: optionalEnv('AWS_REGION') ?? 'local', credentials: LOCAL_CREDENTIALS, ...options }
      : options,
  );
}

export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/**
 * Functions call this once at module load: the client (and its connection pool) then lives for
 * the whole execution environment, and a missing TABLE_NAME fails the cold start, not a request.
 */
export function tableFromEnv(env: NodeJS.ProcessEnv = process.env): TableRef {
  return {
    name: requiredEnv('TABLE_NAME', env),
    client: createDocumentClient(optionalEnv('DDB_ENDPOINT', env)),
  };
}
