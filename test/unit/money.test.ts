import {
  applyPremium,
  formatMoney,
  minorUnitDigits,
  multiplyMinor,
  sumMinor,
  toDecimalString,
} from '../../shared/catalog/money.ts';

const NBSP = '\u00a0';

describe('minor units', () => {
  it('knows cents for USD and BRL and no minor unit for JPY', () => {
    // Arrange / Act / Assert
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('BRL')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
  });

  it('rejects a currency that is not three capital letters', () => {
    expect(() => minorUnitDigits('usd')).toThrow(RangeError);
    expect(() => minorUnitDigits('US')).toThrow(RangeError);
  });
});

describe('multiplyMinor and sumMinor', () => {
  it('multiplies a unit price by a license count exactly', () => {
    // Arrange: 0.10 + 0.20 is not 0.30 in binary floating point; cents are exact.
    const unitMinor = 735;

    // Act
    const total = multiplyMinor(unitMinor, 300);

    // Assert
    expect(total).toBe(220_500);
    expect(sumMinor([10, 20])).toBe(30);
  });

  it('refuses fractions and amounts past 2^53 instead of rounding them', () => {
    expect(() => multiplyMinor(1.5, 2)).toThrow(RangeError);
    expect(() => multiplyMinor(100, 0.5)).toThrow(RangeError);
    expect(() => multiplyMinor(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});

describe('applyPremium', () => {
  it('adds 20 % and 5 % to $12.50 as the vendor publishes them: $15.00 and $13.13 (half up)', () => {
    expect(applyPremium(1250, 2000)).toBe(1500);
    expect(applyPremium(1250, 500)).toBe(1313);
  });

  it('rounds half up to the cent and below half down', () => {
    // 7.00 × 1.05 = 7.35 exactly; 0.10 × 1.05 = 0.105 → 0.11; 0.01 × 1.20 = 0.012 → 0.01
    expect(applyPremium(700, 500)).toBe(735);
    expect(applyPremium(10, 500)).toBe(11);
    expect(applyPremium(1, 2000)).toBe(1);
    expect(applyPremium(0, 2000)).toBe(0);
  });

  it('rejects a negative amount, a negative or fractional premium', () => {
    expect(() => applyPremium(-100, 500)).toThrow(RangeError);
    expect(() => applyPremium(100, -1)).toThrow(RangeError);
    expect(() => applyPremium(100, 2.5)).toThrow(RangeError);
  });
});

describe('toDecimalString', () => {
  it('writes minor units as a decimal without floating point', () => {
    expect(toDecimalString(123450, 2)).toBe('1234.50');
    expect(toDecimalString(5, 2)).toBe('0.05');
    expect(toDecimalString(-305, 2)).toBe('-3.05');
    expect(toDecimalString(1234, 0)).toBe('1234');
  });
});

describe('formatMoney (Node 24 ICU)', () => {
  it('prints dollars in English as $ and in Portuguese as US$', () => {
    // Arrange
    const money = { amountMinor: 123450, currency: 'USD' };

    // Act / Assert
    expect(formatMoney(money, 'en')).toBe('$1,234.50');
    expect(formatMoney(money, 'pt-BR')).toBe(`US$${NBSP}1.234,50`);
  });

  it('prints reais as R$ in both languages', () => {
    const money = { amountMinor: 123450, currency: 'BRL' };

    expect(formatMoney(money, 'pt-BR')).toBe(`R$${NBSP}1.234,50`);
    expect(formatMoney(money, 'en')).toBe('R$1,234.50');
  });

  it('prints amounts too large for a double exactly', () => {
    // 2^53 - 1 cents: as a double divided by 100 the last digit would be lost.
    expect(formatMoney({ amountMinor: Number.MAX_SAFE_INTEGER, currency: 'USD' }, 'en')).toBe('$90,071,992,547,409.91');
  });

  it('prints a currency without minor unit with no decimals', () => {
    expect(formatMoney({ amountMinor: 1234, currency: 'JPY' }, 'en')).toBe('¥1,234');
  });

  it('rejects a malformed currency and a fractional amount', () => {
    expect(() => formatMoney({ amountMinor: 100, currency: 'dollars' }, 'en')).toThrow(RangeError);
    expect(() => formatMoney({ amountMinor: 100.5, currency: 'USD' }, 'en')).toThrow(RangeError);
  });
});
