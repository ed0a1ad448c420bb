import { countViews, pendingViewRecords, type ViewRecord, viewRecordFromItem } from '../../shared/db/offer-views.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';
import { scanTable } from './scan.ts';

/** One offer's part of a `count-views --all` run. */
export interface OfferCountReport {
  readonly summaryId: string;
  /** Uncounted records found for the offer (re-read from its shards, strongly consistent). */
  readonly pending: number;
  readonly counted: number;
  readonly alreadyCounted: number;
  readonly unknownOffer: number;
  readonly failed: number;
}

/**
 * The summary ids of every offer with view records not yet counted: one Scan of the whole table
 * (paged, eventually consistent), filtered to `entity = offerView AND attribute_not_exists(countedAt)`.
 * A Scan reads (and bills) every item of the table, so this is for recovery after the views
 * function failed for longer than the stream keeps records, when the dead-letter message names
 * only the stream batch, not its offers.
 */
export async function offersWithUncountedViews(table: SdkTable): Promise<string[]> {
  const summaryIds = new Set<string>();
  const items = scanTable(table, {
    FilterExpression: 'entity = :view AND attribute_not_exists(countedAt)',
    ProjectionExpression: 'entity, summaryId, viewId, viewedAt, #shard',
    ExpressionAttributeNames: { '#shard': 'shard' },
    ExpressionAttributeValues: { ':view': 'offerView' },
  });
  for await (const item of items) {
    const record: ViewRecord | undefined = viewRecordFromItem(item);
    if (record) summaryIds.add(record.summaryId);
  }
  return [...summaryIds].sort();
}

/**
 * Counts every offer's uncounted view records, offer by offer, with the views function's
 * exactly-once code (countViews): running it twice, or while the function counts too, adds nothing twice.
 */
export async function countAllPendingViews(table: SdkTable, now: Date): Promise<OfferCountReport[]> {
  const reports: OfferCountReport[] = [];
  for (const summaryId of await offersWithUncountedViews(table)) {
    const pending = await pendingViewRecords(table, summaryId);
    const outcome = await countViews(table, pending, now);
    reports.push({
      summaryId,
      pending: pending.length,
      counted: outcome.counted,
      alreadyCounted: outcome.alreadyCounted,
      unknownOffer: outcome.unknownOffer,
      failed: outcome.failed.length,
    });
  }
  return reports;
}
