import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SDK_TIMEOUTS, type SdkLimits, sdkClientConfig, withOperationBudget } from '../config/aws-sdk.ts';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';

/** A document client bound to the table it works on; stores take one of these. */
export interface TableRef {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
}

export { SDK_TIMEOUTS };

/** DynamoDB clients take the limits every SDK client has (shared/config/aws-sdk.ts). */
export type DynamoClientOptions = SdkLimits;

/**
 * The one place the SDK's DynamoDB clients are made (the customer page and the authorizer have
 * their own client, dynamodb-lite.ts, without the SDK). `endpoint` points the client at DynamoDB
 * Local (local runtime, tests, ops CLI with --endpoint); on AWS it is unset and the SDK resolves
 * the regional endpoint and credentials itself. Every client gets SDK_TIMEOUTS unless told otherwise.
 */
export function createDynamoClient(endpoint?: string, options: DynamoClientOptions = {}): DynamoDBClient {
  const config = sdkClientConfig(options);
  const client = new DynamoDBClient(
    endpoint
      ? { endpoint, region: optionalEnv('AWS_REGION') ?? 'local', credentials: LOCAL_CREDENTIALS, ...config }
      : config,
  );
  return withOperationBudget(client, options.operationBudgetMs ?? SDK_TIMEOUTS.operationBudgetMs);
}

export function createDocumentClient(endpoint?: string, options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const document = DynamoDBDocumentClient.from(createDynamoClient(endpoint, options), {
    marshallOptions: { removeUndefinedValues: true },
  });
  // The document client has its own `send`, which does not go through the wrapped one.
  return withOperationBudget(document, options.operationBudgetMs ?? SDK_TIMEOUTS.operationBudgetMs);
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
