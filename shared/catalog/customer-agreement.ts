/**
 * The vendor's customer agreement an offer may ask the customer to accept (Offer.requireCustomerAgreement),
 * as data with its source: the checkbox on the customer page links here, and the acceptance records
 * this address. Never taken from request input.
 */
export interface CustomerAgreement {
  readonly name: string;
  /** Where the vendor publishes the agreement (it picks the customer's country/region version). */
  readonly url: string;
  readonly source: {
    readonly title: string;
    readonly url: string;
    readonly publisher: string;
    /** ISO 8601 date (UTC) the source was read for this repository. */
    readonly readOn: string;
    /** The words the address and the attestation's fields rest on. */
    readonly quote: string;
  };
}

/**
 * The Microsoft Customer Agreement. Partner Center gives `https://aka.ms/customeragreement` as the
 * agreement's link (`agreementLink`) and asks, to confirm a customer's acceptance, for the date
 * agreed and the primary contact who accepted it: first name, last name, email and an optional
 * phone number (source below, read 2026-11-30).
 */
export const MICROSOFT_CUSTOMER_AGREEMENT: CustomerAgreement = Object.freeze({
  name: 'Microsoft Customer Agreement',
  url: 'https://aka.ms/customeragreement',
  source: Object.freeze({
    title: 'Get confirmation of customer acceptance of Microsoft Customer Agreement; Agreement resources',
    url: 'https://learn.microsoft.com/en-us/partner-center/developer/get-confirmation-of-customer-agreement',
    publisher: 'Microsoft Learn (Partner Center developer documentation)',
    readOn: '2026-11-30',
    quote:
      '"type":"MicrosoftCustomerAgreement", "agreementLink":"https://aka.ms/customeragreement" … primaryContact: Information about the user from the customer organization that accepted the agreement, including: firstName, lastName, email, and phoneNumber (optional). dateAgreed: The date when the customer accepted the agreement.',
  }),
});
