import { ConditionFailedError, TransactionCanceledError } from '../../shared/db/port.ts';
import {
  DynamoWebhookEndpointStore,
  IdempotencyKeyTakenError,
  webhookEndpointToItem,
} from '../../shared/db/webhook-endpoints.ts';
import { ConflictError, NotFoundError } from '../../shared/domain/errors.ts';
import type { WebhookEndpoint } from '../../shared/domain/webhook.ts';
import { FakeTable, inTurn, updateAt } from '../support/fake-table.ts';

const endpoint = (): WebhookEndpoint => ({
  endpointId: 'we_1',
  partnerId: 'p-1',
  url: 'https://hooks.example.com/in',
  events: ['offer.accepted'],
  status: 'enabled',
  secrets: [{ secret: 'whsec_old', createdAt: '2026-11-01T00:00:00.000Z' }],
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

const cancelled = (...codes: string[]) => {
  throw new TransactionCanceledError(codes.map((Code) => ({ Code })));
};

describe('DynamoWebhookEndpointStore (error paths on the port)', () => {
  it('create: raises the count under its limit condition in the same transaction as the put', async () => {
    const table = new FakeTable();

    await new DynamoWebhookEndpointStore(table).create(endpoint());

    const [items] = table.calls.transactWrite;
    expect(updateAt(items, 0)).toMatchObject({
      Key: { PK: 'WEBHOOKS#p-1', SK: 'COUNT' },
      ConditionExpression: 'attribute_not_exists(endpointCount) OR endpointCount < :max',
      ExpressionAttributeValues: expect.objectContaining({ ':max': 10 }),
    });
    expect(items?.[1]).toEqual({
      Put: { Item: webhookEndpointToItem(endpoint()), ConditionExpression: 'attribute_not_exists(PK)' },
    });
  });

  it('create: a failed count condition is the 409 limit; a taken key wins over it', async () => {
    const table = new FakeTable();
    const store = new DynamoWebhookEndpointStore(table);
    const record = {
      partnerId: 'p-1',
      key: 'k',
      operation: 'create-webhook-endpoint',
      requestHash: 'h',
      statusCode: 201,
      responseBody: '{}',
      createdAt: '2026-11-01T00:00:00.000Z',
      expiresAtEpoch: 1,
    };

    table.answers.transactWrite = () => cancelled('ConditionalCheckFailed', 'None');
    await expect(store.create(endpoint())).rejects.toMatchObject({ type: 'webhook-endpoint-limit' });
    await expect(store.create(endpoint())).rejects.toBeInstanceOf(ConflictError);
    table.answers.transactWrite = () => cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed');
    await expect(store.create(endpoint(), record)).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
  });

  it('create: a cancellation for contention is passed on, not taken for the limit', async () => {
    const table = new FakeTable();
    table.answers.transactWrite = () => cancelled('TransactionConflict', 'None');

    await expect(new DynamoWebhookEndpointStore(table).create(endpoint())).rejects.toBeInstanceOf(
      TransactionCanceledError,
    );
  });

  it('delete: a failed endpoint condition (none, or deleted already) is a 404', async () => {
    const table = new FakeTable();
    table.answers.transactWrite = () => cancelled('ConditionalCheckFailed', 'None');

    await expect(new DynamoWebhookEndpointStore(table).delete('p-1', 'we_1', new Date())).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('rotateSecret: retries over a concurrent change, then answers 409 webhook-endpoint-changed', async () => {
    const table = new FakeTable();
    table.answers.get = () => ({ ...webhookEndpointToItem(endpoint()) });
    table.answers.update = () => {
      throw new ConditionFailedError();
    };

    await expect(
      new DynamoWebhookEndpointStore(table).rotateSecret('p-1', 'we_1', 'whsec_new', new Date()),
    ).rejects.toMatchObject({ type: 'webhook-endpoint-changed' });
    expect(table.calls.update).toHaveLength(3);
  });

  it('rotateSecret: succeeds on a later attempt, conditioned on the version read', async () => {
    const table = new FakeTable();
    const at = new Date('2026-11-30T00:00:00.000Z');
    table.answers.get = () => ({ ...webhookEndpointToItem(endpoint()) });
    table.answers.update = inTurn(
      () => {
        throw new ConditionFailedError();
      },
      (input) => ({ ...webhookEndpointToItem(endpoint()), secrets: input.ExpressionAttributeValues?.[':secrets'] }),
    );

    const rotated = await new DynamoWebhookEndpointStore(table).rotateSecret('p-1', 'we_1', 'whsec_new', at);

    expect(rotated.secrets).toEqual([
      { secret: 'whsec_new', createdAt: '2026-11-30T00:00:00.000Z' },
      { secret: 'whsec_old', createdAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-12-01T00:00:00.000Z' },
    ]);
    expect(table.calls.update[1]?.ExpressionAttributeValues?.[':seen']).toBe('2026-11-01T00:00:00.000Z');
  });

  it('reads a deleted endpoint’s tombstone as absent', async () => {
    const table = new FakeTable();
    table.answers.get = () => ({ ...webhookEndpointToItem(endpoint()), deletedAt: '2026-11-02T00:00:00.000Z' });

    await expect(new DynamoWebhookEndpointStore(table).get('p-1', 'we_1')).resolves.toBeUndefined();
  });
});
