/**
 * List prices per market, as versioned data bundled into the functions.
 *
 * Each market's list holds base prices: the unit price per license per month of the annual term paid
 * up front (`P1Y`, `annual`), in the market's currency, integer minor units, each naming its source
 * (./sources.ts). Other terms and billing frequencies are derived from it only by a sourced vendor rule
 * (./terms.ts PRICING_RULES), exactly, rounded half up to the minor unit, and are marked as derived.
 * A SKU without a sourced base price in a market has no price there: never estimate one.
 *
 * To change a list: edit the figures, set the market's effectiveFrom (when the vendor's prices took
 * effect) and sources (with the date read), and bump PRICE_LIST_VERSION in the same commit. Offers record
 * the version they were priced against.
 */
import { findSubscription } from './catalog.ts';
import { applyPremium, multiplyMinor } from './money.ts';
import type { SourceId } from './sources.ts';
import {
  BILLING_PERIOD_MONTHS,
  type BillingFrequency,
  billingFrequenciesFor,
  type CommitmentTerm,
  isSoldOn,
  type PricingRule,
  pricingRuleFor,
  termsFor,
} from './terms.ts';

export const PRICE_LIST_VERSION = '2026-11-30';

export interface BasePrice {
  /** Unit price per license per month, annual term paid up front, integer minor units. */
  readonly monthlyUnitMinor: number;
  readonly source: SourceId;
}

export interface MarketPriceList {
  /** ISO 3166-1 alpha-2 usage location. */
  readonly market: string;
  /** ISO 4217 code the market is billed in. */
  readonly currency: string;
  /** ISO 8601 date from which the vendor's figures below apply. */
  readonly effectiveFrom: string;
  /** Every source the list rests on (figures, currency), each with its date read. */
  readonly sources: readonly SourceId[];
  readonly basePrices: Readonly<Record<string, BasePrice>>;
  readonly note?: string;
}

function list(priceList: MarketPriceList): MarketPriceList {
  return Object.freeze({
    ...priceList,
    sources: Object.freeze([...priceList.sources]),
    basePrices: Object.freeze(priceList.basePrices),
  });
}

export const PRICE_LISTS: Readonly<Record<string, MarketPriceList>> = Object.freeze({
  US: list({
    market: 'US',
    currency: 'USD',
    // Microsoft's commercial price update of 2026-07-01 (applies to purchases and renewals from then).
    effectiveFrom: '2026-07-01',
    sources: [
      'usBusinessPrices202607',
      'usEnterprisePrices202607',
      'usOffice365E3Price202607',
      'usF1Price202607',
      'usEntraPrices',
    ],
    basePrices: {
      M365_BUSINESS_BASIC: { monthlyUnitMinor: 700, source: 'usBusinessPrices202607' },
      M365_BUSINESS_STANDARD: { monthlyUnitMinor: 1400, source: 'usBusinessPrices202607' },
      M365_BUSINESS_PREMIUM: { monthlyUnitMinor: 2200, source: 'usBusinessPrices202607' },
      M365_E3: { monthlyUnitMinor: 3900, source: 'usEnterprisePrices202607' },
      M365_E5: { monthlyUnitMinor: 6000, source: 'usEnterprisePrices202607' },
      M365_F3: { monthlyUnitMinor: 1000, source: 'usEnterprisePrices202607' },
      M365_F1: { monthlyUnitMinor: 300, source: 'usF1Price202607' },
      O365_E3: { monthlyUnitMinor: 2600, source: 'usOffice365E3Price202607' },
      ENTRA_ID_P1: { monthlyUnitMinor: 700, source: 'usEntraPrices' },
    },
    note: 'Other SKUs have no price: no source read on 2026-11-30 gives their figure after the 2026-07-01 update.',
  }),
  BR: list({
    market: 'BR',
    currency: 'BRL',
    effectiveFrom: '2026-11-30',
    sources: ['brazilPricesInReais'],
    basePrices: {},
    note: 'Billed in reais; no current per-SKU figure in reais was found in the sources available, so no SKU has a price here yet.',
  }),
});

export function priceListFor(market: string): MarketPriceList | undefined {
  return Object.hasOwn(PRICE_LISTS, market) ? PRICE_LISTS[market] : undefined;
}

export type UnpricedReason =
  | 'unknown_sku'
  | 'not_sold_in_usage_location'
  | 'not_sold_on_term'
  | 'market_without_price_list'
  | 'no_sourced_price';

export interface UnitPriceQuery {
  readonly market: string;
  readonly sku: string;
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
}

export interface Priced {
  readonly status: 'priced';
  readonly market: string;
  readonly sku: string;
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  readonly currency: string;
  /** Unit price per license per month, integer minor units. */
  readonly monthlyUnitMinor: number;
  /** Unit price per license per bill: monthly unit × the months one bill covers. */
  readonly perBillingPeriodMinor: number;
  readonly billingPeriodMonths: number;
  /** The vendor rule the price was derived by from the base price, or null for a listed base price. */
  readonly derivedBy: PricingRule['id'] | null;
  readonly sources: readonly SourceId[];
  readonly priceListVersion: string;
  readonly effectiveFrom: string;
}

export interface Unpriced {
  readonly status: 'unpriced';
  readonly reason: UnpricedReason;
}

export type UnitPrice = Priced | Unpriced;

const unpriced = (reason: UnpricedReason): Unpriced => ({ status: 'unpriced', reason });

/**
 * The list unit price of a SKU in a market (usage location) on a term and billing frequency, or why
 * there is none: the SKU is unknown, not sold in that usage location or on that term and billing, the
 * market has no price list, or no sourced figure (or no sourced rule to derive it) exists.
 * Derived prices: base × (1 + premium), half up to the minor unit (money.ts applyPremium).
 * Never throws for data in this file.
 */
export function unitPrice(query: UnitPriceQuery): UnitPrice {
  const subscription = findSubscription(query.sku);
  if (subscription === undefined) return unpriced('unknown_sku');
  if (!subscription.countries.includes(query.market)) return unpriced('not_sold_in_usage_location');
  if (!isSoldOn(query.sku, query.term, query.billingFrequency)) return unpriced('not_sold_on_term');
  const priceList = priceListFor(query.market);
  if (priceList === undefined) return unpriced('market_without_price_list');
  const base = Object.hasOwn(priceList.basePrices, query.sku) ? priceList.basePrices[query.sku] : undefined;
  if (base === undefined) return unpriced('no_sourced_price');

  let monthlyUnitMinor = base.monthlyUnitMinor;
  let rule: PricingRule | undefined;
  const isBase = query.term === 'P1Y' && query.billingFrequency === 'annual';
  if (!isBase) {
    rule = pricingRuleFor(query.term, query.billingFrequency);
    if (rule === undefined || rule.base.term !== 'P1Y' || rule.base.billingFrequency !== 'annual') {
      return unpriced('no_sourced_price');
    }
    monthlyUnitMinor = applyPremium(base.monthlyUnitMinor, rule.premiumBasisPoints);
  }
  const billingPeriodMonths = BILLING_PERIOD_MONTHS[query.billingFrequency];
  return {
    status: 'priced',
    market: query.market,
    sku: query.sku,
    term: query.term,
    billingFrequency: query.billingFrequency,
    currency: priceList.currency,
    monthlyUnitMinor,
    perBillingPeriodMinor: multiplyMinor(monthlyUnitMinor, billingPeriodMonths),
    billingPeriodMonths,
    derivedBy: rule?.id ?? null,
    sources: rule === undefined ? [base.source] : [base.source, ...rule.sources],
    priceListVersion: PRICE_LIST_VERSION,
    effectiveFrom: priceList.effectiveFrom,
  };
}

export interface PriceOption {
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  readonly price: UnitPrice;
}

/**
 * Every term and billing frequency a SKU is sold on (shortest term first, paid up front first), each
 * with its unit price in `market` or the reason it has none; empty for an unknown SKU. This is what a
 * catalog entry lists for a usage location.
 */
export function priceOptions(market: string, sku: string): PriceOption[] {
  return termsFor(sku).flatMap((term) =>
    billingFrequenciesFor(sku, term).map((billingFrequency) => ({
      term,
      billingFrequency,
      price: unitPrice({ market, sku, term, billingFrequency }),
    })),
  );
}
