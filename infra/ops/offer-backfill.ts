import { legacyCountersItem } from '../../shared/db/customer-responses.ts';
import { offerCountersKeys, offerKeys } from '../../shared/db/offers.ts';
import { type Item, isConditionFailed, type Table } from '../../shared/db/port.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';
import { GSI1 } from '../../shared/db/table.ts';
import { scanTable } from './scan.ts';

/** What one partner's backfill did. */
export interface BackfillReport {
  /** Offers read from the partner's list (GSI1v2). */
  readonly offers: number;
  /** Counters items written (offers that had none). */
  readonly counters: number;
  /** Open offers given their GSI2 keys. */
  readonly opened: number;
  /** Offers at their maximum marked `exhaustedAt`. */
  readonly exhausted: number;
}

const number = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * Brings one partner's offers written before the answer counters moved off the offer item up to
 * the current layout, once, after the deploy that adds GSI1v2 and GSI2: for each offer without a
 * counters item, the item (`acceptances`, `declines` copied from the offer item, `remaining` from
 * `maxAcceptances`), put only if still absent (an answer recorded meanwhile created none: answers
 * need the item); an open offer (not deactivated, revised or expired at `now`, below its maximum)
 * gets its GSI2 keys, a full one `exhaustedAt`, each on a condition that the offer did not close
 * meanwhile. Running it again changes nothing. Offers are read through GSI1v2, which projects the
 * old counters too.
 */
export async function backfillOfferCounters(table: Table, partnerId: string, now: Date): Promise<BackfillReport> {
  const report = { offers: 0, counters: 0, opened: 0, exhausted: 0 };
  let start: Item | undefined;
  do {
    const page = await table.query({
      IndexName: GSI1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :prefix)',
      ExpressionAttributeValues: { ':pk': offerKeys.gsi1pk(partnerId), ':prefix': offerKeys.gsi1skPrefix },
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    for (const offer of page.Items) {
      report.offers++;
      const summaryId = String(offer.summaryId);
      const acceptances = number(offer.acceptances);
      const max = typeof offer.maxAcceptances === 'number' ? offer.maxAcceptances : undefined;
      const counters = await table.get({
        Key: { PK: offerCountersKeys.pk(summaryId), SK: offerCountersKeys.sk() },
        ConsistentRead: true,
      });
      if (!counters) {
        const written = await ifAbsent(() =>
          table.put({ Item: legacyCountersItem(offer), ConditionExpression: 'attribute_not_exists(PK)' }),
        );
        if (written) report.counters++;
      }
      const closed =
        offer.deactivatedAt !== undefined ||
        offer.revisedBy !== undefined ||
        offer.exhaustedAt !== undefined ||
        (typeof offer.expiresAt === 'string' && offer.expiresAt <= now.toISOString());
      if (closed) continue;
      const key = { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() };
      const stillOpen =
        'attribute_exists(PK) AND attribute_not_exists(deactivatedAt) AND attribute_not_exists(exhaustedAt)';
      if (max !== undefined && acceptances >= max) {
        if (
          await ifAbsent(() =>
            table.update({
              Key: key,
              UpdateExpression: 'SET exhaustedAt = :now',
              ConditionExpression: stillOpen,
              ExpressionAttributeValues: { ':now': now.toISOString() },
            }),
          )
        )
          report.exhausted++;
      } else {
        const createdAt = String(offer.createdAt);
        const opened = await ifAbsent(() =>
          table.update({
            Key: key,
            UpdateExpression: 'SET GSI2PK = :pk, GSI2SK = :sk',
            ConditionExpression: `${stillOpen} AND attribute_not_exists(GSI2PK)`,
            ExpressionAttributeValues: {
              ':pk': offerKeys.gsi2pk(partnerId),
              ':sk': offerKeys.gsi2sk(createdAt, summaryId),
            },
          }),
        );
        if (opened) report.opened++;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return report;
}

/** True when the write was made; false when its condition found the work done or the offer closed. */
async function ifAbsent(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Every partner's id, by one Scan of the table filtered to partner profiles (`entity = partner`):
 * reads (and bills) the whole table, for the one-off `backfill-offer-counters --all-partners`.
 */
export async function allPartnerIds(table: SdkTable): Promise<string[]> {
  const ids: string[] = [];
  const items = scanTable(table, {
    FilterExpression: 'entity = :partner',
    ProjectionExpression: 'partnerId',
    ExpressionAttributeValues: { ':partner': 'partner' },
  });
  for await (const item of items) if (typeof item.partnerId === 'string') ids.push(item.partnerId);
  return ids.sort();
}
