import { errorForLog, errorSummary, sanitizedError } from '../../shared/db/errors.ts';
import { TooManyRequestsError } from '../../shared/domain/errors.ts';
import type { InvalidDirectoryRecord, Office, OfficeSyncStats, OfficeSyncStore } from '../../shared/domain/office.ts';
import { DirectoryError, listAllPages, type OfficeDirectory } from './directory/directory.ts';

/** A partner may ask for an on-demand sync of its offices at most this often. */
export const ON_DEMAND_SYNC_INTERVAL_SECONDS = 60;
/** How many invalid records a run keeps in the state item (all of them are logged). */
const INVALID_SAMPLE = 20;
/**
 * Clocks of two function instances may disagree a little. An office written by another run this
 * close before our listing started may still have been written after it: we leave it alone (a
 * later on-demand sync deactivates it if it really is gone) rather than risk deactivating it.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 1_000;

export interface SyncLog {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface OfficeSyncDeps {
  readonly directory: OfficeDirectory;
  readonly store: OfficeSyncStore;
  readonly now?: () => Date;
  readonly log?: SyncLog;
}

export interface SyncRunResult extends OfficeSyncStats {
  readonly cursor?: string;
  /**
   * Sync lag: seconds from the previous successful run's end to this run's end, the longest an
   * upstream change waited to be stored (absent on the first successful run).
   */
  readonly lagSeconds?: number;
  readonly invalidRecords: readonly InvalidDirectoryRecord[];
}

class StatsCounter {
  pages = 0;
  received = 0;
  written = 0;
  skipped = 0;
  invalid = 0;
  deactivatedMissing = 0;
  readonly invalidRecords: InvalidDirectoryRecord[] = [];
  private readonly startedAt = performance.now();

  snapshot(): OfficeSyncStats {
    return {
      pages: this.pages,
      received: this.received,
      written: this.written,
      skipped: this.skipped,
      invalid: this.invalid,
      deactivatedMissing: this.deactivatedMissing,
      durationMs: Math.round(performance.now() - this.startedAt),
    };
  }
}

const noLog: SyncLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The scheduled, incremental sync: every office changed since the stored cursor, page by page.
 * Each page is stored before the next is fetched, and the cursor moves only after the last page is
 * stored. A run that dies half-way leaves the cursor where it was, so the next run fetches the
 * same changes again; the writes are idempotent (a version no newer than the stored one is never
 * written), so nothing is lost, duplicated or overwritten by a stale version.
 */
export async function runScheduledSync(
  deps: OfficeSyncDeps,
  options: { signal?: AbortSignal } = {},
): Promise<SyncRunResult> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? noLog;
  const stats = new StatsCounter();
  try {
    const state = await deps.store.getSyncState();
    const query = state?.cursor !== undefined ? { changedSince: state.cursor } : {};
    let cursor: string | undefined;
    for await (const page of listAllPages(deps.directory, query, options.signal)) {
      await applyPage(deps, stats, page, now, log);
      cursor = page.cursor;
      options.signal?.throwIfAborted();
    }
    const result = stats.snapshot();
    // listAllPages yields at least one page, so a cursor is always set here.
    const next = cursor ?? state?.cursor ?? '';
    const finishedAt = now();
    await deps.store.recordRunSucceeded(
      next,
      result,
      stats.invalidRecords.slice(0, INVALID_SAMPLE),
      finishedAt.toISOString(),
    );
    const previous = state?.lastSuccessAt ? Date.parse(state.lastSuccessAt) : Number.NaN;
    const lag = Number.isNaN(previous) ? {} : { lagSeconds: Math.max(0, (finishedAt.getTime() - previous) / 1000) };
    log.info('office sync run succeeded', { ...result, fromCursor: state?.cursor, toCursor: next });
    return { ...result, cursor: next, ...lag, invalidRecords: stats.invalidRecords };
  } catch (error) {
    // Stored with the run and logged: name and a redacted, trimmed message only.
    const message = errorSummary(error);
    log.error('office sync run failed', { error: message, ...stats.snapshot() });
    try {
      await deps.store.recordRunFailed(message, stats.snapshot(), now().toISOString());
    } catch (recordError) {
      log.error('could not record the failed run', { error: errorForLog(recordError) });
    }
    // The run still fails (Lambda retries it, then the dead-letter queue), but whatever catches the
    // error may log it whole: anything else than a DirectoryError (whose message the directory
    // client builds from safe parts only, and whose status and Retry-After callers read) is
    // rethrown redacted.
    throw error instanceof DirectoryError ? error : sanitizedError(error);
  }
}

async function applyPage(
  deps: OfficeSyncDeps,
  stats: StatsCounter,
  page: Awaited<ReturnType<OfficeDirectory['listOffices']>>,
  now: () => Date,
  log: SyncLog,
): Promise<void> {
  stats.pages++;
  stats.received += page.offices.length;
  for (const record of page.invalid) {
    stats.invalid++;
    stats.invalidRecords.push({ page: stats.pages, ...record });
    log.warn('skipped invalid directory record', { page: stats.pages, ...record });
  }
  if (page.offices.length === 0) return;
  const applied = await deps.store.applyDirectoryRecords(page.offices, now().toISOString());
  stats.written += applied.written;
  stats.skipped += applied.skipped;
}

export interface PartnerSyncResult extends OfficeSyncStats {
  readonly offices: readonly Office[];
  readonly syncedAt: string;
  readonly invalidRecords: readonly InvalidDirectoryRecord[];
}

/**
 * A partner's on-demand sync: a full listing of its offices (a partner has few), stored like the
 * scheduled run stores changes. A full listing also shows which stored offices the directory no
 * longer has: those are marked inactive (and `missingUpstream`, so the same version seen again
 * reactivates them). At most once a minute per partner (TooManyRequestsError with the seconds to
 * wait); the claim is spent even if the directory then fails, so an outage upstream is not
 * hammered by retries.
 */
export async function syncPartnerOffices(
  deps: OfficeSyncDeps,
  partnerId: string,
  options: { signal?: AbortSignal } = {},
): Promise<PartnerSyncResult> {
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? noLog;
  const claim = await deps.store.claimPartnerSync(partnerId, now(), ON_DEMAND_SYNC_INTERVAL_SECONDS);
  if (!claim.granted) {
    throw new TooManyRequestsError(
      'office-sync-rate-limited',
      'Office sync rate limited',
      `Offices can be synced on demand once a minute; retry in ${claim.retryAfterSeconds} s.`,
      claim.retryAfterSeconds,
    );
  }
  const stats = new StatsCounter();
  const present = new Set<string>();
  // The listing proves absence only for offices stored before it started: one that appears
  // upstream meanwhile may be missing from it yet stored by a concurrent scheduled run.
  const listingStartedAt = now();
  for await (const page of listAllPages(deps.directory, { partnerId }, options.signal)) {
    // The directory answers for the partner asked about; anything else is not ours to store here.
    const foreign = page.offices.filter((o) => o.partnerId !== partnerId);
    if (foreign.length > 0)
      log.warn('directory returned offices of other partners', { partnerId, count: foreign.length });
    const own = { ...page, offices: page.offices.filter((o) => o.partnerId === partnerId) };
    await applyPage(deps, stats, own, now, log);
    for (const office of own.offices) present.add(office.officeId);
    // An invalid record may be an office that still exists: never deactivate on its account.
    for (const record of page.invalid) if (record.officeId !== undefined) present.add(record.officeId);
  }
  const syncedAt = now().toISOString();
  const notSyncedSince = new Date(listingStartedAt.getTime() - CLOCK_SKEW_ALLOWANCE_MS).toISOString();
  const stored = await deps.store.listForPartner(partnerId);
  for (const office of stored) {
    if (
      office.active &&
      !present.has(office.officeId) &&
      (await deps.store.markMissingUpstream(office, notSyncedSince, syncedAt))
    ) {
      stats.deactivatedMissing++;
    }
  }
  await deps.store.recordPartnerSyncCompleted(partnerId, syncedAt);
  const result = stats.snapshot();
  log.info('partner office sync succeeded', { partnerId, ...result });
  const offices =
    stats.deactivatedMissing > 0 || result.written > 0 ? await deps.store.listForPartner(partnerId) : stored;
  return { ...result, offices, syncedAt, invalidRecords: stats.invalidRecords };
}
