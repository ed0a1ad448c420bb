import type { Table } from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * Failed console sign-ins, counted per client and per one-minute window: one small item each
 * (`CONSOLE#SIGNIN#<sha256 of the client address>`, sort key the window's start in epoch
 * minutes), removed by TTL. The address is stored hashed: the count needs no readable IP.
 */
export const signInAttemptKeys = {
  pk: (clientHash: string) => `CONSOLE#SIGNIN#${clientHash}`,
  sk: (windowMinute: number) => `WINDOW#${windowMinute}`,
};

/** How long a window's counter is kept after the window ends (seconds): TTL deletion is lazy anyway. */
const KEEP_AFTER_WINDOW_SECONDS = 3_600;

/**
 * The failed sign-in counters (keys above) in the one table. Throws what the table throws (an
 * outage: the caller decides whether to let the attempt through).
 */
export class DynamoSignInAttemptStore {
  constructor(private readonly table: Table) {}

  /** Failed attempts counted in the window so far (0 when none). An eventually consistent read. */
  async failures(clientHash: string, windowMinute: number): Promise<number> {
    const item = await this.table.get({
      Key: { PK: signInAttemptKeys.pk(clientHash), SK: signInAttemptKeys.sk(windowMinute) },
      ProjectionExpression: 'failures',
    });
    return typeof item?.failures === 'number' ? item.failures : 0;
  }

  /** Counts one failed attempt (an atomic ADD: concurrent attempts each count) and answers the new count. */
  async addFailure(clientHash: string, windowMinute: number): Promise<number> {
    const updated = await this.table.update({
      Key: { PK: signInAttemptKeys.pk(clientHash), SK: signInAttemptKeys.sk(windowMinute) },
      UpdateExpression: 'ADD failures :one SET entity = :entity, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':one': 1,
        ':entity': 'consoleSignInAttempts',
        ':ttl': (windowMinute + 1) * 60 + KEEP_AFTER_WINDOW_SECONDS,
      },
      ReturnValues: 'UPDATED_NEW',
    });
    return typeof updated?.failures === 'number' ? updated.failures : 1;
  }
}
