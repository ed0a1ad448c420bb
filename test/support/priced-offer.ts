import { unitPrice } from '../../shared/catalog/price-lists.ts';
import type { BillingFrequency, CommitmentTerm } from '../../shared/catalog/terms.ts';
import type { LinePrice, LineTermOption, OfferLine } from '../../shared/domain/offer.ts';

/**
 * A line's price snapshot as offer creation takes it, from the catalog's price lists (never a figure
 * of the test's own). Throws when the list has no price for it, so a test cannot seed an unpriced line
 * by mistake.
 */
export function listPrice(
  market: string,
  sku: string,
  term: CommitmentTerm,
  billingFrequency: BillingFrequency,
): LinePrice {
  const price = unitPrice({ market, sku, term, billingFrequency });
  if (price.status !== 'priced') throw new Error(`${market} ${sku} ${term}/${billingFrequency}: ${price.reason}`);
  return {
    currency: price.currency,
    monthlyUnitMinor: price.monthlyUnitMinor,
    perBillingPeriodMinor: price.perBillingPeriodMinor,
    billingPeriodMonths: price.billingPeriodMonths,
  };
}

/** A term option with its list price in `market`, or without one where the list has none. */
export function option(
  market: string,
  sku: string,
  term: CommitmentTerm,
  billingFrequency: BillingFrequency,
): LineTermOption {
  const price = unitPrice({ market, sku, term, billingFrequency });
  return price.status === 'priced'
    ? { term, billingFrequency, unitPrice: listPrice(market, sku, term, billingFrequency) }
    : { term, billingFrequency };
}

/** An offer line on `term`/`billingFrequency` with its list price in `market` when there is one. */
export function pricedLine(
  market: string,
  sku: string,
  licenses: number,
  term: CommitmentTerm,
  billingFrequency: BillingFrequency,
  choices?: readonly [CommitmentTerm, BillingFrequency][],
): OfferLine {
  return {
    sku,
    licenses,
    ...option(market, sku, term, billingFrequency),
    ...(choices ? { choices: choices.map(([t, b]) => option(market, sku, t, b)) } : {}),
  };
}
