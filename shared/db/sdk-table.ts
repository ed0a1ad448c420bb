import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SDK_TIMEOUTS, type SdkLimits, sdkClientConfig, withOperationBudget } from '../config/aws-sdk.ts';
import { optionalEnv, requiredEnv } from '../config/env.ts';
import { LOCAL_CREDENTIALS } from './local-credentials.ts';
import {
  type BatchGetInput,
  batchGetInChunks,
  ConditionFailedError,
  type GetInput,
  type Item,
  isStorableKey,
  type Key,
  type PutInput,
  type QueryInput,
  type QueryPage,
  type Table,
  type TransactItem,
  TransactionCanceledError,
  type UpdateItemInput,
} from './port.ts';

export { SDK_TIMEOUTS };

/** DynamoDB clients take the limits every SDK client has (shared/config/aws-sdk.ts). */
export type DynamoClientOptions = SdkLimits;

/**
 * The one place the SDK's DynamoDB clients are made (the offer page and the authorizer use
 * dynamodb-lite.ts instead). `endpoint` points the client at DynamoDB Local (local runtime, tests,
 * ops CLI with --endpoint); on AWS it is unset and the SDK resolves the regional endpoint and
 * credentials itself. Every client gets SDK_TIMEOUTS unless told otherwise.
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

type Marshalled = Record<string, AttributeValue>;

/**
 * The SDK's condition and cancellation errors as the port's: the items they carry come marshalled
 * (the document client does not translate errors), the port's are plain. The SDK error stays the
 * `cause`.
 */
function portError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'ConditionalCheckFailedException') {
    const item = (error as { Item?: Marshalled }).Item;
    return new ConditionFailedError(item ? unmarshall(item) : undefined, { cause: error });
  }
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string; Item?: Marshalled }[] }).CancellationReasons;
    return new TransactionCanceledError(
      (reasons ?? []).map(({ Code, Item }) => ({ Code: Code ?? 'None', ...(Item ? { Item: unmarshall(Item) } : {}) })),
      { cause: error },
    );
  }
  return error;
}

async function translated<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw portError(error);
  }
}

/** The port on the AWS SDK's document client, which does its own retries (standard mode). */
export class SdkTable implements Table {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(input: GetInput): Promise<Item | undefined> {
    if (!isStorableKey(input.Key)) return undefined;
    const { Item } = await translated(this.client.send(new GetCommand({ TableName: this.name, ...input })));
    return Item;
  }

  async put(input: PutInput): Promise<void> {
    await translated(this.client.send(new PutCommand({ TableName: this.name, ...input, Item: input.Item as Item })));
  }

  async update(input: UpdateItemInput): Promise<Item | undefined> {
    const { Attributes } = await translated(this.client.send(new UpdateCommand({ TableName: this.name, ...input })));
    return Attributes;
  }

  async query(input: QueryInput): Promise<QueryPage> {
    const { Items = [], LastEvaluatedKey } = await translated(
      this.client.send(new QueryCommand({ TableName: this.name, ...input })),
    );
    return LastEvaluatedKey ? { Items, LastEvaluatedKey } : { Items };
  }

  batchGet({ Keys, ...options }: BatchGetInput): Promise<Item[]> {
    return batchGetInChunks(Keys, async (keys) => {
      const { Responses, UnprocessedKeys } = await translated(
        this.client.send(new BatchGetCommand({ RequestItems: { [this.name]: { Keys: [...keys], ...options } } })),
      );
      return {
        items: Responses?.[this.name] ?? [],
        unprocessed: (UnprocessedKeys?.[this.name]?.Keys ?? []) as Key[],
      };
    });
  }

  async transactWrite(items: readonly TransactItem[]): Promise<void> {
    // The SDK fills in one ClientRequestToken for all its attempts.
    await translated(
      this.client.send(
        new TransactWriteCommand({
          TransactItems: items.map((item) =>
            'Put' in item
              ? { Put: { TableName: this.name, ...item.Put, Item: item.Put.Item as Item } }
              : 'Update' in item
                ? { Update: { TableName: this.name, ...item.Update } }
                : { ConditionCheck: { TableName: this.name, ...item.ConditionCheck } },
          ),
        }),
      ),
    );
  }
}

/** The port on the SDK for the table at `endpoint` (DynamoDB Local) or on AWS. */
export function sdkTable(name: string, endpoint?: string, options: DynamoClientOptions = {}): SdkTable {
  return new SdkTable(createDocumentClient(endpoint, options), name);
}

/**
 * Functions call this once at module load: the client (and its connection pool) then lives for
 * the whole execution environment, and a missing TABLE_NAME fails the cold start, not a request.
 */
export function sdkTableFromEnv(env: NodeJS.ProcessEnv = process.env): SdkTable {
  return sdkTable(requiredEnv('TABLE_NAME', env), optionalEnv('DDB_ENDPOINT', env));
}
