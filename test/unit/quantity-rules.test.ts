import { findSubscription } from '../../shared/catalog/catalog.ts';
import { BUSINESS_FAMILY_SEAT_CAP, checkQuantityRules, QUANTITY_RULES } from '../../shared/catalog/quantity-rules.ts';
import { SOURCES } from '../../shared/catalog/sources.ts';

describe('Business family seat cap (data)', () => {
  it('caps Business Basic, Standard, Premium (with and without Teams) and Apps for business at 300 together', () => {
    expect(BUSINESS_FAMILY_SEAT_CAP.maxTotalLicenses).toBe(300);
    expect([...BUSINESS_FAMILY_SEAT_CAP.skus].sort()).toEqual([
      'M365_APPS_FOR_BUSINESS',
      'M365_BUSINESS_BASIC',
      'M365_BUSINESS_BASIC_NO_TEAMS',
      'M365_BUSINESS_PREMIUM',
      'M365_BUSINESS_PREMIUM_NO_TEAMS',
      'M365_BUSINESS_STANDARD',
      'M365_BUSINESS_STANDARD_NO_TEAMS',
    ]);
  });

  it('names catalog SKUs only and rests on a vendor source with its wording', () => {
    for (const rule of QUANTITY_RULES) {
      for (const sku of rule.skus) expect(findSubscription(sku)).toBeDefined();
      const vendor = rule.sources.map((id) => SOURCES[id]).filter((source) => source.kind === 'vendor');
      expect(vendor.map((source) => source.quote).join(' ')).toContain(
        '300 seats total across all of our Business family of plans',
      );
    }
  });

  it('counts only plans a quoted source names: each SKU’s plan, without "Microsoft 365" and "(no Teams)"', () => {
    for (const rule of QUANTITY_RULES) {
      const quoted = rule.sources.map((id) => SOURCES[id].quote.toLowerCase()).join(' ');
      const unnamed = rule.skus.filter((sku) => {
        const plan = (findSubscription(sku)?.name ?? sku).replace(/^Microsoft 365 /, '').replace(/ \(no Teams\)$/, '');
        return !quoted.includes(plan.toLowerCase());
      });
      expect(unnamed).toEqual([]);
    }
  });
});

describe('checkQuantityRules', () => {
  it('names every Business line and the limit when 300 + 300 + 300 break the cap', () => {
    // Arrange
    const lines = [
      { sku: 'M365_BUSINESS_BASIC', licenses: 300 },
      { sku: 'EXCHANGE_ONLINE_PLAN_1', licenses: 50 },
      { sku: 'M365_BUSINESS_STANDARD', licenses: 300 },
      { sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
    ];

    // Act
    const violations = checkQuantityRules(lines);

    // Assert
    expect(violations).toEqual([
      {
        ruleId: 'business-family-seat-cap',
        limit: 300,
        total: 900,
        lines: [
          { index: 0, sku: 'M365_BUSINESS_BASIC', licenses: 300 },
          { index: 2, sku: 'M365_BUSINESS_STANDARD', licenses: 300 },
          { index: 3, sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
        ],
      },
    ]);
  });

  it('accepts exactly 300 across the family, and one more is too many', () => {
    const atCap = [
      { sku: 'M365_BUSINESS_PREMIUM', licenses: 250 },
      { sku: 'M365_BUSINESS_BASIC_NO_TEAMS', licenses: 50 },
    ];
    const overCap = [...atCap, { sku: 'M365_APPS_FOR_BUSINESS', licenses: 1 }];

    expect(checkQuantityRules(atCap)).toEqual([]);
    expect(checkQuantityRules(overCap)).toMatchObject([{ total: 301, limit: 300 }]);
  });

  it('does not name a Business line the customer set to 0 licenses', () => {
    const lines = [
      { sku: 'M365_BUSINESS_BASIC', licenses: 0 },
      { sku: 'M365_BUSINESS_STANDARD', licenses: 200 },
      { sku: 'M365_BUSINESS_PREMIUM', licenses: 101 },
    ];

    expect(checkQuantityRules(lines)).toEqual([
      {
        ruleId: 'business-family-seat-cap',
        limit: 300,
        total: 301,
        lines: [
          { index: 1, sku: 'M365_BUSINESS_STANDARD', licenses: 200 },
          { index: 2, sku: 'M365_BUSINESS_PREMIUM', licenses: 101 },
        ],
      },
    ]);
  });

  it('does not count Enterprise or standalone plans', () => {
    const lines = [
      { sku: 'M365_BUSINESS_PREMIUM', licenses: 300 },
      { sku: 'M365_E3_NO_TEAMS', licenses: 5000 },
      { sku: 'TEAMS_ESSENTIALS', licenses: 300 },
    ];

    expect(checkQuantityRules(lines)).toEqual([]);
  });

  it('rejects a license count that is not a whole number of 0 or more', () => {
    expect(() => checkQuantityRules([{ sku: 'M365_BUSINESS_BASIC', licenses: 2.5 }])).toThrow(
      'lines[0].licenses must be a whole number of 0 or more, got 2.5',
    );
    expect(() => checkQuantityRules([{ sku: 'M365_BUSINESS_BASIC', licenses: -1 }])).toThrow(RangeError);
  });
});
