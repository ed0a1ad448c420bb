import {
  anniversaryDate,
  CANCELLATION_POLICY,
  CANCELLATION_WINDOW_HOURS,
  CANCELLATION_WINDOW_MS,
  cancellationWindowEnd,
  commitmentClock,
  termEndDate,
  utcDate,
} from '../../shared/catalog/commitment.ts';
import { SOURCES } from '../../shared/catalog/sources.ts';

describe('cancellation window', () => {
  it('is 7 days (168 hours) after the purchase', () => {
    // Arrange
    const purchasedAt = new Date('2026-11-30T14:05:00.000Z');

    // Act
    const closesAt = cancellationWindowEnd(purchasedAt);

    // Assert
    expect(CANCELLATION_WINDOW_HOURS).toBe(168);
    expect(CANCELLATION_WINDOW_MS).toBe(604_800_000);
    expect(closesAt.toISOString()).toBe('2026-12-07T14:05:00.000Z');
  });

  it('has been the rule since 2022-07-11, on a vendor source among others', () => {
    expect(CANCELLATION_POLICY.effectiveFrom).toBe('2022-07-11');
    expect(CANCELLATION_POLICY.sources.map((id) => SOURCES[id].kind)).toContain('vendor');
  });

  it('rejects an invalid date', () => {
    expect(() => cancellationWindowEnd(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('anniversaryDate and termEndDate', () => {
  it('ends a one-year term the day before the anniversary', () => {
    expect(anniversaryDate('2026-01-15', 'P1Y')).toBe('2027-01-15');
    expect(termEndDate('2026-01-15', 'P1Y')).toBe('2027-01-14');
  });

  it('ends a monthly term on the day before the same day next month, across a year end', () => {
    expect(anniversaryDate('2026-12-10', 'P1M')).toBe('2027-01-10');
    expect(termEndDate('2026-12-10', 'P1M')).toBe('2027-01-09');
  });

  it('moves a month-end start to the last day of a shorter month', () => {
    expect(anniversaryDate('2026-01-31', 'P1M')).toBe('2026-02-28');
    expect(termEndDate('2026-01-31', 'P1M')).toBe('2026-02-27');
    expect(anniversaryDate('2028-01-31', 'P1M')).toBe('2028-02-29');
    expect(anniversaryDate('2026-03-31', 'P1M')).toBe('2026-04-30');
  });

  it('handles leap days: 29 February to 28 February, and a term that ends on 29 February', () => {
    expect(anniversaryDate('2024-02-29', 'P1Y')).toBe('2025-02-28');
    expect(termEndDate('2024-02-29', 'P1Y')).toBe('2025-02-27');
    expect(termEndDate('2023-03-01', 'P1Y')).toBe('2024-02-29');
    expect(termEndDate('2025-03-01', 'P1Y')).toBe('2026-02-28');
  });

  it('ends a term renewing on 1 January on 31 December', () => {
    expect(termEndDate('2026-01-01', 'P1Y')).toBe('2026-12-31');
  });

  it('counts 1900 as a common year and 2000 as a leap year', () => {
    expect(anniversaryDate('1900-01-31', 'P1M')).toBe('1900-02-28');
    expect(anniversaryDate('2000-01-31', 'P1M')).toBe('2000-02-29');
  });

  it('ends a three-year term after 36 months', () => {
    expect(anniversaryDate('2024-02-29', 'P3Y')).toBe('2027-02-28');
    expect(termEndDate('2026-11-30', 'P3Y')).toBe('2029-11-29');
  });

  it('rejects malformed dates, impossible dates and unknown terms', () => {
    expect(() => termEndDate('2026-2-01', 'P1Y')).toThrow(RangeError);
    expect(() => termEndDate('2026-02-30', 'P1Y')).toThrow(RangeError);
    expect(() => termEndDate('2025-02-29', 'P1Y')).toThrow(RangeError);
    // @ts-expect-error an unknown term from outside the type system
    expect(() => termEndDate('2026-01-01', 'P2Y')).toThrow(RangeError);
  });
});

describe('commitmentClock', () => {
  it('starts the term on the purchase date in UTC and gives the window, end and renewal', () => {
    // Arrange: 23:30 in São Paulo on 30 November is already 1 December in UTC.
    const purchasedAt = new Date('2026-12-01T02:30:00.000Z');

    // Act
    const clock = commitmentClock('P1Y', purchasedAt);

    // Assert
    expect(clock).toEqual({
      term: 'P1Y',
      reduceOrCancelUntil: new Date('2026-12-08T02:30:00.000Z'),
      reduceOrCancelHours: 168,
      termStart: '2026-12-01',
      termEnd: '2027-11-30',
      renewsOn: '2027-12-01',
    });
  });

  it('gives a monthly term bought on 31 January a February end', () => {
    const clock = commitmentClock('P1M', new Date('2027-01-31T10:00:00.000Z'));

    expect(clock).toMatchObject({ termStart: '2027-01-31', termEnd: '2027-02-27', renewsOn: '2027-02-28' });
  });

  it('reads the UTC date of an instant', () => {
    expect(utcDate(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12-31');
  });
});
