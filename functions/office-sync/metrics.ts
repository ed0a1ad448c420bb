/**
 * The office sync's custom metrics (Powertools EMF). The handler publishes them and the CDK
 * construct alarms on them, so both read the names from here.
 */
export const OFFICE_SYNC_METRICS = {
  namespace: 'PurchaseOffers',
  /** Powertools adds `service` as a dimension on every metric. */
  service: 'office-sync',
  succeeded: 'OfficeSyncSucceeded',
  failed: 'OfficeSyncFailed',
  written: 'OfficesWritten',
  invalid: 'OfficeRecordsInvalid',
  /** Seconds an upstream change could have waited to be stored (SyncRunResult.lagSeconds), per successful run. */
  lag: 'OfficeSyncLagSeconds',
} as const;
