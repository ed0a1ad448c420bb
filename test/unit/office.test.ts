import { isNewerVersion, latest, mayTakeNewOffers, officeFromDirectory } from '../../shared/domain/office.ts';
import { officeView, sortOffices } from '../../shared/render/office-view.ts';

const record = {
  partnerId: 'p1',
  officeId: 'o1',
  name: 'HQ',
  city: 'Porto',
  country: 'PT',
  updatedAt: '2026-01-01T00:00:00.000Z',
} as const;

describe('office rules', () => {
  it.each([
    ['active', true],
    ['inactive', false],
    ['deleted', false],
  ] as const)('a directory record with status %s is stored with active=%s', (status, active) => {
    const office = officeFromDirectory({ ...record, status }, '2026-01-02T00:00:00.000Z');
    expect(office).toEqual({
      partnerId: 'p1',
      officeId: 'o1',
      name: 'HQ',
      city: 'Porto',
      country: 'PT',
      active,
      sourceUpdatedAt: record.updatedAt,
      lastSyncedAt: '2026-01-02T00:00:00.000Z',
    });
    expect(mayTakeNewOffers(office)).toBe(active);
  });

  it('replaces a stored office only with a strictly newer version', () => {
    expect(isNewerVersion('2026-01-01T00:00:01.000Z', '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(isNewerVersion('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')).toBe(false);
    expect(isNewerVersion('2025-12-31T23:59:59.000Z', '2026-01-01T00:00:00.000Z')).toBe(false);
    expect(isNewerVersion('2025-12-31T23:59:59.000Z', undefined)).toBe(true);
  });

  it('reports an office as synced at the latest complete sync that covered it', () => {
    const office = officeFromDirectory({ ...record, status: 'active' }, '2026-01-02T00:00:00.000Z');
    expect(officeView(office).lastSyncedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(officeView(office, { scheduledRunAt: '2026-01-03T00:00:00.000Z' }).lastSyncedAt).toBe(
      '2026-01-03T00:00:00.000Z',
    );
    expect(latest(undefined, '2026-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(latest()).toBeUndefined();
  });

  it('lists active offices first, then by name', () => {
    const offices = [
      { officeId: 'a', name: 'Zeta', active: true },
      { officeId: 'b', name: 'Alpha', active: false },
      { officeId: 'c', name: 'Beta', active: true },
    ];
    expect(sortOffices(offices).map((o) => o.officeId)).toEqual(['c', 'a', 'b']);
  });
});
