import type { OfferEvent } from '../domain/acceptance.ts';
import { acceptanceFromItem, declineFromItem } from './customer-responses.ts';

/**
 * The event a stored acceptance or decline item stands for (the table stream hands over the new
 * item); undefined for any other item. The item's `partnerId` says whose offer it answered.
 */
export function offerEventFromItem(item: object): OfferEvent | undefined {
  const { partnerId, entity, ...response } = item as Record<string, unknown>;
  if (typeof partnerId !== 'string') return undefined;
  if (entity === 'acceptance') {
    return { type: 'OfferAccepted', partnerId, acceptance: acceptanceFromItem(response) };
  }
  if (entity === 'decline') return { type: 'OfferDeclined', partnerId, decline: declineFromItem(response) };
  return undefined;
}
