import type { Locale } from '../i18n/locale.ts';
import type { PartnerContact } from './partner.ts';

export interface OfferLine {
  readonly sku: string;
  readonly licenses: number;
}

/** The partner's own touches on the message and the customer page; every string is escaped on output. */
export interface OfferCustomization {
  readonly logoUrl?: string;
  readonly intro?: string;
  readonly closing?: string;
  readonly contact?: PartnerContact;
}

/**
 * What the customer page needs of the partner, copied onto the offer when it is created so a link
 * view costs exactly one read (and an offer keeps showing what the customer was sent).
 */
export interface PartnerSnapshot {
  readonly name: string;
  readonly advisorCode: string;
  readonly contact: PartnerContact;
  readonly logoUrl?: string;
}

export interface Offer {
  readonly summaryId: string;
  readonly partnerId: string;
  /** The partner's own id for the offer, unique per partner. */
  readonly reference?: string;
  readonly officeId: string;
  readonly officeName: string;
  readonly usageLocation: string;
  readonly items: readonly OfferLine[];
  readonly delegatedAdmin: boolean;
  readonly locale: Locale;
  readonly customization: OfferCustomization;
  readonly partner: PartnerSnapshot;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly maxAcceptances?: number;
  readonly deactivatedAt?: string;
  /** Shown to customers who open a deactivated offer. */
  readonly deactivationMessage?: string;
  readonly views: number;
  readonly acceptances: number;
  readonly declines: number;
}

export const OFFER_STATUSES = ['active', 'deactivated', 'expired', 'exhausted'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * Status is derived from timestamps and counters at read time, never stored: expiry needs no
 * background job (TTL deletion is late by up to days) and cannot disagree with the offer's fields.
 */
export function offerStatus(
  offer: Pick<Offer, 'deactivatedAt' | 'expiresAt' | 'maxAcceptances' | 'acceptances'>,
  now: Date,
): OfferStatus {
  if (offer.deactivatedAt) return 'deactivated';
  if (offer.expiresAt && Date.parse(offer.expiresAt) <= now.getTime()) return 'expired';
  if (offer.maxAcceptances !== undefined && offer.acceptances >= offer.maxAcceptances) return 'exhausted';
  return 'active';
}
