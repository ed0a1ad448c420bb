/**
 * The DynamoDB operations the customer page uses, with plain JavaScript values in and out (as
 * lib-dynamodb's document client has them). It is a port so that the page's store depends on no
 * client: the page function's adapter is shared/db/dynamodb-lite.ts, which keeps the AWS SDK out of
 * its bundle; unit tests fake it. Field names are DynamoDB's own, so inputs read like the API docs.
 *
 * Failures are Errors named after DynamoDB's exception (`ConditionalCheckFailedException`,
 * `TransactionCanceledException` with `CancellationReasons`, ...): see shared/db/errors.ts.
 */
export type DocumentItem = Record<string, unknown>;

type ReturnValuesOnConditionCheckFailure = 'ALL_OLD' | 'NONE';

export interface GetItemInput {
  readonly TableName: string;
  readonly Key: DocumentItem;
  readonly ConsistentRead?: boolean;
}

export interface GetItemOutput {
  readonly Item?: DocumentItem;
}

export interface UpdateItemInput {
  readonly TableName: string;
  readonly Key: DocumentItem;
  readonly UpdateExpression: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues?: DocumentItem;
  readonly ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
  readonly ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}

export interface UpdateItemOutput {
  readonly Attributes?: DocumentItem;
}

export interface TransactPut {
  readonly TableName: string;
  /** Any plain object: entity types are interfaces, which Record<string, unknown> does not accept. */
  readonly Item: object;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Readonly<Record<string, string>>;
  readonly ExpressionAttributeValues?: DocumentItem;
  readonly ReturnValuesOnConditionCheckFailure?: ReturnValuesOnConditionCheckFailure;
}

export type TransactUpdate = Omit<UpdateItemInput, 'ReturnValues'>;

export type TransactWriteItem = { readonly Put: TransactPut } | { readonly Update: TransactUpdate };

export interface TransactWriteItemsInput {
  readonly TransactItems: readonly TransactWriteItem[];
}

export interface DocumentDb {
  getItem(input: GetItemInput): Promise<GetItemOutput>;
  updateItem(input: UpdateItemInput): Promise<UpdateItemOutput>;
  /** All or nothing; TransactionCanceledException names each item's reason, in request order. */
  transactWriteItems(input: TransactWriteItemsInput): Promise<void>;
}

/** A DocumentDb bound to the table it works on, like TableRef for the SDK's document client. */
export interface DocumentTableRef {
  readonly db: DocumentDb;
  readonly name: string;
}
