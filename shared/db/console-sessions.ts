import { type Item, isConditionFailed, type Table } from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * A partner console session, stored under the SHA-256 of its id (`CONSOLE#SESSION#<hash>`): the id
 * itself lives only in the browser's cookie, so a copy of the table signs nobody in.
 */
export const consoleSessionKeys = {
  pk: (idHash: string) => `CONSOLE#SESSION#${idHash}`,
  sk: () => 'SESSION',
};

/** A console session as stored. Times are ISO 8601 instants. */
export interface ConsoleSessionRecord {
  /** SHA-256 (hex) of the session id. */
  readonly idHash: string;
  readonly partnerId: string;
  /** SHA-256 of the API key the session was started with: revoking the key ends the session. */
  readonly keyHash: string;
  /** The key's label (the person it was issued for), shown in the console's frame. */
  readonly label: string;
  /** The per-session CSRF token every form posts back (not a secret from the table's readers). */
  readonly csrfToken: string;
  readonly createdAt: string;
  /** Recorded at most every few minutes (see the console's session rules), not on every request. */
  readonly lastSeenAt: string;
  /** Set by sign-out: the session no longer signs anyone in. */
  readonly endedAt?: string;
}

type ConsoleSessionItem = ConsoleSessionRecord & {
  PK: string;
  SK: string;
  entity: 'consoleSession';
  [TTL_ATTRIBUTE]: number;
};

/** `expiresAtEpoch`: when DynamoDB may delete the item (epoch seconds); reads check expiry themselves. */
export function consoleSessionToItem(record: ConsoleSessionRecord, expiresAtEpoch: number): ConsoleSessionItem {
  return {
    PK: consoleSessionKeys.pk(record.idHash),
    SK: consoleSessionKeys.sk(),
    entity: 'consoleSession',
    ...record,
    [TTL_ATTRIBUTE]: expiresAtEpoch,
  };
}

export function consoleSessionFromItem(item: Item): ConsoleSessionRecord {
  const { PK: _pk, SK: _sk, entity: _entity, [TTL_ATTRIBUTE]: _ttl, ...record } = item as unknown as ConsoleSessionItem;
  return record;
}

/**
 * Sessions on the port (the console reaches it through DynamoDbLite). Every read is strongly
 * consistent: the page a sign-in redirects to must find the new session, and a signed-out session
 * must fail on the very next request.
 */
export class DynamoConsoleSessionStore {
  constructor(private readonly table: Table) {}

  async create(record: ConsoleSessionRecord, expiresAtEpoch: number): Promise<void> {
    // 256-bit random ids do not collide; the condition guards against bugs.
    await this.table.put({
      Item: consoleSessionToItem(record, expiresAtEpoch),
      ConditionExpression: 'attribute_not_exists(PK)',
    });
  }

  async get(idHash: string): Promise<ConsoleSessionRecord | undefined> {
    const item = await this.table.get({
      Key: { PK: consoleSessionKeys.pk(idHash), SK: consoleSessionKeys.sk() },
      ConsistentRead: true,
    });
    return item ? consoleSessionFromItem(item) : undefined;
  }

  /**
   * Records activity: `lastSeenAt` and the item's new deletion time. A session signed out (or
   * gone) in the meantime stays ended: the write is refused and this answers false.
   */
  async touch(idHash: string, at: string, expiresAtEpoch: number): Promise<boolean> {
    try {
      await this.table.update({
        Key: { PK: consoleSessionKeys.pk(idHash), SK: consoleSessionKeys.sk() },
        UpdateExpression: 'SET lastSeenAt = :at, #ttl = :ttl',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(endedAt)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':at': at, ':ttl': expiresAtEpoch },
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Ends the session (sign-out): marked ended at once, deleted by TTL at `expiresAtEpoch`. An
   * update rather than a delete keeps the console's grant to Get/Put/UpdateItem; ending twice
   * keeps the first time. Nothing happens to a session that does not exist.
   */
  async end(idHash: string, at: string, expiresAtEpoch: number): Promise<void> {
    try {
      await this.table.update({
        Key: { PK: consoleSessionKeys.pk(idHash), SK: consoleSessionKeys.sk() },
        UpdateExpression: 'SET endedAt = if_not_exists(endedAt, :at), #ttl = :ttl',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':at': at, ':ttl': expiresAtEpoch },
      });
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
