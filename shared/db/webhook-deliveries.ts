import { createHash, randomBytes } from 'node:crypto';
import {
  DELIVERY_LOG_TTL_MS,
  type DeliveryStatus,
  type WebhookDelivery,
  type WebhookEvent,
} from '../domain/webhook.ts';
import { PARTITIONS, partitionPrefix } from './partitions.ts';
import { type Item, isConditionFailed, type Table } from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * The delivery log: one item per delivery of an event to an endpoint, in the endpoint's own
 * partition (so "an endpoint's deliveries, newest first" is one Query and a partner's key never
 * reaches another partner's log), deleted by DynamoDB's TTL 30 days after it was created. The item
 * also keeps the event as sent, so every attempt and a redelivery POST the very same body.
 */
export const webhookDeliveryKeys = {
  pk: (partnerId: string, endpointId: string) =>
    `${partitionPrefix(PARTITIONS.webhookDeliveries)}${partnerId}#${endpointId}`,
  /** Delivery ids begin with their creation time, so sort keys order the log by time. */
  sk: (deliveryId: string) => deliveryId,
};

/** A delivery as stored: the log entry and the event it carries. */
export interface StoredDelivery extends WebhookDelivery {
  readonly event: WebhookEvent;
}

type DeliveryItem = StoredDelivery & { PK: string; SK: string; entity: 'webhookDelivery'; [TTL_ATTRIBUTE]: number };

/** Base-36 ms since the epoch, fixed width (9 characters last until the year 5188). */
function timePrefix(at: Date): string {
  return at.getTime().toString(36).padStart(9, '0');
}

/**
 * `wd_` + creation time + 16 characters. With `seed` the suffix is derived from it (the same event
 * to the same endpoint: the same delivery), otherwise random (a redelivery).
 */
export function newDeliveryId(at: Date, seed?: string): string {
  const suffix = seed
    ? createHash('sha256').update(seed).digest('base64url').slice(0, 16)
    : randomBytes(12).toString('base64url');
  return `wd_${timePrefix(at)}${suffix.replace(/[-_]/g, 'x')}`;
}

/** The attempt's outcome as the log keeps it. */
export interface AttemptRecord {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly at: Date;
  readonly lastResponseCode?: number;
  readonly lastLatencyMs?: number;
  readonly lastResponseBody?: string;
  readonly lastError?: string;
  readonly nextAttemptAt?: Date;
  readonly firstAttemptAt?: Date;
}

export interface DeliveryPage {
  readonly deliveries: StoredDelivery[];
  /** Present when there may be more: the delivery id to continue after. */
  readonly next?: string;
}

const NOT_EXISTS = 'attribute_not_exists(PK)';

export class WebhookDeliveryStore {
  constructor(private readonly table: Table) {}

  /** Records a new delivery; false (nothing written) when one with its id is already there. */
  async create(delivery: StoredDelivery): Promise<boolean> {
    const item: DeliveryItem = {
      PK: webhookDeliveryKeys.pk(delivery.partnerId, delivery.endpointId),
      SK: webhookDeliveryKeys.sk(delivery.deliveryId),
      entity: 'webhookDelivery',
      ...delivery,
      [TTL_ATTRIBUTE]: Math.ceil((Date.parse(delivery.createdAt) + DELIVERY_LOG_TTL_MS) / 1000),
    };
    try {
      await this.table.put({ Item: item, ConditionExpression: NOT_EXISTS });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async get(partnerId: string, endpointId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    const item = await this.table.get({
      Key: { PK: webhookDeliveryKeys.pk(partnerId, endpointId), SK: webhookDeliveryKeys.sk(deliveryId) },
      ConsistentRead: true,
    });
    return item ? fromItem(item) : undefined;
  }

  /**
   * Writes an attempt's outcome, only if the log still shows `previousAttempts` attempts: of two
   * workers holding the same queued message, one records and the other gets false and drops it.
   */
  async recordAttempt(
    delivery: Pick<WebhookDelivery, 'partnerId' | 'endpointId' | 'deliveryId'>,
    previousAttempts: number,
    record: AttemptRecord,
  ): Promise<boolean> {
    const values: Item = {
      ':status': record.status,
      ':attempts': record.attempts,
      ':updatedAt': record.at.toISOString(),
      ':previous': previousAttempts,
    };
    const set = ['#status = :status', 'attempts = :attempts', 'updatedAt = :updatedAt'];
    const remove: string[] = [];
    const optional: Record<string, string | number | undefined> = {
      lastResponseCode: record.lastResponseCode,
      lastLatencyMs: record.lastLatencyMs,
      lastResponseBody: record.lastResponseBody,
      lastError: record.lastError,
      nextAttemptAt: record.nextAttemptAt?.toISOString(),
    };
    for (const [name, value] of Object.entries(optional)) {
      if (value === undefined) remove.push(name);
      else {
        set.push(`${name} = :${name}`);
        values[`:${name}`] = value;
      }
    }
    if (record.firstAttemptAt) {
      set.push('firstAttemptAt = if_not_exists(firstAttemptAt, :firstAttemptAt)');
      values[':firstAttemptAt'] = record.firstAttemptAt.toISOString();
    }
    try {
      await this.table.update({
        Key: {
          PK: webhookDeliveryKeys.pk(delivery.partnerId, delivery.endpointId),
          SK: webhookDeliveryKeys.sk(delivery.deliveryId),
        },
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_exists(PK) AND attempts = :previous',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** An endpoint's deliveries, newest first; `after` is the last delivery id of the previous page. */
  async list(partnerId: string, endpointId: string, page: { limit: number; after?: string }): Promise<DeliveryPage> {
    const result = await this.table.query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': webhookDeliveryKeys.pk(partnerId, endpointId) },
      ScanIndexForward: false,
      Limit: page.limit,
      ...(page.after
        ? {
            ExclusiveStartKey: {
              PK: webhookDeliveryKeys.pk(partnerId, endpointId),
              SK: webhookDeliveryKeys.sk(page.after),
            },
          }
        : {}),
    });
    const deliveries = result.Items.map(fromItem);
    const last = deliveries.at(-1);
    return { deliveries, ...(result.LastEvaluatedKey && last ? { next: last.deliveryId } : {}) };
  }
}

function fromItem(item: Item): StoredDelivery {
  const { PK: _pk, SK: _sk, entity: _entity, [TTL_ATTRIBUTE]: _ttl, ...delivery } = item as unknown as DeliveryItem;
  return delivery;
}
