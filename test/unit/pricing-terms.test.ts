import { SUBSCRIPTIONS } from '../../shared/catalog/catalog-data.ts';
import { priceOptions } from '../../shared/catalog/price-lists.ts';
import { SOURCES } from '../../shared/catalog/sources.ts';
import {
  billingFrequenciesFor,
  DEFAULT_BILLING_FREQUENCY,
  DEFAULT_TERM,
  isBillingFrequency,
  isCommitmentTerm,
  isSoldOn,
  PRICING_RULES,
  pricingRuleFor,
  SUBSCRIPTION_TERMS,
  TERM_BILLING_FREQUENCIES,
  termsFor,
} from '../../shared/catalog/terms.ts';

describe('terms and billing frequencies', () => {
  it('allows monthly billing only on a monthly term, up front or monthly on a year, and three ways on three years', () => {
    expect(TERM_BILLING_FREQUENCIES).toEqual({
      P1M: ['monthly'],
      P1Y: ['annual', 'monthly'],
      P3Y: ['triennial', 'annual', 'monthly'],
    });
  });

  it('defaults to the annual term paid up front', () => {
    expect(DEFAULT_TERM).toBe('P1Y');
    expect(DEFAULT_BILLING_FREQUENCY).toBe('annual');
  });

  it('lists terms for every catalog subscription, and sells each on the default term', () => {
    // Arrange
    const skus = SUBSCRIPTIONS.map((subscription) => subscription.sku);

    // Act / Assert
    expect(Object.keys(SUBSCRIPTION_TERMS).sort()).toEqual([...skus].sort());
    for (const sku of skus) {
      expect(isSoldOn(sku, DEFAULT_TERM, DEFAULT_BILLING_FREQUENCY)).toBe(true);
    }
  });

  it('sells Business Basic monthly or yearly, Teams Essentials yearly only, and nothing on three years', () => {
    expect(termsFor('M365_BUSINESS_BASIC')).toEqual(['P1M', 'P1Y']);
    expect(termsFor('TEAMS_ESSENTIALS')).toEqual(['P1Y']);
    expect(Object.values(SUBSCRIPTION_TERMS).some((terms) => terms.includes('P3Y'))).toBe(false);
  });

  it.each(['__proto__', 'constructor', 'toString'])(
    'knows no terms for a SKU named %s, like any unknown SKU',
    (sku) => {
      expect(termsFor(sku)).toEqual([]);
      expect(billingFrequenciesFor(sku, 'P1Y')).toEqual([]);
      expect(priceOptions('US', sku)).toEqual([]);
    },
  );

  it('offers the billing frequencies of a term only where the SKU is sold on it', () => {
    expect(billingFrequenciesFor('M365_BUSINESS_PREMIUM', 'P1Y')).toEqual(['annual', 'monthly']);
    expect(billingFrequenciesFor('M365_BUSINESS_PREMIUM', 'P1M')).toEqual(['monthly']);
    expect(billingFrequenciesFor('TEAMS_ESSENTIALS', 'P1M')).toEqual([]);
    expect(billingFrequenciesFor('NOT_A_SKU', 'P1Y')).toEqual([]);
    expect(isSoldOn('M365_BUSINESS_PREMIUM', 'P1M', 'annual')).toBe(false);
  });

  it('recognises terms and billing frequencies exactly', () => {
    expect(isCommitmentTerm('P1Y')).toBe(true);
    expect(isCommitmentTerm('p1y')).toBe(false);
    expect(isCommitmentTerm('P12M')).toBe(false);
    expect(isBillingFrequency('triennial')).toBe(true);
    expect(isBillingFrequency('yearly')).toBe(false);
  });
});

describe('pricing rules', () => {
  it('charges 20 % more for a monthly term, since 2022-03-01', () => {
    expect(pricingRuleFor('P1M', 'monthly')).toMatchObject({
      id: 'monthly-term-premium',
      base: { term: 'P1Y', billingFrequency: 'annual' },
      premiumBasisPoints: 2000,
      effectiveFrom: '2022-03-01',
    });
  });

  it('charges 5 % more for an annual term billed monthly, since 2025-04-01', () => {
    expect(pricingRuleFor('P1Y', 'monthly')).toMatchObject({
      id: 'annual-term-monthly-billing-premium',
      base: { term: 'P1Y', billingFrequency: 'annual' },
      premiumBasisPoints: 500,
      effectiveFrom: '2025-04-01',
    });
  });

  it('has no rule for the base price itself', () => {
    expect(pricingRuleFor('P1Y', 'annual')).toBeUndefined();
  });

  it('names a known source for every rule, one of them the vendor', () => {
    for (const rule of PRICING_RULES) {
      expect(rule.sources.length).toBeGreaterThan(0);
      for (const source of rule.sources) expect(SOURCES[source].url).toMatch(/^https:\/\//);
    }
    expect(pricingRuleFor('P1Y', 'monthly')?.sources.map((id) => SOURCES[id].kind)).toContain('vendor');
  });
});
