import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import { ConditionFailedError } from '../../shared/db/port.ts';
import type { DirectoryOffice } from '../../shared/domain/office.ts';
import { FakeTable, inTurn } from '../support/fake-table.ts';

/** A throttling answer as an adapter passes it on: not a condition failure. */
const throttled = () =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
    name: 'ProvisionedThroughputExceededException',
  });

const record = (officeId: string, updatedAt: string): DirectoryOffice => ({
  partnerId: 'p1',
  officeId,
  name: `Office ${officeId}`,
  city: 'Lisboa',
  country: 'PT',
  status: 'active',
  updatedAt,
});

let table: FakeTable;
let store: DynamoOfficeStore;

beforeEach(() => {
  table = new FakeTable();
  store = new DynamoOfficeStore(table);
});

describe('DynamoOfficeStore.claimPartnerSync', () => {
  const now = new Date('2026-11-30T10:00:00.000Z');

  it('grants the claim with one conditional update of the partner’s sync marker', async () => {
    // Act
    const claim = await store.claimPartnerSync('p1', now, 60);

    // Assert
    expect(claim).toEqual({ granted: true });
    expect(table.calls.update).toEqual([
      expect.objectContaining({
        Key: { PK: 'OFFICES#p1', SK: 'SYNC#OFFICES' },
        ConditionExpression: 'attribute_not_exists(lastRequestedAt) OR lastRequestedAt <= :cutoff',
        ExpressionAttributeValues: {
          ':entity': 'officeSyncClaim',
          ':at': now.toISOString(),
          ':cutoff': '2026-11-30T09:59:00.000Z',
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ]);
  });

  it('refuses while the standing claim is younger than the interval, for the seconds it has left', async () => {
    // Arrange: the claim that stands was made 15.5 s ago.
    table.answers.update = () => {
      throw new ConditionFailedError({ lastRequestedAt: '2026-11-30T09:59:44.500Z', entity: 'officeSyncClaim' });
    };

    // Act
    const claim = await store.claimPartnerSync('p1', now, 60);

    // Assert: 44.5 s left, rounded up.
    expect(claim).toEqual({ granted: false, retryAfterSeconds: 45 });
  });

  it('asks for the whole interval when the failed condition did not return the standing claim', async () => {
    table.answers.update = () => {
      throw new ConditionFailedError();
    };

    expect(await store.claimPartnerSync('p1', now, 60)).toEqual({ granted: false, retryAfterSeconds: 60 });
  });

  it('passes any other failure on, so an outage is not taken for a refusal', async () => {
    table.answers.update = () => {
      throw throttled();
    };

    await expect(store.claimPartnerSync('p1', now, 60)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });
});

describe('DynamoOfficeStore.applyDirectoryRecords', () => {
  it('reads stored versions consistently and writes only newer records, each under the version condition', async () => {
    // Arrange: o1 is stored at an older version, o2 at the same one.
    table.answers.batchGet = () => [
      { partnerId: 'p1', officeId: 'o1', sourceUpdatedAt: '2026-01-01T00:00:00.000Z' },
      { partnerId: 'p1', officeId: 'o2', sourceUpdatedAt: '2026-01-02T00:00:00.000Z' },
    ];

    // Act
    const result = await store.applyDirectoryRecords(
      [record('o1', '2026-01-02T00:00:00.000Z'), record('o2', '2026-01-02T00:00:00.000Z')],
      '2026-11-30T10:00:00.000Z',
    );

    // Assert
    expect(result).toEqual({ written: 1, skipped: 1 });
    expect(table.calls.batchGet).toEqual([
      {
        Keys: [
          { PK: 'OFFICES#p1', SK: 'OFFICE#o1' },
          { PK: 'OFFICES#p1', SK: 'OFFICE#o2' },
        ],
        ConsistentRead: true,
        ProjectionExpression: 'partnerId, officeId, sourceUpdatedAt, missingUpstream',
      },
    ]);
    expect(table.calls.put).toHaveLength(1);
    expect(table.calls.put[0]).toMatchObject({
      Item: { PK: 'OFFICES#p1', SK: 'OFFICE#o1', entity: 'office', officeId: 'o1', active: true },
      ExpressionAttributeValues: { ':updatedAt': '2026-01-02T00:00:00.000Z', ':true': true },
    });
  });

  it('counts a record someone stored first (the condition failed) as skipped', async () => {
    table.answers.put = inTurn(
      () => {
        throw new ConditionFailedError();
      },
      () => undefined,
    );

    const result = await store.applyDirectoryRecords(
      [record('o1', '2026-01-02T00:00:00.000Z'), record('o2', '2026-01-02T00:00:00.000Z')],
      '2026-11-30T10:00:00.000Z',
    );

    expect(result).toEqual({ written: 1, skipped: 1 });
  });

  it('fails on any other write failure instead of counting the record as stored elsewhere', async () => {
    table.answers.put = () => {
      throw throttled();
    };

    await expect(
      store.applyDirectoryRecords([record('o1', '2026-01-02T00:00:00.000Z')], '2026-11-30T10:00:00.000Z'),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});

describe('DynamoOfficeStore.markMissingUpstream', () => {
  const office = {
    partnerId: 'p1',
    officeId: 'o1',
    name: 'Office o1',
    city: 'Lisboa',
    country: 'PT',
    active: true,
    sourceUpdatedAt: '2026-01-01T00:00:00.000Z',
    lastSyncedAt: '2026-11-29T00:00:00.000Z',
  };

  it('leaves an office that changed since it was read (the condition failed) and says so', async () => {
    table.answers.update = () => {
      throw new ConditionFailedError();
    };

    expect(await store.markMissingUpstream(office, '2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.000Z')).toBe(false);
    expect(table.calls.update[0]).toMatchObject({
      Key: { PK: 'OFFICES#p1', SK: 'OFFICE#o1' },
      ExpressionAttributeValues: { ':seen': '2026-01-01T00:00:00.000Z', ':notSyncedSince': '2026-11-30T09:00:00.000Z' },
    });
  });

  it('passes any other failure on', async () => {
    table.answers.update = () => {
      throw throttled();
    };

    await expect(
      store.markMissingUpstream(office, '2026-11-30T09:00:00.000Z', '2026-11-30T10:00:00.000Z'),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });
});

describe('DynamoOfficeStore.syncFreshness', () => {
  it('reads the scheduled run’s and the partner’s last sync in one batch get', async () => {
    table.answers.batchGet = () => [
      { PK: 'OFFICES#p1', lastCompletedAt: '2026-11-30T09:30:00.000Z' },
      { PK: 'SYNC#OFFICES', lastSuccessAt: '2026-11-30T09:50:00.000Z' },
    ];

    const freshness = await store.syncFreshness('p1');

    expect(freshness).toEqual({ scheduledRunAt: '2026-11-30T09:50:00.000Z', onDemandAt: '2026-11-30T09:30:00.000Z' });
    expect(table.calls.batchGet).toEqual([
      {
        Keys: [
          { PK: 'SYNC#OFFICES', SK: 'STATE#OFFICES-PARTITIONS' },
          { PK: 'OFFICES#p1', SK: 'SYNC#OFFICES' },
        ],
        ProjectionExpression: 'PK, lastSuccessAt, lastCompletedAt',
      },
    ]);
  });
});
