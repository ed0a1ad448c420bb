import type { Offer, OfferLine } from './offer.ts';

/** What a customer submitted when accepting an offer. */
export interface Acceptance {
  readonly summaryId: string;
  /** Generated into the page's form: a replayed or double-clicked submission carries the same id. */
  readonly submissionId: string;
  readonly companyName: string;
  readonly contactName: string;
  readonly email: string;
  readonly items: readonly OfferLine[];
  readonly delegatedAdmin: boolean;
  readonly acceptedAt: string;
}

export interface Decline {
  readonly summaryId: string;
  readonly submissionId: string;
  readonly reason?: string;
  readonly declinedAt: string;
}

/** Why an acceptance or decline was not recorded: the offer changed state or does not exist. */
export type RecordOutcome<T> =
  | { readonly kind: 'recorded'; readonly record: T }
  /** The same submission was recorded before; this is the first record, unchanged. */
  | { readonly kind: 'replayed'; readonly record: T }
  | { readonly kind: 'not-active'; readonly offer: Offer }
  | { readonly kind: 'not-found' };

/** Port for customer responses; the adapter writes each one and the offer's counter in one transaction. */
export interface CustomerResponseStore {
  /** Counts a view and returns the offer in one request; undefined when no such offer. */
  viewOffer(summaryId: string, countView: boolean): Promise<Offer | undefined>;
  accept(acceptance: Acceptance, now: Date): Promise<RecordOutcome<Acceptance>>;
  decline(decline: Decline, now: Date): Promise<RecordOutcome<Decline>>;
  /** Oldest first (by when the form was opened); `after` is the last submission id of the previous page. */
  listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage>;
}

export interface AcceptancePage {
  readonly acceptances: Acceptance[];
  /** Present when there may be more: the submission id to continue after. */
  readonly next?: string;
}
