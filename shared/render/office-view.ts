import { latest, type Office, type SyncFreshness } from '../domain/office.ts';

/** An office as partners see it in the API. */
export interface OfficeView {
  readonly officeId: string;
  readonly name: string;
  readonly city: string;
  readonly country: string;
  /** Only active offices can be used for new offers; offers already made keep working. */
  readonly active: boolean;
  /** The directory's last change to the office. */
  readonly updatedAt: string;
  /**
   * When the office was last known current: the later of its last write and the last complete
   * sync that covered it (a complete run brings every change, so an office it did not touch was
   * confirmed unchanged without costing a write).
   */
  readonly lastSyncedAt: string;
}

export function officeView(office: Office, freshness: SyncFreshness = {}): OfficeView {
  return {
    officeId: office.officeId,
    name: office.name,
    city: office.city,
    country: office.country,
    active: office.active,
    updatedAt: office.sourceUpdatedAt,
    lastSyncedAt: latest(office.lastSyncedAt, freshness.scheduledRunAt, freshness.onDemandAt) ?? office.lastSyncedAt,
  };
}

/** Active offices first, then by name. */
export function sortOffices<T extends Pick<Office, 'active' | 'name' | 'officeId'>>(offices: readonly T[]): T[] {
  return [...offices].sort(
    (a, b) =>
      Number(b.active) - Number(a.active) || a.name.localeCompare(b.name) || a.officeId.localeCompare(b.officeId),
  );
}
