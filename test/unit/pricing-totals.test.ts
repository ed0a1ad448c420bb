import { lineTotal, totals } from '../../shared/catalog/totals.ts';

describe('lineTotal', () => {
  it('bills an annual term paid up front for twelve months at once', () => {
    // Arrange: 25 × Business Premium at $22.00
    const line = { currency: 'USD', monthlyUnitMinor: 2200, billingFrequency: 'annual', licenses: 25 } as const;

    // Act
    const total = lineTotal(line);

    // Assert
    expect(total).toEqual({
      perBillingPeriodMinor: 660_000,
      billingPeriodMonths: 12,
      perMonthMinor: 55_000,
      perYearMinor: 660_000,
    });
  });

  it('bills a monthly line every month', () => {
    const total = lineTotal({ currency: 'USD', monthlyUnitMinor: 735, billingFrequency: 'monthly', licenses: 3 });

    expect(total).toEqual({
      perBillingPeriodMinor: 2205,
      billingPeriodMonths: 1,
      perMonthMinor: 2205,
      perYearMinor: 26_460,
    });
  });

  it('bills a triennial line for 36 months at once', () => {
    const total = lineTotal({ currency: 'USD', monthlyUnitMinor: 100, billingFrequency: 'triennial', licenses: 2 });

    expect(total.perBillingPeriodMinor).toBe(7200);
  });

  it('rejects a fractional or negative license count', () => {
    const line = { currency: 'USD', monthlyUnitMinor: 700, billingFrequency: 'annual' } as const;

    expect(() => lineTotal({ ...line, licenses: 1.5 })).toThrow(RangeError);
    expect(() => lineTotal({ ...line, licenses: -1 })).toThrow(RangeError);
  });
});

describe('totals', () => {
  it('adds lines on different terms and billing exactly to the cent, per month and per year', () => {
    // Arrange: 7 × $7.35 (annual billed monthly) + 11 × $16.80 (monthly term) + 13 × $22.00 (annual up front)
    const lines = [
      { currency: 'USD', monthlyUnitMinor: 735, billingFrequency: 'monthly', licenses: 7 },
      { currency: 'USD', monthlyUnitMinor: 1680, billingFrequency: 'monthly', licenses: 11 },
      { currency: 'USD', monthlyUnitMinor: 2200, billingFrequency: 'annual', licenses: 13 },
    ] as const;

    // Act
    const result = totals(lines, 'USD');

    // Assert: 51.45 + 184.80 + 286.00 = 522.25 a month, 6,267.00 a year
    expect(result).toEqual({ currency: 'USD', perMonthMinor: 52_225, perYearMinor: 626_700 });
  });

  it('totals no lines as zero', () => {
    expect(totals([], 'BRL')).toEqual({ currency: 'BRL', perMonthMinor: 0, perYearMinor: 0 });
  });

  it('refuses to add amounts in different currencies', () => {
    const lines = [
      { currency: 'USD', monthlyUnitMinor: 700, billingFrequency: 'annual', licenses: 1 },
      { currency: 'BRL', monthlyUnitMinor: 700, billingFrequency: 'annual', licenses: 1 },
    ] as const;

    expect(() => totals(lines, 'USD')).toThrow('line 1 is priced in BRL, not USD');
  });
});
