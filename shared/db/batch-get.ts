import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from './client.ts';

/** BatchGetItem takes at most this many keys a request. */
export const BATCH_GET_MAX_KEYS = 100;
const MAX_ATTEMPTS = 8;

export interface BatchGetOptions {
  readonly consistentRead?: boolean;
  /** Attribute names to read (keys are not added for you). */
  readonly projection?: string;
}

/**
 * Every item stored under `keys`, in BatchGetItem requests of up to 100 keys. DynamoDB may leave
 * keys unprocessed when it throttles; those are asked for again with jittered backoff, so callers
 * get all the items or an error, never a silent subset. Missing items are simply absent.
 */
export async function batchGetAll(
  table: TableRef,
  keys: readonly Record<string, unknown>[],
  { consistentRead = false, projection }: BatchGetOptions = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending = keys.slice(start, start + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('BatchGetItem kept returning unprocessed keys');
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 50 * 2 ** attempt)));
      const { Responses, UnprocessedKeys } = await table.client.send(
        new BatchGetCommand({
          RequestItems: {
            [table.name]: {
              Keys: [...pending],
              ...(consistentRead ? { ConsistentRead: true } : {}),
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      items.push(...(Responses?.[table.name] ?? []));
      pending = (UnprocessedKeys?.[table.name]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
}
