/** SDK errors are matched by name so the check works for both the plain and document clients. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export function isTransactionCanceled(error: unknown): error is Error & {
  CancellationReasons?: { Code?: string }[];
} {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}
