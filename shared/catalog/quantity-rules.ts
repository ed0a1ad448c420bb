/**
 * Vendor quantity rules that span several lines of one purchase, as data with their source.
 * A rule caps the total licenses of a group of SKUs in one customer tenant; checkQuantityRules says
 * which rules a set of lines breaks, naming the lines and the limit.
 */
import type { SourceId } from './sources.ts';

export interface QuantityRule {
  readonly id: 'business-family-seat-cap';
  readonly description: string;
  /** The SKUs whose licenses count towards the cap. */
  readonly skus: readonly string[];
  /** Most licenses the SKUs may hold together in one tenant. */
  readonly maxTotalLicenses: number;
  readonly sources: readonly SourceId[];
  /** ISO 8601 date the vendor wording was read (the vendor gives no start date for it). */
  readonly wordingReadOn: string;
}

/**
 * The vendor allows at most 300 seats in total across the Microsoft 365 Business family in one tenant
 * (source `businessFamilySeatCap`, read 2026-11-30): Business Basic, Standard and Premium, which
 * includes their "(no Teams)" editions, sold under the same plan names; and Apps for business, which
 * a partner page counts in the same cap (source `businessFamilyAppsForBusiness`, read 2026-11-30).
 * An offer holds one purchase, so its lines must fit the cap together; licenses the customer already
 * holds are not known here.
 */
export const BUSINESS_FAMILY_SEAT_CAP: QuantityRule = Object.freeze({
  id: 'business-family-seat-cap',
  description: 'At most 300 licenses in total across the Microsoft 365 Business plans in one tenant.',
  skus: Object.freeze([
    'M365_BUSINESS_BASIC',
    'M365_BUSINESS_BASIC_NO_TEAMS',
    'M365_BUSINESS_STANDARD',
    'M365_BUSINESS_STANDARD_NO_TEAMS',
    'M365_BUSINESS_PREMIUM',
    'M365_BUSINESS_PREMIUM_NO_TEAMS',
    'M365_APPS_FOR_BUSINESS',
  ]),
  maxTotalLicenses: 300,
  sources: Object.freeze(['businessFamilySeatCap', 'businessFamilyAppsForBusiness'] as const),
  wordingReadOn: '2026-11-30',
});

export const QUANTITY_RULES: readonly QuantityRule[] = Object.freeze([BUSINESS_FAMILY_SEAT_CAP]);

export interface QuantityLine {
  readonly sku: string;
  /** Whole number of licenses. */
  readonly licenses: number;
}

export interface QuantityViolation {
  readonly ruleId: QuantityRule['id'];
  /** The rule's cap. */
  readonly limit: number;
  /** Licenses the lines hold together under the rule. */
  readonly total: number;
  /** The lines that hold licenses under the rule (index into the input, in input order). */
  readonly lines: readonly { readonly index: number; readonly sku: string; readonly licenses: number }[];
}

/**
 * The rules `lines` break together, in rule order; empty when all fit. A rule is broken when the
 * licenses of its SKUs add up to more than its cap; the violation names the lines that hold any of
 * them (a line at 0 licenses adds nothing and is not named). Lines of other SKUs are ignored. Pure.
 * Throws RangeError for a license count that is not a whole number of 0 or more.
 */
export function checkQuantityRules(
  lines: readonly QuantityLine[],
  rules: readonly QuantityRule[] = QUANTITY_RULES,
): QuantityViolation[] {
  for (const [index, line] of lines.entries()) {
    if (!Number.isSafeInteger(line.licenses) || line.licenses < 0) {
      throw new RangeError(`lines[${index}].licenses must be a whole number of 0 or more, got ${line.licenses}`);
    }
  }
  const violations: QuantityViolation[] = [];
  for (const rule of rules) {
    const counted = lines
      .map((line, index) => ({ index, sku: line.sku, licenses: line.licenses }))
      .filter((line) => line.licenses > 0 && rule.skus.includes(line.sku));
    const total = counted.reduce((sum, line) => sum + line.licenses, 0);
    if (total > rule.maxTotalLicenses) {
      violations.push({ ruleId: rule.id, limit: rule.maxTotalLicenses, total, lines: counted });
    }
  }
  return violations;
}
