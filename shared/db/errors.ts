import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Errors are matched by name, so the checks work for the SDK's plain and document clients and for
 * the customer page's DynamoDbLite alike.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** `Item` is present (marshalled) when the request asked for ReturnValuesOnConditionCheckFailure. */
export interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, AttributeValue>;
}

export function isTransactionCanceled(error: unknown): error is Error & {
  CancellationReasons?: CancellationReason[];
} {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}
