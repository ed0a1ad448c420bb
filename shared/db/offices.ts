import {
  type DirectoryOffice,
  type InvalidDirectoryRecord,
  isNewerVersion,
  type Office,
  type OfficeApplyResult,
  type OfficeReader,
  type OfficeSyncState,
  type OfficeSyncStats,
  type OfficeSyncStore,
  officeFromDirectory,
  type SyncClaim,
  type SyncFreshness,
} from '../domain/office.ts';
import { PARTITIONS, partitionPrefix } from './partitions.ts';
import { type Item, isConditionFailed, type QueryInput, queryAll, type Table } from './port.ts';

/**
 * A partner's offices share one partition, so "all offices of a partner" is one Query. It is not the
 * partner's own partition (`PARTNER#`): the office sync's IAM grant is limited to `OFFICES#` keys,
 * so it cannot write partner profiles, idempotency records or reference claims.
 */
export const officeKeys = {
  pk: (partnerId: string) => `${partitionPrefix(PARTITIONS.offices)}${partnerId}`,
  sk: (officeId: string) => `OFFICE#${officeId}`,
  skPrefix: 'OFFICE#',
};

/**
 * The scheduled sync's state is one item; each partner's on-demand sync marker sits with the
 * partner's offices (it doubles as the once-a-minute rate limit). The state's sort key names the
 * layout: a table synced before offices had partitions of their own (`STATE`) has no state under
 * this key, so its first run makes a full listing and fills the office partitions.
 */
export const officeSyncKeys = {
  statePk: () => PARTITIONS.officeSyncState,
  stateSk: () => 'STATE#OFFICES-PARTITIONS',
  partnerPk: (partnerId: string) => officeKeys.pk(partnerId),
  partnerSk: () => 'SYNC#OFFICES',
};

/**
 * An office as stored. `missingUpstream` is set only when an on-demand sync deactivated the office
 * because the partner's full listing did not have it: unlike a deactivation the directory sent,
 * that one is our inference, so a later record of the very same version may undo it.
 */
export type StoredOffice = Office & { readonly missingUpstream?: true };
type OfficeItem = StoredOffice & { PK: string; SK: string; entity: 'office' };

export function officeToItem(office: Office): OfficeItem {
  return { PK: officeKeys.pk(office.partnerId), SK: officeKeys.sk(office.officeId), entity: 'office', ...office };
}

export function officeFromItem(item: Item): StoredOffice {
  const { PK: _pk, SK: _sk, entity: _entity, ...office } = item as unknown as OfficeItem;
  return office;
}

/** Offices read through the DynamoDB port (shared/db/port.ts), whichever adapter the function chose. */
export class DynamoOfficeReader implements OfficeReader {
  constructor(protected readonly table: Table) {}

  async get(partnerId: string, officeId: string): Promise<StoredOffice | undefined> {
    const item = await this.table.get({ Key: { PK: officeKeys.pk(partnerId), SK: officeKeys.sk(officeId) } });
    return item ? officeFromItem(item) : undefined;
  }

  async listForPartner(partnerId: string): Promise<StoredOffice[]> {
    return this.queryOffices({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': officeKeys.pk(partnerId), ':prefix': officeKeys.skPrefix },
    });
  }

  protected async queryOffices(input: QueryInput): Promise<StoredOffice[]> {
    return (await queryAll(this.table, input)).map(officeFromItem);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects on the first failure. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const keyOf = (partnerId: string, officeId: string) => `${partnerId}\u0000${officeId}`;

interface StoredVersion {
  readonly sourceUpdatedAt: string;
  readonly missingUpstream: boolean;
}

/**
 * Whether a directory record should be written over what is stored: a strictly newer version, or
 * the same version of an office we deactivated only because a listing did not have it.
 */
function mayReplace(record: DirectoryOffice, stored: StoredVersion | undefined): boolean {
  if (isNewerVersion(record.updatedAt, stored?.sourceUpdatedAt)) return true;
  return stored?.missingUpstream === true && Date.parse(record.updatedAt) === Date.parse(stored.sourceUpdatedAt);
}
const WRITE_CONCURRENCY = 16;

/**
 * The office sync's DynamoDB adapter. Its cost follows the changes, not the total: per batch of
 * directory records, one BatchGetItem per 100 offices reads the stored versions (keys and
 * `sourceUpdatedAt` only), and only records newer than what is stored are written, each with a
 * condition on `sourceUpdatedAt`, so a stale or concurrent delivery can never overwrite a newer
 * version.
 */
export class DynamoOfficeStore extends DynamoOfficeReader implements OfficeSyncStore {
  constructor(
    table: Table,
    private readonly options: { writeConcurrency?: number } = {},
  ) {
    super(table);
  }

  async applyDirectoryRecords(records: readonly DirectoryOffice[], syncedAt: string): Promise<OfficeApplyResult> {
    // Duplicates within the batch: keep the newest version of each office.
    const newest = new Map<string, DirectoryOffice>();
    for (const record of records) {
      const key = keyOf(record.partnerId, record.officeId);
      const seen = newest.get(key);
      if (!seen || isNewerVersion(record.updatedAt, seen.updatedAt)) newest.set(key, record);
    }
    const unique = [...newest.values()];
    const stored = await this.storedVersions(unique);
    const candidates = unique.filter((r) => mayReplace(r, stored.get(keyOf(r.partnerId, r.officeId))));
    let written = 0;
    await forEachLimited(candidates, this.options.writeConcurrency ?? WRITE_CONCURRENCY, async (record) => {
      if (await this.putIfNewer(record, syncedAt)) written++;
    });
    return { written, skipped: records.length - written };
  }

  /** The stored version of each office among `records` (absent: not stored). */
  private async storedVersions(records: readonly DirectoryOffice[]): Promise<Map<string, StoredVersion>> {
    const items = await this.table.batchGet({
      Keys: records.map((r) => ({ PK: officeKeys.pk(r.partnerId), SK: officeKeys.sk(r.officeId) })),
      ConsistentRead: true,
      ProjectionExpression: 'partnerId, officeId, sourceUpdatedAt, missingUpstream',
    });
    return new Map(
      items.map((item) => [
        keyOf(String(item.partnerId), String(item.officeId)),
        { sourceUpdatedAt: String(item.sourceUpdatedAt), missingUpstream: item.missingUpstream === true },
      ]),
    );
  }

  private async putIfNewer(record: DirectoryOffice, syncedAt: string): Promise<boolean> {
    try {
      await this.table.put({
        Item: officeToItem(officeFromDirectory(record, syncedAt)),
        // The read above is only a filter: another run may store a version between it and this
        // write, so the condition decides. An equal version may replace one deactivated as missing
        // upstream: the directory has it after all (the whole item is replaced, flag included).
        ConditionExpression:
          'attribute_not_exists(PK) OR sourceUpdatedAt < :updatedAt OR ' +
          '(missingUpstream = :true AND sourceUpdatedAt = :updatedAt)',
        ExpressionAttributeValues: { ':updatedAt': record.updatedAt, ':true': true },
      });
      return true;
    } catch (error) {
      // Someone stored this version or a newer one since we looked: nothing to do.
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Marks an office that a full listing did not have inactive and `missingUpstream`, unless it was
   * written or synced at or after `notSyncedSince` (when that listing started): such an office may
   * have appeared upstream after the listing began and been stored by a concurrent run, and its
   * absence from the listing then proves nothing. Decided by the condition, not by what the caller
   * read, so a write between the caller's read and this update is respected too.
   */
  async markMissingUpstream(office: Office, notSyncedSince: string, at: string): Promise<boolean> {
    try {
      await this.table.update({
        Key: { PK: officeKeys.pk(office.partnerId), SK: officeKeys.sk(office.officeId) },
        UpdateExpression: 'SET active = :false, missingUpstream = :true, lastSyncedAt = :at',
        ConditionExpression: 'active = :true AND sourceUpdatedAt = :seen AND lastSyncedAt < :notSyncedSince',
        ExpressionAttributeValues: {
          ':false': false,
          ':true': true,
          ':at': at,
          ':seen': office.sourceUpdatedAt,
          ':notSyncedSince': notSyncedSince,
        },
      });
      return true;
    } catch (error) {
      // Changed since it was read (a newer version, a later sync, already inactive): leave it.
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async getSyncState(): Promise<OfficeSyncState | undefined> {
    const item = await this.table.get({
      Key: { PK: officeSyncKeys.statePk(), SK: officeSyncKeys.stateSk() },
      ConsistentRead: true,
    });
    if (!item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...state } = item;
    return state as OfficeSyncState;
  }

  async recordRunSucceeded(
    cursor: string,
    stats: OfficeSyncStats,
    invalid: readonly InvalidDirectoryRecord[],
    at: string,
  ): Promise<void> {
    await this.table.update({
      Key: { PK: officeSyncKeys.statePk(), SK: officeSyncKeys.stateSk() },
      UpdateExpression:
        'SET entity = :entity, #cursor = :cursor, lastRunAt = :at, lastSuccessAt = :at, lastRunStatus = :status, ' +
        'lastRunStats = :stats, lastInvalidRecords = :invalid ADD runs :one REMOVE lastError',
      ExpressionAttributeNames: { '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':entity': 'officeSyncState',
        ':cursor': cursor,
        ':at': at,
        ':status': 'succeeded',
        ':stats': stats,
        ':invalid': invalid,
        ':one': 1,
      },
    });
  }

  async recordRunFailed(error: string, stats: OfficeSyncStats, at: string): Promise<void> {
    await this.table.update({
      Key: { PK: officeSyncKeys.statePk(), SK: officeSyncKeys.stateSk() },
      UpdateExpression:
        'SET entity = :entity, lastRunAt = :at, lastRunStatus = :status, lastError = :error, lastRunStats = :stats ' +
        'ADD runs :one, failedRuns :one',
      ExpressionAttributeValues: {
        ':entity': 'officeSyncState',
        ':at': at,
        ':status': 'failed',
        ':error': error.slice(0, 1000),
        ':stats': stats,
        ':one': 1,
      },
    });
  }

  async claimPartnerSync(partnerId: string, now: Date, minIntervalSeconds: number): Promise<SyncClaim> {
    const at = now.toISOString();
    const cutoff = new Date(now.getTime() - minIntervalSeconds * 1000).toISOString();
    try {
      await this.table.update({
        Key: { PK: officeSyncKeys.partnerPk(partnerId), SK: officeSyncKeys.partnerSk() },
        UpdateExpression: 'SET entity = :entity, lastRequestedAt = :at',
        ConditionExpression: 'attribute_not_exists(lastRequestedAt) OR lastRequestedAt <= :cutoff',
        ExpressionAttributeValues: { ':entity': 'officeSyncClaim', ':at': at, ':cutoff': cutoff },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      return { granted: true };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      // The claim that stands: its time says how long until the next one may be granted.
      const old = error.item?.lastRequestedAt;
      const last = typeof old === 'string' ? Date.parse(old) : now.getTime();
      const waitMs = last + minIntervalSeconds * 1000 - now.getTime();
      return { granted: false, retryAfterSeconds: Math.min(minIntervalSeconds, Math.max(1, Math.ceil(waitMs / 1000))) };
    }
  }

  async recordPartnerSyncCompleted(partnerId: string, at: string): Promise<void> {
    await this.table.update({
      Key: { PK: officeSyncKeys.partnerPk(partnerId), SK: officeSyncKeys.partnerSk() },
      UpdateExpression: 'SET entity = :entity, lastCompletedAt = :at',
      ExpressionAttributeValues: { ':entity': 'officeSyncClaim', ':at': at },
    });
  }

  async syncFreshness(partnerId: string): Promise<SyncFreshness> {
    const stateKey = { PK: officeSyncKeys.statePk(), SK: officeSyncKeys.stateSk() };
    const partnerKey = { PK: officeSyncKeys.partnerPk(partnerId), SK: officeSyncKeys.partnerSk() };
    const items = await this.table.batchGet({
      Keys: [stateKey, partnerKey],
      ProjectionExpression: 'PK, lastSuccessAt, lastCompletedAt',
    });
    const state = items.find((item) => item.PK === stateKey.PK);
    const partner = items.find((item) => item.PK === partnerKey.PK);
    return {
      ...(typeof state?.lastSuccessAt === 'string' ? { scheduledRunAt: state.lastSuccessAt } : {}),
      ...(typeof partner?.lastCompletedAt === 'string' ? { onDemandAt: partner.lastCompletedAt } : {}),
    };
  }
}
