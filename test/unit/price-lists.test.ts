import { findSubscription } from '../../shared/catalog/catalog.ts';
import {
  PRICE_LIST_VERSION,
  PRICE_LISTS,
  priceListFor,
  priceOptions,
  unitPrice,
} from '../../shared/catalog/price-lists.ts';
import { SOURCES } from '../../shared/catalog/sources.ts';
import { isSoldOn } from '../../shared/catalog/terms.ts';

describe('price list data', () => {
  it('carries a dated version', () => {
    expect(PRICE_LIST_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prices the US in dollars from the 2026-07-01 update and Brazil in reais', () => {
    expect(priceListFor('US')).toMatchObject({ currency: 'USD', effectiveFrom: '2026-07-01' });
    expect(priceListFor('BR')).toMatchObject({ currency: 'BRL' });
    expect(priceListFor('DE')).toBeUndefined();
    expect(priceListFor('toString')).toBeUndefined();
  });

  it('lists the US base prices per license per month, annual term paid up front, in cents', () => {
    const us = priceListFor('US');

    expect(
      Object.fromEntries(Object.entries(us?.basePrices ?? {}).map(([sku, price]) => [sku, price.monthlyUnitMinor])),
    ).toEqual({
      M365_BUSINESS_BASIC: 700,
      M365_BUSINESS_STANDARD: 1400,
      M365_BUSINESS_PREMIUM: 2200,
      M365_E3: 3900,
      M365_E5: 6000,
      M365_F3: 1000,
      M365_F1: 300,
      O365_E3: 2600,
      ENTRA_ID_P1: 700,
    });
  });

  it('gives every figure a known source with a URL and a date read, listed among its market sources', () => {
    for (const priceList of Object.values(PRICE_LISTS)) {
      for (const [sku, price] of Object.entries(priceList.basePrices)) {
        expect(Number.isSafeInteger(price.monthlyUnitMinor) && price.monthlyUnitMinor > 0).toBe(true);
        expect(priceList.sources).toContain(price.source);
        expect(SOURCES[price.source]).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
        expect(SOURCES[price.source].readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        // Every listed SKU is one the catalog sells in that market on the base term.
        expect(findSubscription(sku)?.countries).toContain(priceList.market);
        expect(isSoldOn(sku, 'P1Y', 'annual')).toBe(true);
      }
    }
  });
});

describe('unitPrice', () => {
  it('returns a listed base price as not derived, with its source and versions', () => {
    // Act
    const price = unitPrice({ market: 'US', sku: 'M365_BUSINESS_BASIC', term: 'P1Y', billingFrequency: 'annual' });

    // Assert
    expect(price).toEqual({
      status: 'priced',
      market: 'US',
      sku: 'M365_BUSINESS_BASIC',
      term: 'P1Y',
      billingFrequency: 'annual',
      currency: 'USD',
      monthlyUnitMinor: 700,
      perBillingPeriodMinor: 8400,
      billingPeriodMonths: 12,
      derivedBy: null,
      sources: ['usBusinessPrices202607'],
      priceListVersion: PRICE_LIST_VERSION,
      effectiveFrom: '2026-07-01',
    });
  });

  it('derives the annual term billed monthly as base + 5 %, marked derived', () => {
    const price = unitPrice({ market: 'US', sku: 'M365_BUSINESS_BASIC', term: 'P1Y', billingFrequency: 'monthly' });

    expect(price).toMatchObject({
      status: 'priced',
      monthlyUnitMinor: 735,
      perBillingPeriodMinor: 735,
      billingPeriodMonths: 1,
      derivedBy: 'annual-term-monthly-billing-premium',
    });
  });

  it('derives the monthly term as base + 20 %, marked derived', () => {
    const price = unitPrice({ market: 'US', sku: 'M365_BUSINESS_STANDARD', term: 'P1M', billingFrequency: 'monthly' });

    expect(price).toMatchObject({ status: 'priced', monthlyUnitMinor: 1680, derivedBy: 'monthly-term-premium' });
    expect(price.status === 'priced' && price.sources).toEqual([
      'usBusinessPrices202607',
      'monthlyTermPremium',
      'pricesRoundedToCent',
    ]);
  });

  it('says why there is no price instead of estimating one', () => {
    const query = { term: 'P1Y', billingFrequency: 'annual' } as const;

    expect(unitPrice({ ...query, market: 'US', sku: 'TEAMS_ESSENTIALS' })).toEqual({
      status: 'unpriced',
      reason: 'no_sourced_price',
    });
    expect(unitPrice({ ...query, market: 'BR', sku: 'M365_BUSINESS_BASIC' })).toEqual({
      status: 'unpriced',
      reason: 'no_sourced_price',
    });
    expect(unitPrice({ ...query, market: 'MX', sku: 'M365_BUSINESS_BASIC' })).toEqual({
      status: 'unpriced',
      reason: 'market_without_price_list',
    });
    expect(unitPrice({ ...query, market: 'US', sku: 'NOT_A_SKU' })).toEqual({
      status: 'unpriced',
      reason: 'unknown_sku',
    });
    // Business Basic with Teams is not sold in Germany (Teams unbundling).
    expect(unitPrice({ ...query, market: 'DE', sku: 'M365_BUSINESS_BASIC' })).toEqual({
      status: 'unpriced',
      reason: 'not_sold_in_usage_location',
    });
  });

  it('has no price for a term or billing the SKU is not sold on', () => {
    expect(unitPrice({ market: 'US', sku: 'ENTRA_ID_P1', term: 'P1M', billingFrequency: 'monthly' })).toEqual({
      status: 'unpriced',
      reason: 'not_sold_on_term',
    });
    expect(unitPrice({ market: 'US', sku: 'M365_BUSINESS_BASIC', term: 'P1M', billingFrequency: 'annual' })).toEqual({
      status: 'unpriced',
      reason: 'not_sold_on_term',
    });
  });
});

describe('priceOptions', () => {
  it('lists a SKU’s terms and billing frequencies with their US prices, shortest term and up-front first', () => {
    // Act
    const options = priceOptions('US', 'M365_BUSINESS_PREMIUM');

    // Assert
    expect(
      options.map((option) => [
        option.term,
        option.billingFrequency,
        option.price.status === 'priced' ? option.price.monthlyUnitMinor : option.price.reason,
      ]),
    ).toEqual([
      ['P1M', 'monthly', 2640],
      ['P1Y', 'annual', 2200],
      ['P1Y', 'monthly', 2310],
    ]);
  });

  it('lists the options without prices where the market has none', () => {
    const options = priceOptions('BR', 'TEAMS_ESSENTIALS');

    expect(options).toEqual([
      { term: 'P1Y', billingFrequency: 'annual', price: { status: 'unpriced', reason: 'no_sourced_price' } },
      { term: 'P1Y', billingFrequency: 'monthly', price: { status: 'unpriced', reason: 'no_sourced_price' } },
    ]);
  });

  it('lists nothing for an unknown SKU', () => {
    expect(priceOptions('US', 'NOT_A_SKU')).toEqual([]);
  });
});
