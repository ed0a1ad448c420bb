/**
 * The commitment clock of a license-based subscription: until when licenses can still be reduced or
 * the subscription cancelled after purchase, and when the term ends. Pure date arithmetic in UTC (the
 * vendor gives every term date in UTC); no clock is read here, callers pass the purchase time.
 */
import type { SourceId } from './sources.ts';
import { type CommitmentTerm, isCommitmentTerm, TERM_MONTHS } from './terms.ts';

/**
 * The vendor's window after a purchase, renewal or license addition during which licenses can be
 * reduced or the subscription cancelled (with a prorated credit): 7 days = 168 hours, for every term
 * of a license-based subscription, since 2022-07-11.
 * Sources: `nceCancellationWindow`, `partnerCenterLicenseDecrease`, `nceSeatReductionWindow`,
 * `nceSevenDaySince2022` (read 2026-11-30).
 */
export const CANCELLATION_POLICY = Object.freeze({
  hours: 168,
  effectiveFrom: '2022-07-11',
  sources: Object.freeze([
    'nceCancellationWindow',
    'partnerCenterLicenseDecrease',
    'nceSeatReductionWindow',
    'nceSevenDaySince2022',
  ] as const),
} satisfies { hours: number; effectiveFrom: string; sources: readonly SourceId[] });

export const CANCELLATION_WINDOW_HOURS = CANCELLATION_POLICY.hours;
export const CANCELLATION_WINDOW_MS = CANCELLATION_WINDOW_HOURS * 3_600_000;

/** The source of how term dates run (the term ends the day before it renews): `nceTermDates`. */
export const TERM_DATE_SOURCES: readonly SourceId[] = Object.freeze(['nceTermDates']);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkedInstant(value: Date, what: string): number {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) throw new RangeError(`${what} must be a valid Date`);
  return time;
}

function checkedTerm(term: string): CommitmentTerm {
  if (!isCommitmentTerm(term)) throw new RangeError(`term must be P1M, P1Y or P3Y, got ${JSON.stringify(term)}`);
  return term;
}

/** Parses a calendar date `YYYY-MM-DD`; RangeError if malformed or not a real date (2026-02-30). */
function parseDate(date: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(date);
  if (match === null) throw new RangeError(`date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`date is not a calendar date: ${date}`);
  }
  return { year, month, day };
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Plain Gregorian arithmetic: Date.UTC would read years 0–99 as 1900–1999.
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The UTC calendar date (`YYYY-MM-DD`) of an instant. RangeError for an invalid Date. */
export function utcDate(instant: Date): string {
  const time = checkedInstant(instant, 'instant');
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The term's anniversary: `startDate` plus the term's months, on the same day of the month, or the
 * month's last day where that day does not exist (2026-01-31 + P1M = 2026-02-28; 2024-02-29 + P1Y =
 * 2025-02-28; the month-end rule is ours, the sources being silent on it). The subscription renews on
 * this date. RangeError for a malformed date or unknown term.
 */
export function anniversaryDate(startDate: string, term: CommitmentTerm): string {
  const { year, month, day } = parseDate(startDate);
  const monthIndex = month - 1 + TERM_MONTHS[checkedTerm(term)];
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return formatDate(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/**
 * The last day of the term (inclusive; the whole UTC day belongs to the term): the day before the
 * anniversary, as the vendor's term end dates run (2023-03-01 ends a term renewed on 2023-03-02;
 * source `nceTermDates`). 2026-01-15 + P1Y ends 2027-01-14. RangeError as anniversaryDate.
 */
export function termEndDate(startDate: string, term: CommitmentTerm): string {
  const { year, month, day } = parseDate(anniversaryDate(startDate, term));
  if (day > 1) return formatDate(year, month, day - 1);
  const [previousYear, previousMonth] = month === 1 ? [year - 1, 12] : [year, month - 1];
  return formatDate(previousYear, previousMonth, daysInMonth(previousYear, previousMonth));
}

/** The instant the reduce-or-cancel window closes: `purchasedAt` + 168 h. RangeError for an invalid Date. */
export function cancellationWindowEnd(purchasedAt: Date): Date {
  return new Date(checkedInstant(purchasedAt, 'purchasedAt') + CANCELLATION_WINDOW_MS);
}

export interface CommitmentClock {
  readonly term: CommitmentTerm;
  /** Until this instant (exclusive) licenses can be reduced or the subscription cancelled. */
  readonly reduceOrCancelUntil: Date;
  readonly reduceOrCancelHours: number;
  /** First day of the term (UTC date of the purchase), `YYYY-MM-DD`. */
  readonly termStart: string;
  /** Last day of the term, inclusive, `YYYY-MM-DD`. */
  readonly termEnd: string;
  /** Day the subscription renews unless changed, `YYYY-MM-DD`. */
  readonly renewsOn: string;
}

/**
 * The commitment clock of a subscription bought at `purchasedAt` on `term`: the term starts on the
 * purchase's UTC date. RangeError for an invalid Date or unknown term.
 */
export function commitmentClock(term: CommitmentTerm, purchasedAt: Date): CommitmentClock {
  const termStart = utcDate(purchasedAt);
  return {
    term: checkedTerm(term),
    reduceOrCancelUntil: cancellationWindowEnd(purchasedAt),
    reduceOrCancelHours: CANCELLATION_WINDOW_HOURS,
    termStart,
    termEnd: termEndDate(termStart, term),
    renewsOn: anniversaryDate(termStart, term),
  };
}
