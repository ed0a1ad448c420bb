/**
 * Exact money: amounts are integers in the currency's minor unit (cents for USD, centavos for BRL),
 * never binary floating point. Every function throws RangeError rather than return an inexact amount.
 */

export interface Money {
  /** Integer amount in the currency's minor unit (USD 1234 = $12.34). */
  readonly amountMinor: number;
  /** ISO 4217 code, e.g. 'USD', 'BRL'. */
  readonly currency: string;
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Throws RangeError unless `value` is an integer that Number represents exactly (|value| < 2^53). */
export function assertMinorUnits(value: number, what = 'amount'): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer number of minor units, got ${value}`);
  }
}

function checkedCurrency(currency: string): string {
  if (!CURRENCY_CODE.test(currency)) {
    throw new RangeError(`currency must be an ISO 4217 code of three capital letters, got ${JSON.stringify(currency)}`);
  }
  return currency;
}

/** Digits after the decimal separator of a currency's minor unit, per the runtime's ICU data (USD 2, JPY 0). */
export function minorUnitDigits(currency: string): number {
  return currencyFormat('en', checkedCurrency(currency)).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `amountMinor × factor` (e.g. unit price × license count, or × months); RangeError if inexact. */
export function multiplyMinor(amountMinor: number, factor: number): number {
  assertMinorUnits(amountMinor);
  if (!Number.isSafeInteger(factor)) throw new RangeError(`factor must be a safe integer, got ${factor}`);
  const product = amountMinor * factor;
  assertMinorUnits(product, 'product');
  return product;
}

/** Sum of minor-unit amounts; RangeError if any amount or the sum is not a safe integer. */
export function sumMinor(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) {
    assertMinorUnits(amount);
    total += amount;
    assertMinorUnits(total, 'sum');
  }
  return total;
}

/**
 * `amountMinor` raised by `basisPoints` (1 bp = 0.01 %: 2000 = +20 %), rounded half up to the minor
 * unit, in integer arithmetic. Half up is the vendor's rounding: $12.50 + 5 % = $13.125 is published as
 * $13.13 (source `pricesRoundedToCent`). Throws RangeError for a negative amount or premium.
 */
export function applyPremium(amountMinor: number, basisPoints: number): number {
  assertMinorUnits(amountMinor);
  if (amountMinor < 0) throw new RangeError(`amount must not be negative, got ${amountMinor}`);
  if (!Number.isSafeInteger(basisPoints) || basisPoints < 0) {
    throw new RangeError(`basisPoints must be a non-negative integer, got ${basisPoints}`);
  }
  const scaled = amountMinor * (10_000 + basisPoints) + 5_000;
  assertMinorUnits(scaled, 'scaled amount');
  return Math.floor(scaled / 10_000);
}

/**
 * The amount as a plain decimal string in major units ("1234.50" for 123450 with 2 digits), built from
 * the integer so no binary fraction is ever involved.
 */
export function toDecimalString(amountMinor: number, digits: number): string {
  assertMinorUnits(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = String(Math.abs(amountMinor));
  if (digits === 0) return `${sign}${magnitude}`;
  const padded = magnitude.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

// Intl.NumberFormat is costly to build; a page formats many amounts in one or two locale/currency pairs.
const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, format);
  }
  return format;
}

/**
 * The amount in the reader's language with the currency's symbol, by `Intl.NumberFormat(locale,
 * { style: 'currency', currency })`. Node 24's ICU prints, with a no-break space (U+00A0) where shown:
 * en USD `$1,234.50`, en BRL `R$1,234.50`, pt-BR BRL `R$\u00a01.234,50`, pt-BR USD `US$\u00a01.234,50`.
 * The number is passed to ICU as a decimal string, so it is printed exactly.
 * Throws RangeError for a malformed currency code, a non-integer amount or an unknown locale tag.
 */
export function formatMoney(money: Money, locale: string): string {
  const currency = checkedCurrency(money.currency);
  const format = currencyFormat(locale, currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(toDecimalString(money.amountMinor, digits) as `${number}`);
}
