import type { BillingFrequency, CommitmentTerm } from '../catalog/terms.ts';
import type { LinePrice, Offer, OfferLine } from './offer.ts';

/** A line as the customer accepted it: what they chose, named and priced as they saw it. */
export interface AcceptedLine {
  readonly sku: string;
  /** The subscription's name as shown (catalog name at acceptance). */
  readonly name: string;
  readonly licenses: number;
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  /** Absent when the line had no sourced price. */
  readonly unitPrice?: LinePrice;
}

/**
 * The customer's confirmation of the vendor's customer agreement, with the fields a partner needs
 * for the vendor's attestation: the date agreed and the primary contact.
 */
export interface CustomerAgreementAttestation {
  /** Where the agreement the checkbox linked to is published. */
  readonly agreementUrl: string;
  /** YYYY-MM-DD (UTC) the customer agreed. */
  readonly dateAgreed: string;
  readonly primaryContact: {
    readonly firstName: string;
    readonly lastName: string;
    readonly email: string;
    readonly phone?: string;
  };
}

/**
 * What a customer submitted when accepting an offer: an immutable snapshot, the evidence a partner
 * keeps (who, what exactly at which price, which texts were shown, when).
 */
export interface Acceptance {
  readonly summaryId: string;
  /**
   * Derived from the form's server-issued token (issue time first, so ids sort by when the form was
   * opened): a replayed or double-clicked submission carries the same id.
   */
  readonly submissionId: string;
  readonly companyName: string;
  /** `firstName lastName` (kept for acceptances recorded before the two were separate). */
  readonly contactName: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email: string;
  readonly phone?: string;
  readonly jobTitle?: string;
  /** The customer's purchase-order number, as typed. */
  readonly purchaseOrder?: string;
  /** As accepted. Acceptances recorded before terms existed hold plain OfferLines (sku, licenses). */
  readonly items: readonly (AcceptedLine | OfferLine)[];
  readonly delegatedAdmin: boolean;
  readonly acceptedAt: string;
  readonly catalogVersion?: string;
  readonly priceListVersion?: string;
  /** Version of the price and commitment disclosure text shown on the page. */
  readonly disclosureVersion?: string;
  readonly customerAgreement?: CustomerAgreementAttestation;
}

export interface Decline {
  readonly summaryId: string;
  readonly submissionId: string;
  readonly reason?: string;
  readonly declinedAt: string;
}

/** What a form submission was answered with: one answer per submission, whichever came first. */
export type RecordedResponse =
  | { readonly kind: 'acceptance'; readonly acceptance: Acceptance }
  | { readonly kind: 'decline'; readonly decline: Decline };

/** Why an acceptance or decline was not recorded: the offer changed state or does not exist. */
export type RecordOutcome<T> =
  | { readonly kind: 'recorded'; readonly record: T }
  /**
   * The submission was answered before (the same answer replayed, or the form's other button):
   * the first answer, unchanged.
   */
  | { readonly kind: 'replayed'; readonly response: RecordedResponse }
  | { readonly kind: 'not-active'; readonly offer: Offer }
  | { readonly kind: 'not-found' };

/**
 * An acceptance or decline could not be recorded because other customers' responses to the same
 * offer kept winning the write, even after retries: nothing was recorded, and the customer should
 * simply try again shortly (the page answers 503 with Retry-After). Not a DomainError: it is no
 * partner-facing problem type, only a customer page outcome.
 */
export class OfferBusyError extends Error {
  /** A suggested Retry-After, in seconds. */
  readonly retryAfterSeconds: number;
  // No summary ID here: it is the customer's link credential and errors end up in logs.
  constructor(
    readonly attempts: number,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(`The offer stayed busy for ${attempts} attempts`, { cause: options.cause });
    this.name = 'OfferBusyError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
  }
}

/** Port for customer responses; the adapter writes each one and the offer's counter in one transaction. */
export interface CustomerResponseStore {
  /**
   * The offer for its customer page, undefined when there is no such offer; records a view when
   * `countView` (a person, not a link previewer). May be a few seconds old (cached per
   * environment, eventually consistent), so status shown here is never what an answer is checked
   * against. Recording is best effort: a view that could not be recorded still returns the offer.
   * The returned `views` is 0 (views are counted elsewhere, later).
   */
  viewOffer(summaryId: string, countView: boolean): Promise<Offer | undefined>;
  /** The offer as stored now (strongly consistent), for answers and their pages. */
  readOffer(summaryId: string): Promise<Offer | undefined>;
  /** What this submission of the offer's form was answered with, if it was. */
  findResponse(summaryId: string, submissionId: string): Promise<RecordedResponse | undefined>;
  /** A recorded acceptance, for its confirmation page. */
  findAcceptance(summaryId: string, submissionId: string): Promise<Acceptance | undefined>;
  /** OfferBusyError when concurrent responses to the same offer keep conflicting. */
  /** `partnerId`: whose offer it answers (the offer's partner), recorded with the response. */
  /** `offer`, when the caller read it: its limit and count choose the first write (see the store). */
  accept(
    acceptance: Acceptance,
    partnerId: string,
    now: Date,
    offer?: Pick<Offer, 'maxAcceptances' | 'acceptances'>,
  ): Promise<RecordOutcome<Acceptance>>;
  /** OfferBusyError when concurrent responses to the same offer keep conflicting. */
  decline(decline: Decline, partnerId: string, now: Date): Promise<RecordOutcome<Decline>>;
}

/**
 * The partner's side of the same records, apart from the store: the customer page never lists
 * acceptances or declines, so its store need not carry a Query.
 */
export interface AcceptanceReader {
  /** Oldest first (by when the form was opened); `after` is the last submission id of the previous page. */
  listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage>;
  /** The same for declines (the partner console's offer page). */
  listDeclines(summaryId: string, page: { limit: number; after?: string }): Promise<DeclinePage>;
}

export interface AcceptancePage {
  readonly acceptances: Acceptance[];
  /** Present when there may be more: the submission id to continue after. */
  readonly next?: string;
}

export interface DeclinePage {
  readonly declines: Decline[];
  /** Present when there may be more: the submission id to continue after. */
  readonly next?: string;
}

/**
 * Events partners can later be notified by. They are made from the table's stream (the
 * offer events function), so an event exists exactly when its acceptance or decline was recorded.
 */
export type OfferEvent =
  | { readonly type: 'OfferAccepted'; readonly partnerId: string; readonly acceptance: Acceptance }
  | { readonly type: 'OfferDeclined'; readonly partnerId: string; readonly decline: Decline };
