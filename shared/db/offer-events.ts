import type { OfferEvent } from '../customer/events.ts';
import { acceptanceFromItem, declineFromItem } from './customer-responses.ts';

/**
 * The event a stored acceptance or decline item stands for (the table stream hands over the new
 * item); undefined for any other item. The item's `partnerId` says whose offer it answered.
 */
export function offerEventFromItem(item: Record<string, unknown>): OfferEvent | undefined {
  const { partnerId, ...response } = item;
  if (typeof partnerId !== 'string') return undefined;
  if (item.entity === 'acceptance') {
    return { type: 'OfferAccepted', partnerId, acceptance: acceptanceFromItem(response) };
  }
  if (item.entity === 'decline') return { type: 'OfferDeclined', partnerId, decline: declineFromItem(response) };
  return undefined;
}
