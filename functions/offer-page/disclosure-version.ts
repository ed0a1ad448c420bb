/**
 * The version of the price and commitment disclosures the offer page shows (totals "before taxes,
 * estimate; the checkout shows the final price", the commitment clock, the advisor and billing
 * notes). Each acceptance records it, so a partner can tell which wording a customer accepted under.
 * An ISO 8601 date: change it to the day of the change whenever that wording changes.
 */
export const DISCLOSURE_VERSION = '2026-11-30';

/**
 * SHA-256 (hex) of the wording DISCLOSURE_VERSION stands for, in every locale, as
 * test/unit/disclosure-version.test.ts serialises it: that test fails when the wording changes, so
 * the change comes with a new version and a new digest.
 */
export const DISCLOSURE_TEXT_SHA256 = '33ae6ec88cd0584aa1b2ce075977cb855515902475a13cfa22b78e636e5435b4';
