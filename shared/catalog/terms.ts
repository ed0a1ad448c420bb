/**
 * Commitment terms and billing frequencies, as data: which terms each subscription is sold on, which
 * billing frequencies each term allows, and the vendor's pricing rules that depend on them.
 *
 * Terms are ISO 8601 durations as the vendor's carts use them (`P1M` a one-month term, `P1Y` one year,
 * `P3Y` three years). A billing frequency is how often the customer is billed within the term.
 * Every fact names its source in ./sources.ts.
 */
import { SUBSCRIPTIONS } from './catalog-data.ts';
import type { SourceId } from './sources.ts';

export type CommitmentTerm = 'P1M' | 'P1Y' | 'P3Y';
export type BillingFrequency = 'monthly' | 'annual' | 'triennial';

export const COMMITMENT_TERMS: readonly CommitmentTerm[] = Object.freeze(['P1M', 'P1Y', 'P3Y']);
export const BILLING_FREQUENCIES: readonly BillingFrequency[] = Object.freeze(['monthly', 'annual', 'triennial']);

/**
 * The sources of which terms and billing frequencies are sold (the lists below), each with its date
 * read in ./sources.ts.
 */
export const TERMS_SOURCES: readonly SourceId[] = Object.freeze([
  'nceBillingPlans',
  'nceTermOptions',
  'monthlyTermOffers2022',
]);

/** Length of each term in calendar months. */
export const TERM_MONTHS: Readonly<Record<CommitmentTerm, number>> = Object.freeze({ P1M: 1, P1Y: 12, P3Y: 36 });

/** Calendar months one bill covers at each billing frequency. */
export const BILLING_PERIOD_MONTHS: Readonly<Record<BillingFrequency, number>> = Object.freeze({
  monthly: 1,
  annual: 12,
  triennial: 36,
});

/**
 * The billing frequencies the vendor offers on each term, the one paid up front first: a monthly term
 * is billed monthly; an annual term up front or in 12 monthly bills; a three-year term up front,
 * yearly or in 36 monthly bills.
 * Sources: `nceTermOptions`, `nceBillingPlans` (read 2026-11-30).
 */
export const TERM_BILLING_FREQUENCIES: Readonly<Record<CommitmentTerm, readonly BillingFrequency[]>> = Object.freeze({
  P1M: Object.freeze(['monthly'] as const),
  P1Y: Object.freeze(['annual', 'monthly'] as const),
  P3Y: Object.freeze(['triennial', 'annual', 'monthly'] as const),
});

/**
 * What an offer line gets when it names no term or billing: the annual term paid up front. Every
 * subscription is sold on it, and it is the vendor's base price (the premiums below are relative to it).
 */
export const DEFAULT_TERM: CommitmentTerm = 'P1Y';
export const DEFAULT_BILLING_FREQUENCY: BillingFrequency = 'annual';

/**
 * Subscriptions the vendor also sells on a monthly term (`P1M`), as listed in source
 * `monthlyTermOffers2022` (read 2026-11-30; still current for Business Standard per
 * `pricesRoundedToCent`, January 2026). Others are sold here on the annual term only: we list a
 * monthly term only where a source shows it. No subscription is listed on `P3Y` yet: no source
 * available to us names which of these SKUs the vendor sells on a three-year term today.
 */
const MONTHLY_TERM_SKUS: ReadonlySet<string> = new Set([
  'M365_APPS_FOR_BUSINESS',
  'M365_APPS_FOR_ENTERPRISE',
  'M365_BUSINESS_BASIC',
  'M365_BUSINESS_PREMIUM',
  'M365_BUSINESS_STANDARD',
  'M365_E3',
  'M365_E5',
  'M365_F1',
  'M365_F3',
  'O365_E1',
  'O365_E3',
  'O365_E5',
  'POWER_BI_PRO',
  'VISIO_PLAN_1',
  'VISIO_PLAN_2',
  'POWER_BI_PREMIUM_PER_USER',
]);

const ANNUAL_ONLY: readonly CommitmentTerm[] = Object.freeze(['P1Y']);
const MONTHLY_OR_ANNUAL: readonly CommitmentTerm[] = Object.freeze(['P1M', 'P1Y']);

/** Per SKU of the catalog, the terms it is sold on (shortest first). */
export const SUBSCRIPTION_TERMS: Readonly<Record<string, readonly CommitmentTerm[]>> = Object.freeze(
  Object.fromEntries(
    SUBSCRIPTIONS.map((subscription) => [
      subscription.sku,
      MONTHLY_TERM_SKUS.has(subscription.sku) ? MONTHLY_OR_ANNUAL : ANNUAL_ONLY,
    ]),
  ),
);

export function isCommitmentTerm(value: string): value is CommitmentTerm {
  return (COMMITMENT_TERMS as readonly string[]).includes(value);
}

export function isBillingFrequency(value: string): value is BillingFrequency {
  return (BILLING_FREQUENCIES as readonly string[]).includes(value);
}

/** The terms a SKU is sold on, shortest first; empty for a SKU not in the catalog. */
export function termsFor(sku: string): readonly CommitmentTerm[] {
  // Own keys only: `constructor` or `__proto__` typed into a form would find Object's members.
  return (Object.hasOwn(SUBSCRIPTION_TERMS, sku) ? SUBSCRIPTION_TERMS[sku] : undefined) ?? [];
}

/** The billing frequencies allowed for a SKU on a term, up-front first; empty if the SKU is not sold on it. */
export function billingFrequenciesFor(sku: string, term: CommitmentTerm): readonly BillingFrequency[] {
  return termsFor(sku).includes(term) ? TERM_BILLING_FREQUENCIES[term] : [];
}

export function isSoldOn(sku: string, term: CommitmentTerm, billingFrequency: BillingFrequency): boolean {
  return billingFrequenciesFor(sku, term).includes(billingFrequency);
}

/**
 * A vendor pricing rule: the unit price of `term` billed at `billingFrequency` is the price of `base`
 * plus `premiumBasisPoints` (1 basis point = 0.01 %; 2000 = 20 %), for purchases and renewals from
 * `effectiveFrom` (ISO 8601 date).
 */
export interface PricingRule {
  readonly id: 'monthly-term-premium' | 'annual-term-monthly-billing-premium';
  readonly description: string;
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
  readonly base: { readonly term: CommitmentTerm; readonly billingFrequency: BillingFrequency };
  readonly premiumBasisPoints: number;
  readonly effectiveFrom: string;
  readonly sources: readonly SourceId[];
}

const MONTHLY_TERM_PREMIUM: PricingRule = {
  id: 'monthly-term-premium',
  description: 'A monthly term costs 20 % more than the annual term paid up front.',
  term: 'P1M',
  billingFrequency: 'monthly',
  base: { term: 'P1Y', billingFrequency: 'annual' },
  premiumBasisPoints: 2000,
  effectiveFrom: '2022-03-01',
  sources: ['monthlyTermPremium', 'pricesRoundedToCent'],
};

const ANNUAL_TERM_MONTHLY_BILLING_PREMIUM: PricingRule = {
  id: 'annual-term-monthly-billing-premium',
  description: 'An annual term billed monthly costs 5 % more than the annual term paid up front.',
  term: 'P1Y',
  billingFrequency: 'monthly',
  base: { term: 'P1Y', billingFrequency: 'annual' },
  premiumBasisPoints: 500,
  effectiveFrom: '2025-04-01',
  sources: ['annualBilledMonthlyPremium', 'annualBilledMonthlyPremiumVendor', 'pricesRoundedToCent'],
};

/**
 * The vendor's premiums over the annual term paid up front: +20 % for a monthly term (since
 * 2022-03-01, source `monthlyTermPremium`) and +5 % for an annual term billed monthly (since
 * 2025-04-01, sources `annualBilledMonthlyPremium`, `annualBilledMonthlyPremiumVendor`); the vendor's
 * published $12.50 → $15.00 and $13.13 bear both out (`pricesRoundedToCent`). All read 2026-11-30.
 */
export const PRICING_RULES: readonly PricingRule[] = Object.freeze([
  Object.freeze(MONTHLY_TERM_PREMIUM),
  Object.freeze(ANNUAL_TERM_MONTHLY_BILLING_PREMIUM),
]);

/** The rule that prices `term` billed at `billingFrequency` from the base price, if any. */
export function pricingRuleFor(term: CommitmentTerm, billingFrequency: BillingFrequency): PricingRule | undefined {
  return PRICING_RULES.find((rule) => rule.term === term && rule.billingFrequency === billingFrequency);
}
