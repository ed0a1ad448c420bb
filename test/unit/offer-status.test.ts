import { offerStatus } from '../../shared/domain/offer.ts';
import { basicOffer } from '../support/offer.ts';

describe('offerStatus', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  it.each([
    [{}, 'active'],
    [{ deactivatedAt: '2026-11-01T00:00:00.000Z', expiresAt: '2020-01-01T00:00:00.000Z' }, 'deactivated'],
    [{ expiresAt: '2026-11-24T12:00:00.000Z' }, 'expired'],
    [{ expiresAt: '2026-11-24T12:00:01.000Z' }, 'active'],
    [{ maxAcceptances: 3, acceptances: 3 }, 'exhausted'],
    [{ maxAcceptances: 3, acceptances: 2 }, 'active'],
  ])('%p is %s', (overrides, status) => {
    expect(offerStatus(basicOffer(overrides), now)).toBe(status);
  });
});
