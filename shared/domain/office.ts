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

/** Port for offices; the DynamoDB adapter lives in shared/db/offices.ts. */
export interface OfficeReader {
  get(partnerId: string, officeId: string): Promise<Office | undefined>;
  listForPartner(partnerId: string): Promise<Office[]>;
}
