/**
 * The version of the price and commitment disclosures the offer page shows (totals "before taxes,
 * estimate; the checkout shows the final price", the commitment clock, the advisor and billing
 * notes). Each acceptance records it, so a partner can tell which wording a customer accepted under.
 * An ISO 8601 date: change it to the day of the change whenever that wording changes.
 */
export const DISCLOSURE_VERSION = '2026-11-30';
