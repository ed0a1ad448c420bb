import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { countViews, type ViewRecord, viewRecordFromItem } from '../../shared/db/offer-views.ts';
import type { Table } from '../../shared/db/port.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { BUSINESS_METRICS, BusinessMetrics } from '../../shared/observability/metrics.ts';

type Image = Parameters<typeof unmarshall>[0];

/**
 * Adds the view records the offer page wrote to their offers' views counters, from the table
 * stream (filtered by the stack to new `offerView` items, in large batches: see FUNCTIONS.offerViews
 * in shared/routes.ts). Counting is exact however often a record arrives (countViews); records
 * that could not be counted now are reported, so Lambda retries the batch from the first of them
 * and the ones already counted are skipped. Records of an offer without a counter are dropped
 * (they expire with their TTL).
 */
export function createHandler(
  table: () => Table,
  now: () => Date = () => new Date(),
  metrics: BusinessMetrics = new BusinessMetrics(),
) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const entries: { sequenceNumber: string | undefined; view: ViewRecord }[] = [];
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage;
      if (record.eventName !== 'INSERT' || !image) continue;
      // aws-lambda's AttributeValue and the SDK's describe the same wire format.
      const view = viewRecordFromItem(unmarshall(image as Image));
      if (view) entries.push({ sequenceNumber: record.dynamodb?.SequenceNumber, view });
    }
    if (entries.length === 0) return { batchItemFailures: [] };
    const outcome = await countViews(
      table(),
      entries.map(({ view }) => view),
      now(),
    );
    const failed = new Set(outcome.failed.map((view) => view.viewId));
    const batchItemFailures = entries.flatMap(({ sequenceNumber, view }) =>
      failed.has(view.viewId) && sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [],
    );
    logger.info('offer views counted', {
      received: entries.length,
      counted: outcome.counted,
      alreadyCounted: outcome.alreadyCounted,
      unknownOffer: outcome.unknownOffer,
      failed: outcome.failed.length,
      // Cancelled transactions retried (mostly other shards' invocations counting the same offer).
      conflicts: outcome.conflicts,
    });
    // Exactly the views this batch added to counters: a record counted before is not counted again.
    metrics.count(BUSINESS_METRICS.offerViews, outcome.counted);
    metrics.publish();
    return { batchItemFailures };
  };
}

// The table at module load, as every function has it (unit tests import createHandler without one).
const table = process.env.TABLE_NAME ? sdkTableFromEnv() : undefined;
// A batch's log lines carry its first record's event id.
export const handler = withLambdaContext(
  createHandler(() => {
    if (!table) throw new Error('TABLE_NAME is not set');
    return table;
  }),
  (event) => event.Records[0]?.eventID,
);
