/**
 * Line totals and offer totals in exact minor units, for lines on different terms and billing
 * frequencies. "Per month" is what the lines cost per calendar month; "per year" is twelve of those
 * (a monthly-term line counted as renewed all year). Both are list prices before taxes: an estimate,
 * the vendor's checkout shows the final price.
 */
import { assertMinorUnits, multiplyMinor, sumMinor } from './money.ts';
import { BILLING_PERIOD_MONTHS, type BillingFrequency } from './terms.ts';

export interface PricedLine {
  /** ISO 4217 code of the unit price. */
  readonly currency: string;
  /** Unit price per license per month, integer minor units (see price-lists.ts unitPrice). */
  readonly monthlyUnitMinor: number;
  readonly billingFrequency: BillingFrequency;
  /** Whole number of licenses, 0 or more. */
  readonly licenses: number;
}

export interface LineTotal {
  /** What one bill for the line comes to: monthly unit × licenses × months the bill covers. */
  readonly perBillingPeriodMinor: number;
  /** Months one bill covers (1, 12 or 36). */
  readonly billingPeriodMonths: number;
  readonly perMonthMinor: number;
  readonly perYearMinor: number;
}

export interface Totals {
  readonly currency: string;
  readonly perMonthMinor: number;
  readonly perYearMinor: number;
}

function checkedLicenses(licenses: number): number {
  if (!Number.isSafeInteger(licenses) || licenses < 0) {
    throw new RangeError(`licenses must be a whole number of 0 or more, got ${licenses}`);
  }
  return licenses;
}

/** One line's total. Throws RangeError for a negative or fractional license count or an inexact amount. */
export function lineTotal(line: PricedLine): LineTotal {
  assertMinorUnits(line.monthlyUnitMinor, 'monthlyUnitMinor');
  const perMonthMinor = multiplyMinor(line.monthlyUnitMinor, checkedLicenses(line.licenses));
  const billingPeriodMonths = BILLING_PERIOD_MONTHS[line.billingFrequency];
  return {
    perBillingPeriodMinor: multiplyMinor(perMonthMinor, billingPeriodMonths),
    billingPeriodMonths,
    perMonthMinor,
    perYearMinor: multiplyMinor(perMonthMinor, 12),
  };
}

/**
 * Totals per month and per year of `lines`, all in `currency` (an empty list totals 0).
 * Throws RangeError if a line is in another currency, or as lineTotal does.
 */
export function totals(lines: readonly PricedLine[], currency: string): Totals {
  const perMonth: number[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.currency !== currency) {
      throw new RangeError(`line ${index} is priced in ${line.currency}, not ${currency}`);
    }
    perMonth.push(lineTotal(line).perMonthMinor);
  }
  const perMonthMinor = sumMinor(perMonth);
  return { currency, perMonthMinor, perYearMinor: multiplyMinor(perMonthMinor, 12) };
}
