/**
 * A partner's office, mirrored from the partner network directory by the office sync. Offers are
 * created for one office; only active offices can take new offers, while offers already made for an
 * office that later went inactive keep working.
 */
export interface Office {
  readonly partnerId: string;
  readonly officeId: string;
  readonly name: string;
  readonly city: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly active: boolean;
  /** The directory's own last-modified time for the record; a sync never stores an older version. */
  readonly sourceUpdatedAt: string;
  /** When our sync last wrote or confirmed the record. */
  readonly lastSyncedAt: string;
}

/** Port for offices; the DynamoDB adapter is DynamoOfficeReader (shared/db/offices.ts). */
export interface OfficeReader {
  get(partnerId: string, officeId: string): Promise<Office | undefined>;
  listForPartner(partnerId: string): Promise<Office[]>;
}

/** How the partner network directory describes an office's lifecycle. */
export type DirectoryOfficeStatus = 'active' | 'inactive' | 'deleted';

/** One office record as the partner network directory reports it (validated by the adapter). */
export interface DirectoryOffice {
  readonly partnerId: string;
  readonly officeId: string;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  readonly status: DirectoryOfficeStatus;
  /** The directory's last-modified time (ISO 8601); orders versions of one office. */
  readonly updatedAt: string;
}

/** Offices removed or deactivated upstream stay stored, inactive: old offers keep working. */
export function officeFromDirectory(record: DirectoryOffice, syncedAt: string): Office {
  return {
    partnerId: record.partnerId,
    officeId: record.officeId,
    name: record.name,
    city: record.city,
    country: record.country,
    active: record.status === 'active',
    sourceUpdatedAt: record.updatedAt,
    lastSyncedAt: syncedAt,
  };
}

/** Only active offices can take new offers. */
export function mayTakeNewOffers(office: Pick<Office, 'active'>): boolean {
  return office.active;
}

/**
 * Whether `incoming` may replace `stored`: strictly newer by the directory's clock. Equal times are
 * a duplicate delivery and change nothing; older times are a stale delivery and are ignored.
 */
export function isNewerVersion(incomingUpdatedAt: string, storedUpdatedAt: string | undefined): boolean {
  if (storedUpdatedAt === undefined) return true;
  return Date.parse(incomingUpdatedAt) > Date.parse(storedUpdatedAt);
}

/** What one batch of directory records did to the stored offices. */
export interface OfficeApplyResult {
  /** Records stored (new offices, or newer versions of stored ones). */
  readonly written: number;
  /** Records no newer than what is stored (duplicates, out-of-order deliveries): nothing written. */
  readonly skipped: number;
}

/** Counts of one sync run, kept in the sync state item. */
export interface OfficeSyncStats {
  readonly pages: number;
  /** Valid records received (duplicates included). */
  readonly received: number;
  readonly written: number;
  readonly skipped: number;
  /** Records that failed validation; skipped and reported, not fatal. */
  readonly invalid: number;
  /** Offices marked inactive because a full listing no longer had them (on-demand sync only). */
  readonly deactivatedMissing: number;
  readonly durationMs: number;
}

/** The scheduled sync's bookkeeping: one item (officeSyncKeys in shared/db/offices.ts). */
export interface OfficeSyncState {
  /** The directory's cursor after the last complete run; absent before the first one. */
  readonly cursor?: string;
  readonly lastRunAt?: string;
  readonly lastRunStatus?: 'succeeded' | 'failed';
  readonly lastSuccessAt?: string;
  readonly lastError?: string;
  readonly lastRunStats?: OfficeSyncStats;
  /** A few of the last run's invalid records (index, office id if any, what was wrong). */
  readonly lastInvalidRecords?: readonly InvalidDirectoryRecord[];
  readonly runs?: number;
  readonly failedRuns?: number;
}

/** A directory record that failed validation, as reported (never stored as an office). */
export interface InvalidDirectoryRecord {
  readonly page: number;
  readonly index: number;
  readonly partnerId?: string;
  readonly officeId?: string;
  readonly problems: readonly string[];
}

/** The outcome of asking to sync one partner's offices now. */
export type SyncClaim = { readonly granted: true } | { readonly granted: false; readonly retryAfterSeconds: number };

/** Port used by the office sync; the DynamoDB adapter is DynamoOfficeStore (shared/db/offices.ts). */
export interface OfficeSyncStore extends OfficeReader {
  /**
   * Stores each record unless what is stored is as new or newer (decided by a condition on
   * `sourceUpdatedAt`, so concurrent runs cannot overwrite a newer version either). Idempotent.
   */
  applyDirectoryRecords(records: readonly DirectoryOffice[], syncedAt: string): Promise<OfficeApplyResult>;
  /**
   * Deactivates `office` as missing upstream (a full listing did not have it), unless it was
   * written or synced at or after `notSyncedSince`, when that listing started: an office stored
   * meanwhile by a concurrent run may simply be newer than the listing. False when it was kept.
   */
  markMissingUpstream(office: Office, notSyncedSince: string, at: string): Promise<boolean>;
  getSyncState(): Promise<OfficeSyncState | undefined>;
  /** Advances the cursor and records a successful run. */
  recordRunSucceeded(
    cursor: string,
    stats: OfficeSyncStats,
    invalid: readonly InvalidDirectoryRecord[],
    at: string,
  ): Promise<void>;
  /** Records a failed run; the cursor stays where it was. */
  recordRunFailed(error: string, stats: OfficeSyncStats, at: string): Promise<void>;
  /** At most one on-demand sync per partner per `minIntervalSeconds`. */
  claimPartnerSync(partnerId: string, now: Date, minIntervalSeconds: number): Promise<SyncClaim>;
  recordPartnerSyncCompleted(partnerId: string, at: string): Promise<void>;
  /** When a complete sync last covered this partner's offices: scheduled run and on-demand sync. */
  syncFreshness(partnerId: string): Promise<SyncFreshness>;
}

export interface SyncFreshness {
  /** The last successful scheduled run (it brought every change up to then). */
  readonly scheduledRunAt?: string;
  /** The partner's last completed on-demand sync. */
  readonly onDemandAt?: string;
}

/**
 * When this partner's offices as a whole were last known current, or null before its first sync:
 * its last on-demand sync (a full listing of its offices), or the last successful scheduled run
 * (which brings every change) once it has offices stored. A partner with nothing stored and no
 * on-demand sync has never been synced as far as we know, whatever the scheduled runs did.
 */
export function partnerLastSyncedAt(freshness: SyncFreshness, hasStoredOffices: boolean): string | null {
  return latest(freshness.onDemandAt, hasStoredOffices ? freshness.scheduledRunAt : undefined) ?? null;
}

/** The later of two optional ISO times. */
export function latest(...times: (string | undefined)[]): string | undefined {
  return times.reduce<string | undefined>((a, b) => (b !== undefined && (a === undefined || b > a) ? b : a), undefined);
}
