import { NotFoundError } from './errors.ts';
import type { Offer, OfferPage, OfferPosition, OfferStatus, OfferStore } from './offer.ts';
import { normalizeSummaryId } from './summary-id.ts';

/** The page size of a partner's offer list when the caller names none. */
export const DEFAULT_LIST_LIMIT = 25;

export interface OfferQueriesDeps {
  readonly store: Pick<OfferStore, 'get' | 'listForPartner' | 'deactivate'>;
  readonly now?: () => Date;
}

/**
 * A partner's existing offers: get one, list them, deactivate one. Another partner's offer, an
 * unknown one and a malformed summary ID all look the same (offerNotFound), so a partner learns
 * nothing of offers that are not theirs.
 */
export class OfferQueries {
  private readonly store: OfferQueriesDeps['store'];
  private readonly now: () => Date;

  constructor(deps: OfferQueriesDeps) {
    this.store = deps.store;
    this.now = deps.now ?? (() => new Date());
  }

  /** @throws NotFoundError `offer-not-found` */
  async get(partnerId: string, summaryIdInput: string): Promise<Offer> {
    const summaryId = normalizeSummaryId(summaryIdInput);
    const offer = summaryId ? await this.store.get(summaryId) : undefined;
    if (!offer || offer.partnerId !== partnerId) throw offerNotFound(summaryIdInput);
    return offer;
  }

  /**
   * `now` is the instant the status filter is evaluated at; a caller that also derives each offer's
   * status (the list view) passes the same instant, so an offer expiring in between is not listed
   * under one status and shown with another.
   */
  list(
    partnerId: string,
    options: { limit?: number; after?: OfferPosition; status?: OfferStatus; now?: Date } = {},
  ): Promise<OfferPage> {
    return this.store.listForPartner(partnerId, {
      limit: options.limit ?? DEFAULT_LIST_LIMIT,
      ...(options.after ? { after: options.after } : {}),
      ...(options.status ? { status: options.status } : {}),
      now: options.now ?? this.now(),
    });
  }

  /** The offer once deactivated (a second call keeps the first instant). @throws NotFoundError `offer-not-found` */
  async deactivate(partnerId: string, summaryIdInput: string, message?: string): Promise<Offer> {
    const summaryId = normalizeSummaryId(summaryIdInput);
    const offer = summaryId
      ? await this.store.deactivate(partnerId, summaryId, this.now().toISOString(), message)
      : undefined;
    if (!offer) throw offerNotFound(summaryIdInput);
    return offer;
  }
}

export function offerNotFound(summaryId: string): NotFoundError {
  return new NotFoundError(
    'offer-not-found',
    'Offer not found',
    `You have no offer with summary ID "${summaryId.slice(0, 40)}".`,
  );
}
