import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** SDK errors are matched by name so the check works for both the plain and document clients. */
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
