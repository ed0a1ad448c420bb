import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { epochSeconds, type IdempotencyRecord } from '../domain/idempotency.ts';
import {
  DELIVERY_LOG_TTL_MS,
  MAX_WEBHOOK_ENDPOINTS,
  SECRET_OVERLAP_MS,
  type WebhookEndpoint,
  type WebhookSecret,
} from '../domain/webhook.ts';
import { retry } from '../retry.ts';
import { IDEMPOTENCY_FREE_CONDITION } from './idempotency.ts';
import { PARTITIONS, partitionPrefix } from './partitions.ts';
import {
  type Item,
  isConditionFailed,
  isStorableKey,
  isTransactionCanceled,
  queryAll,
  type Table,
  type TransactItem,
} from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * A partner's webhook endpoints share one partition, `WEBHOOKS#<partnerId>` (a family of its own:
 * the functions that manage and deliver to endpoints need no access to partner profiles), so "all
 * endpoints of a partner" is one Query. The partition also holds the partner's endpoint count,
 * which a registration raises and a deletion lowers in the same transaction as the endpoint's own
 * write: the 10-endpoint limit holds under concurrent requests.
 */
export const webhookEndpointKeys = {
  pk: (partnerId: string) => `${partitionPrefix(PARTITIONS.webhooks)}${partnerId}`,
  sk: (endpointId: string) => `ENDPOINT#${endpointId}`,
  skPrefix: 'ENDPOINT#',
  countSk: () => 'COUNT',
  /** A registration's Idempotency-Key record (TTL 24 h), beside the endpoints it may create. */
  idempotencySk: (key: string) => `IDEMPOTENCY#${key}`,
};

/**
 * Another request took the Idempotency-Key between our read and our write: the caller reads the
 * record again and answers with it.
 */
export class IdempotencyKeyTakenError extends Error {
  override readonly name = 'IdempotencyKeyTakenError';
}

/**
 * A deleted endpoint stays as a tombstone without its secrets (`deletedAt` set) until DynamoDB's TTL
 * removes it, as long as its delivery log lives: a delivery already queued finds it deleted and
 * stops instead of failing. Reads treat it as absent.
 */
type StoredEndpoint = WebhookEndpoint & { readonly deletedAt?: string };
type EndpointItem = StoredEndpoint & { PK: string; SK: string; entity: 'webhookEndpoint'; [TTL_ATTRIBUTE]?: number };

export function webhookEndpointToItem(endpoint: WebhookEndpoint): EndpointItem {
  return {
    PK: webhookEndpointKeys.pk(endpoint.partnerId),
    SK: webhookEndpointKeys.sk(endpoint.endpointId),
    entity: 'webhookEndpoint',
    ...endpoint,
  };
}

/** The endpoint an item holds, or undefined for a deleted endpoint's tombstone. */
export function webhookEndpointFromItem(item: Item): WebhookEndpoint | undefined {
  const {
    PK: _pk,
    SK: _sk,
    entity: _entity,
    [TTL_ATTRIBUTE]: _ttl,
    deletedAt,
    ...endpoint
  } = item as unknown as EndpointItem;
  return deletedAt === undefined ? endpoint : undefined;
}

/** The partner has no such endpoint (none, deleted, or another partner's: all look the same). */
export const webhookEndpointNotFound = (endpointId: string) =>
  new NotFoundError('webhook-endpoint-not-found', 'Webhook endpoint not found', `No webhook endpoint ${endpointId}.`, [
    { at: { field: 'webhookEndpointId' }, rule: 'not_found', message: 'names no webhook endpoint of yours' },
  ]);

/** Optimistic rotations retried this many times before a 409 (two rotations at the same instant). */
const ROTATE_ATTEMPTS = 3;

export class DynamoWebhookEndpointStore {
  constructor(private readonly table: Table) {}

  /**
   * Writes a new endpoint and raises the partner's count, with the Idempotency-Key's record when
   * given: all or nothing.
   * @throws IdempotencyKeyTakenError when a live record holds the key already.
   * @throws ConflictError `webhook-endpoint-limit` when the partner has MAX_WEBHOOK_ENDPOINTS already.
   */
  async create(endpoint: WebhookEndpoint, idempotency?: IdempotencyRecord): Promise<void> {
    const pk = webhookEndpointKeys.pk(endpoint.partnerId);
    const record: TransactItem[] = idempotency
      ? [
          {
            Put: {
              Item: {
                PK: pk,
                SK: webhookEndpointKeys.idempotencySk(idempotency.key),
                entity: 'webhookIdempotency',
                ...idempotency,
              },
              ConditionExpression: IDEMPOTENCY_FREE_CONDITION,
              ExpressionAttributeValues: { ':nowEpoch': epochSeconds(new Date(idempotency.createdAt)) },
            },
          },
        ]
      : [];
    try {
      await this.table.transactWrite([
        {
          Update: {
            Key: { PK: pk, SK: webhookEndpointKeys.countSk() },
            UpdateExpression: 'SET endpointCount = if_not_exists(endpointCount, :zero) + :one, entity = :entity',
            ConditionExpression: 'attribute_not_exists(endpointCount) OR endpointCount < :max',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':max': MAX_WEBHOOK_ENDPOINTS,
              ':entity': 'webhookEndpointCount',
            },
          },
        },
        { Put: { Item: webhookEndpointToItem(endpoint), ConditionExpression: 'attribute_not_exists(PK)' } },
        ...record,
      ]);
    } catch (error) {
      // The key first: a retry that lost the race to its own first attempt gets that attempt's answer.
      if (isTransactionCanceled(error) && idempotency && error.codeAt(2) === 'ConditionalCheckFailed') {
        throw new IdempotencyKeyTakenError(`Idempotency-Key taken by a concurrent request`);
      }
      if (isTransactionCanceled(error) && error.codeAt(0) === 'ConditionalCheckFailed') {
        throw new ConflictError(
          'webhook-endpoint-limit',
          'Too many webhook endpoints',
          undefined,
          [
            {
              at: { field: 'webhookEndpoints' },
              rule: 'max_endpoints',
              message: `must not exceed ${MAX_WEBHOOK_ENDPOINTS} endpoints per partner; delete one first`,
            },
          ],
          { limit: MAX_WEBHOOK_ENDPOINTS },
        );
      }
      throw error;
    }
  }

  /** The registration recorded under the partner's Idempotency-Key, live or not. */
  async getIdempotency(partnerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.table.get({
      Key: { PK: webhookEndpointKeys.pk(partnerId), SK: webhookEndpointKeys.idempotencySk(key) },
      ConsistentRead: true,
    });
    if (!item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...record } = item;
    return record as unknown as IdempotencyRecord;
  }

  /** The partner's endpoint, or undefined (none, deleted, or another partner's: ids are per partner). */
  async get(partnerId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    const item = await this.table.get({
      Key: { PK: webhookEndpointKeys.pk(partnerId), SK: webhookEndpointKeys.sk(endpointId) },
      ConsistentRead: true,
    });
    return item ? webhookEndpointFromItem(item) : undefined;
  }

  /** Every endpoint of the partner (deleted ones left out), oldest first. */
  async listForPartner(partnerId: string): Promise<WebhookEndpoint[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': webhookEndpointKeys.pk(partnerId), ':prefix': webhookEndpointKeys.skPrefix },
      ConsistentRead: true,
    });
    return items
      .flatMap((item) => webhookEndpointFromItem(item) ?? [])
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.endpointId.localeCompare(b.endpointId));
  }

  /**
   * Deletes the endpoint (a tombstone without secrets, removed by TTL after the delivery log's 30
   * days) and lowers the partner's count, both or neither.
   * @throws NotFoundError `webhook-endpoint-not-found` when there is no such endpoint (or it is deleted).
   */
  async delete(partnerId: string, endpointId: string, at: Date): Promise<void> {
    const pk = webhookEndpointKeys.pk(partnerId);
    // An id too long for a key names no endpoint: DynamoDB would refuse the write, not fail its condition.
    if (!isStorableKey({ PK: pk, SK: webhookEndpointKeys.sk(endpointId) })) throw webhookEndpointNotFound(endpointId);
    try {
      await this.table.transactWrite([
        {
          Update: {
            Key: { PK: pk, SK: webhookEndpointKeys.sk(endpointId) },
            UpdateExpression: 'SET deletedAt = :at, updatedAt = :at, #ttl = :ttl REMOVE secrets',
            ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deletedAt)',
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':at': at.toISOString(),
              ':ttl': Math.ceil((at.getTime() + DELIVERY_LOG_TTL_MS) / 1000),
            },
          },
        },
        {
          Update: {
            Key: { PK: pk, SK: webhookEndpointKeys.countSk() },
            UpdateExpression: 'SET endpointCount = endpointCount - :one',
            ConditionExpression: 'endpointCount > :zero',
            ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
          },
        },
      ]);
    } catch (error) {
      if (isTransactionCanceled(error) && error.codeAt(0) === 'ConditionalCheckFailed')
        throw webhookEndpointNotFound(endpointId);
      throw error;
    }
  }

  /**
   * Enables the endpoint again (after the delivery function disabled it): status `enabled`, the
   * disabling reason and the run of failures cleared. Enabling an enabled endpoint changes nothing
   * but `updatedAt`. Answers the endpoint as updated.
   * @throws NotFoundError `webhook-endpoint-not-found` when there is no such endpoint.
   */
  async enable(partnerId: string, endpointId: string, at: Date): Promise<WebhookEndpoint> {
    const key = { PK: webhookEndpointKeys.pk(partnerId), SK: webhookEndpointKeys.sk(endpointId) };
    if (!isStorableKey(key)) throw webhookEndpointNotFound(endpointId);
    try {
      const updated = await this.table.update({
        Key: key,
        UpdateExpression: 'SET #status = :enabled, updatedAt = :at REMOVE disabledReason, failingSince',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(deletedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':enabled': 'enabled', ':at': at.toISOString() },
        ReturnValues: 'ALL_NEW',
      });
      const endpoint = updated ? webhookEndpointFromItem(updated) : undefined;
      if (!endpoint) throw webhookEndpointNotFound(endpointId);
      return endpoint;
    } catch (error) {
      if (isConditionFailed(error)) throw webhookEndpointNotFound(endpointId);
      throw error;
    }
  }

  /**
   * Makes `secret` the endpoint's current secret; the current one keeps signing until
   * `at` + SECRET_OVERLAP_MS (its expiresAt). A previous secret still in its overlap is dropped:
   * at most two secrets sign at any time. Answers the endpoint as updated.
   * @throws NotFoundError `webhook-endpoint-not-found` when there is no such endpoint.
   * @throws ConflictError `webhook-endpoint-changed` when concurrent rotations kept winning.
   */
  async rotateSecret(partnerId: string, endpointId: string, secret: string, at: Date): Promise<WebhookEndpoint> {
    return retry(() => this.rotateOnce(partnerId, endpointId, secret, at), {
      maxAttempts: ROTATE_ATTEMPTS,
      // A lost race needs a fresh read, not a wait: the winner's write is already visible.
      decide: (error) => (isConditionFailed(error) ? { delayMs: 0 } : undefined),
      exhausted: () =>
        new ConflictError(
          'webhook-endpoint-changed',
          'Webhook endpoint changed',
          'The endpoint changed while its secret was being rotated. Read it again and retry.',
          [
            {
              at: { field: 'webhookEndpointId' },
              rule: 'concurrent_change',
              message: 'changed while its secret was being rotated; retry',
            },
          ],
        ),
    });
  }

  /** One read-then-conditional-write of a rotation; a concurrent change fails its condition. */
  private async rotateOnce(partnerId: string, endpointId: string, secret: string, at: Date): Promise<WebhookEndpoint> {
    const endpoint = await this.get(partnerId, endpointId);
    if (!endpoint) throw webhookEndpointNotFound(endpointId);
    const [current] = endpoint.secrets;
    const now = at.toISOString();
    const secrets: WebhookSecret[] = [
      { secret, createdAt: now },
      ...(current ? [{ ...current, expiresAt: new Date(at.getTime() + SECRET_OVERLAP_MS).toISOString() }] : []),
    ];
    const updated = await this.table.update({
      Key: { PK: webhookEndpointKeys.pk(partnerId), SK: webhookEndpointKeys.sk(endpointId) },
      UpdateExpression: 'SET secrets = :secrets, updatedAt = :now',
      // Only over the version read: a concurrent rotation must not be lost between read and write.
      ConditionExpression: 'attribute_not_exists(deletedAt) AND updatedAt = :seen',
      ExpressionAttributeValues: { ':secrets': secrets, ':now': now, ':seen': endpoint.updatedAt },
      ReturnValues: 'ALL_NEW',
    });
    const result = updated ? webhookEndpointFromItem(updated) : undefined;
    if (!result) throw webhookEndpointNotFound(endpointId);
    return result;
  }
}
