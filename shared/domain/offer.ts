import type { BillingFrequency, CommitmentTerm } from '../catalog/terms.ts';
import type { Locale } from '../i18n/locale.ts';
import { ConflictError } from './errors.ts';
import type { IdempotencyRecord } from './idempotency.ts';
import type { Office } from './office.ts';
import type { Partner, PartnerContact } from './partner.ts';

/**
 * A line's list unit price as it stood when the offer was made (a snapshot: later price lists do not
 * change an offer the customer was sent). Integer minor units of `currency` (cents, centavos).
 */
export interface LinePrice {
  /** ISO 4217. */
  readonly currency: string;
  /** Per license per month. */
  readonly monthlyUnitMinor: number;
  /** Per license per bill: monthlyUnitMinor × billingPeriodMonths. */
  readonly perBillingPeriodMinor: number;
  /** Months one bill covers (1, 12 or 36). */
  readonly billingPeriodMonths: number;
}

/** A term and billing frequency a line is sold on, with its price snapshot when one is sourced. */
export interface LineTermOption {
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  /** Absent when the market or SKU has no sourced price ("price shown at checkout"). */
  readonly unitPrice?: LinePrice;
}

/**
 * One subscription of an offer. `term` and `billingFrequency` are absent only on offers made before
 * terms existed; read them with lineTerm() (P1Y, annual). `choices`, when present, are the options
 * the customer may pick among (the line's own term first); without it the term is fixed.
 */
export interface OfferLine {
  readonly sku: string;
  readonly licenses: number;
  readonly term?: CommitmentTerm;
  readonly billingFrequency?: BillingFrequency;
  /** The price of `term` + `billingFrequency`; absent when none is sourced. */
  readonly unitPrice?: LinePrice;
  readonly choices?: readonly LineTermOption[];
}

/** A line's term and billing, with the defaults of offers made before terms existed. */
export function lineTerm(line: OfferLine): { term: CommitmentTerm; billingFrequency: BillingFrequency } {
  return { term: line.term ?? 'P1Y', billingFrequency: line.billingFrequency ?? 'annual' };
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
  /**
   * Customer page views by people (link previewers are not counted). Kept on a counter item of its
   * own, not on the offer item: see offerViewsKeys in shared/db/offers.ts.
   */
  readonly views: number;
  readonly acceptances: number;
  readonly declines: number;
  /** The catalog version the items were checked against (CATALOG_VERSION). */
  readonly catalogVersion?: string;
  /** The price list version the lines' unit prices were taken from (PRICE_LIST_VERSION). */
  readonly priceListVersion?: string;
  /**
   * When true, accepting requires the customer to confirm the vendor's customer agreement (a
   * checkbox linking to it); the acceptance records the date agreed and the primary contact.
   */
  readonly requireCustomerAgreement?: boolean;
  /** The summary ID of the offer this one revises (POST /v1/offers/{summaryId}/revise). */
  readonly revisionOf?: string;
  /** The summary ID of the offer that replaced this one; its link then points the customer there. */
  readonly revisedBy?: string;
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

/** The contact the customer sees: the offer's own override, else the partner's profile contact. */
export function offerContact(offer: Pick<Offer, 'customization' | 'partner'>): PartnerContact {
  return offer.customization.contact ?? offer.partner.contact;
}

/** The logo the customer sees, if any: the offer's own, else the partner's. */
export function offerLogoUrl(offer: Pick<Offer, 'customization' | 'partner'>): string | undefined {
  return offer.customization.logoUrl ?? offer.partner.logoUrl;
}

/** The longest an offer may stay open: a year and a day, so "this day next year" always fits. */
export const MAX_OFFER_LIFETIME_DAYS = 366;

/** Where a partner's offer list stands: the newest-first position of the last offer returned. */
export interface OfferPosition {
  readonly createdAt: string;
  readonly summaryId: string;
}

/**
 * One page of a partner's offers. A status-filtered page may hold fewer than `limit` offers, even
 * none, while `next` is present: the store reads a bounded number of index entries per page so a
 * partner with thousands of non-matching offers cannot make one request arbitrarily expensive.
 * Following `next` until it is absent yields every matching offer exactly once.
 */
export interface OfferPage {
  readonly offers: Offer[];
  /** Present when more offers may follow. */
  readonly next?: OfferPosition;
}

/** What creating an offer needs to read first; one round trip in the DynamoDB adapter. */
export interface OfferCreationContext {
  readonly partner?: Partner;
  readonly office?: Office;
  readonly idempotency?: IdempotencyRecord;
}

export type OfferWriteOutcome =
  | { readonly ok: true }
  /** Another request holds the idempotency key (committed, or racing right now). */
  | { readonly ok: false; readonly reason: 'idempotency-key-taken' | 'contention' }
  /** The random summary ID already exists (not a real case at 100 bits; handled anyway). */
  | { readonly ok: false; readonly reason: 'summary-id-taken' };

/**
 * The partner already used this reference for another offer. Carries that offer's summary ID so the
 * partner can look it up (or deactivate it) instead of guessing which offer holds the reference.
 */
export class DuplicateReferenceError extends ConflictError {
  constructor(
    readonly reference: string,
    readonly existingSummaryId: string | undefined,
  ) {
    super(
      'duplicate-reference',
      'Duplicate offer reference',
      existingSummaryId !== undefined
        ? `You already have an offer with reference "${reference}": ${existingSummaryId} (GET /v1/offers/${existingSummaryId}). References are unique per partner: use another one, or use that offer.`
        : `You already have an offer with reference "${reference}". References are unique per partner: use another one, or look the existing offer up in GET /v1/offers.`,
      [{ at: { field: 'reference' }, rule: 'unique', message: 'is already used by another of your offers' }],
      existingSummaryId !== undefined ? { existingSummaryId } : {},
    );
  }
}

/** Port for offers; the DynamoDB adapter is DynamoOfferStore (shared/db/offers.ts). */
export interface OfferStore {
  loadCreationContext(partnerId: string, officeId: string, idempotencyKey?: string): Promise<OfferCreationContext>;
  /**
   * Writes the offer, its views counter, its reference claim and its idempotency record atomically.
   * DuplicateReferenceError when the partner already used the reference.
   */
  create(offer: Offer, idempotency?: IdempotencyRecord): Promise<OfferWriteOutcome>;
  getIdempotencyRecord(partnerId: string, key: string): Promise<IdempotencyRecord | undefined>;
  get(summaryId: string): Promise<Offer | undefined>;
  /** Newest first; `status` filters on the status derived at `now` (a filtered page may be short: see OfferPage). */
  listForPartner(
    partnerId: string,
    options: { limit: number; after?: OfferPosition; status?: OfferStatus; now: Date },
  ): Promise<OfferPage>;
  /** Undefined when the offer does not exist or belongs to another partner. */
  deactivate(partnerId: string, summaryId: string, at: string, message?: string): Promise<Offer | undefined>;
  /** The offer item alone, strongly consistent (its views are not read: 0). */
  getOffer(summaryId: string): Promise<Offer | undefined>;
  /**
   * Writes `offer` (a revision of `old`) as create does and, in the same transaction, retires `old`:
   * deactivated (first time kept) with `revisedBy` = the new summary ID, only if it is still the
   * partner's and not revised yet. A reference kept from `old` moves its claim to the new offer.
   */
  revise(
    old: Pick<Offer, 'summaryId' | 'partnerId' | 'reference'>,
    offer: Offer,
    idempotency?: IdempotencyRecord,
  ): Promise<OfferReviseOutcome>;
}

export type OfferReviseOutcome =
  | OfferWriteOutcome
  /** Another revision of the same offer committed first; `revisedBy` names it when known. */
  | { readonly ok: false; readonly reason: 'already-revised'; readonly revisedBy?: string }
  /** The old offer is gone or not the partner's. */
  | { readonly ok: false; readonly reason: 'not-found' };
