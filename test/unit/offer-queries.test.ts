import type { Offer } from '../../shared/domain/offer.ts';
import { OfferQueries, type OfferQueriesDeps } from '../../shared/domain/offer-queries.ts';
import { decodeCursor, encodeCursor } from '../../shared/schemas/offers.ts';
import { basicOffer } from '../support/offer.ts';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const SUMMARY_ID = 'ABCD-EFGH-JKMN-PQRS-TVWX';

/** A store holding the given offers, recording what it was asked. */
function fakeStore(offers: Offer[] = []) {
  const calls: { method: string; args: unknown[] }[] = [];
  const store: OfferQueriesDeps['store'] = {
    get: async (summaryId) => {
      calls.push({ method: 'get', args: [summaryId] });
      return offers.find((offer) => offer.summaryId === summaryId);
    },
    listForPartner: async (partnerId, options) => {
      calls.push({ method: 'listForPartner', args: [partnerId, options] });
      return { offers: [] };
    },
    deactivate: async (partnerId, summaryId, at, message) => {
      calls.push({ method: 'deactivate', args: [partnerId, summaryId, at, message] });
      const offer = offers.find((o) => o.summaryId === summaryId && o.partnerId === partnerId);
      return offer ? { ...offer, deactivatedAt: at } : undefined;
    },
  };
  return { store, calls };
}

describe('OfferQueries.get', () => {
  it('finds the partner’s own offer by a summary ID written loosely', async () => {
    const { store } = fakeStore([basicOffer()]);

    const offer = await new OfferQueries({ store }).get('p-1', 'abcd efgh jkmn pqrs tvwx');

    expect(offer.summaryId).toBe(SUMMARY_ID);
  });

  it('answers another partner’s offer like an unknown one: offer-not-found', async () => {
    const { store } = fakeStore([basicOffer({ partnerId: 'p-2' })]);

    await expect(new OfferQueries({ store }).get('p-1', SUMMARY_ID)).rejects.toMatchObject({
      kind: 'not-found',
      type: 'offer-not-found',
      title: 'Offer not found',
      detail: `You have no offer with summary ID "${SUMMARY_ID}".`,
      violations: [],
    });
  });

  it('does not read the table for a malformed summary ID, and quotes at most 40 characters of it', async () => {
    const { store, calls } = fakeStore([basicOffer()]);

    await expect(new OfferQueries({ store }).get('p-1', `x${'y'.repeat(60)}`)).rejects.toMatchObject({
      type: 'offer-not-found',
      detail: `You have no offer with summary ID "x${'y'.repeat(39)}".`,
    });
    expect(calls).toEqual([]);
  });
});

describe('OfferQueries.list', () => {
  it('filters at the instant it is given, so the caller can show statuses as of the same instant', async () => {
    const { store, calls } = fakeStore();
    const at = new Date('2026-11-24T12:34:56.789Z');

    await new OfferQueries({ store, now: () => NOW }).list('p-1', { status: 'expired', now: at });

    expect(calls).toEqual([{ method: 'listForPartner', args: ['p-1', { limit: 25, status: 'expired', now: at }] }]);
  });

  it('continues after the position it is given', async () => {
    const { store, calls } = fakeStore();
    const after = { createdAt: '2026-11-01T00:00:00.000Z', summaryId: SUMMARY_ID };

    await new OfferQueries({ store, now: () => NOW }).list('p-1', { limit: 5, after });

    expect(calls).toEqual([{ method: 'listForPartner', args: ['p-1', { limit: 5, after, now: NOW }] }]);
  });

  it('pages by 25 at its own clock when the caller names neither', async () => {
    const { store, calls } = fakeStore();

    await new OfferQueries({ store, now: () => NOW }).list('p-1');

    expect(calls).toEqual([{ method: 'listForPartner', args: ['p-1', { limit: 25, now: NOW }] }]);
  });
});

describe('OfferQueries.deactivate', () => {
  it('deactivates the partner’s offer at the service clock, with the message', async () => {
    const { store, calls } = fakeStore([basicOffer()]);

    const offer = await new OfferQueries({ store, now: () => NOW }).deactivate('p-1', SUMMARY_ID, 'Replaced');

    expect(offer.deactivatedAt).toBe(NOW.toISOString());
    expect(calls).toEqual([{ method: 'deactivate', args: ['p-1', SUMMARY_ID, NOW.toISOString(), 'Replaced'] }]);
  });

  it('answers offer-not-found for another partner’s offer', async () => {
    const { store } = fakeStore([basicOffer({ partnerId: 'p-2' })]);

    await expect(new OfferQueries({ store }).deactivate('p-1', SUMMARY_ID)).rejects.toMatchObject({
      type: 'offer-not-found',
    });
  });
});

describe('offer list cursors', () => {
  it('round-trips a cursor and rejects anything else', () => {
    const position = { createdAt: '2026-11-24T12:00:00.000Z', summaryId: '0123-4567-89AB-CDEF-GHJK' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    for (const bad of ['', 'garbage', 'W10', encodeCursor({ ...position, summaryId: 'nope' })]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
