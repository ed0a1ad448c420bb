/**
 * The subscription catalog, bundled into the functions so catalog queries cost no database read.
 *
 * This is a snapshot of Microsoft's commercial offer, not a live feed. To change it, edit the data
 * below and bump CATALOG_VERSION in the same commit: the version is reported to API clients so they
 * can tell when a cached catalog is stale, and offers record the version they were created against.
 */
export const CATALOG_VERSION = '2026-11-25';

export type SubscriptionFamily =
  | 'microsoft-365'
  | 'office-365'
  | 'exchange'
  | 'teams'
  | 'visio'
  | 'project'
  | 'power-platform'
  | 'security'
  | 'copilot';

export interface Subscription {
  /** Stable id, upper snake case; stored on offers, so never rename one. */
  readonly sku: string;
  readonly name: string;
  readonly family: SubscriptionFamily;
  readonly minLicenses: number;
  readonly maxLicenses: number;
  /** ISO 3166-1 alpha-2 usage locations where the subscription is sold. */
  readonly countries: readonly string[];
  /**
   * Sold only to customers who already subscribe to it (adding licenses), not to new ones: the
   * enterprise suites with Teams since 2024-04-01.
   */
  readonly existingSubscribersOnly?: true;
}

/** The usage locations this service supports (ISO 3166-1 alpha-2), a subset of where Microsoft sells. */
export const USAGE_LOCATION_CODES: readonly string[] = Object.freeze([
  // Americas
  'AR',
  'BR',
  'CA',
  'CL',
  'CO',
  'EC',
  'MX',
  'PE',
  'US',
  'UY',
  // Europe
  'AT',
  'BE',
  'CH',
  'CZ',
  'DE',
  'DK',
  'ES',
  'FI',
  'FR',
  'GB',
  'GR',
  'HU',
  'IE',
  'IT',
  'LU',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'TR',
  // Asia-Pacific
  'AU',
  'IN',
  'JP',
  'KR',
  'MY',
  'NZ',
  'SG',
  // Middle East and Africa
  'AE',
  'IL',
  'SA',
  'ZA',
]);

/**
 * EU 27 + the EEA EFTA states (IS, LI, NO) + Switzerland: the region covered by Microsoft's Teams
 * unbundling (new subscriptions of suites with Teams stopped being sold there on 2023-10-01).
 * Listed in full, not just the supported ones, so adding a usage location cannot silently sell a
 * with-Teams suite in, say, Bulgaria.
 */
export const EEA_AND_SWITZERLAND: readonly string[] = Object.freeze([
  // EU 27
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
  // EEA EFTA states
  'IS',
  'LI',
  'NO',
  // Switzerland (not EEA, but covered by the same unbundling)
  'CH',
]);

const eeaAndSwitzerland = new Set(EEA_AND_SWITZERLAND);

const ALL: readonly string[] = USAGE_LOCATION_CODES;
const OUTSIDE_EEA_AND_SWITZERLAND: readonly string[] = Object.freeze(
  USAGE_LOCATION_CODES.filter((code) => !eeaAndSwitzerland.has(code)),
);

/**
 * Suites "(no Teams)" are sold in every supported location, not only in the EEA and Switzerland:
 * Microsoft has offered them worldwide since 2024-04-01. Outside the EEA and Switzerland the
 * Business and Frontline suites are still sold with Teams too; the Enterprise suites with Teams
 * (Microsoft 365 E3/E5, Office 365 E1/E3/E5) only to customers who already have them, which a
 * purchase offer for more licenses may still serve (see existingSubscribersOnly).
 */
const NO_TEAMS_COUNTRIES = ALL;
const WITH_TEAMS_COUNTRIES = OUTSIDE_EEA_AND_SWITZERLAND;

/** Microsoft's hard limit for Business plans (and the SMB products aimed at them). */
const BUSINESS_MAX_LICENSES = 300;
/**
 * Enterprise plans have no Microsoft seat cap; this bounds a single purchase offer so a typo
 * cannot produce a 1,000,000-seat offer. Larger deals go through the partner's own channel.
 */
const ENTERPRISE_MAX_LICENSES = 10_000;

function business(sku: string, name: string, family: SubscriptionFamily, countries: readonly string[]): Subscription {
  return { sku, name, family, minLicenses: 1, maxLicenses: BUSINESS_MAX_LICENSES, countries };
}

function enterprise(sku: string, name: string, family: SubscriptionFamily, countries: readonly string[]): Subscription {
  return { sku, name, family, minLicenses: 1, maxLicenses: ENTERPRISE_MAX_LICENSES, countries };
}

/** An Enterprise suite with Teams: more licenses for existing subscribers, outside the EEA and Switzerland. */
function enterpriseWithTeams(sku: string, name: string, family: SubscriptionFamily): Subscription {
  return { ...enterprise(sku, name, family, WITH_TEAMS_COUNTRIES), existingSubscribersOnly: true };
}

export const SUBSCRIPTIONS: readonly Subscription[] = Object.freeze(
  [
    // Microsoft 365 for business
    business('M365_BUSINESS_BASIC', 'Microsoft 365 Business Basic', 'microsoft-365', WITH_TEAMS_COUNTRIES),
    business(
      'M365_BUSINESS_BASIC_NO_TEAMS',
      'Microsoft 365 Business Basic (no Teams)',
      'microsoft-365',
      NO_TEAMS_COUNTRIES,
    ),
    business('M365_BUSINESS_STANDARD', 'Microsoft 365 Business Standard', 'microsoft-365', WITH_TEAMS_COUNTRIES),
    business(
      'M365_BUSINESS_STANDARD_NO_TEAMS',
      'Microsoft 365 Business Standard (no Teams)',
      'microsoft-365',
      NO_TEAMS_COUNTRIES,
    ),
    business('M365_BUSINESS_PREMIUM', 'Microsoft 365 Business Premium', 'microsoft-365', WITH_TEAMS_COUNTRIES),
    business(
      'M365_BUSINESS_PREMIUM_NO_TEAMS',
      'Microsoft 365 Business Premium (no Teams)',
      'microsoft-365',
      NO_TEAMS_COUNTRIES,
    ),
    business('M365_APPS_FOR_BUSINESS', 'Microsoft 365 Apps for business', 'microsoft-365', ALL),

    // Microsoft 365 for enterprise and frontline
    enterprise('M365_APPS_FOR_ENTERPRISE', 'Microsoft 365 Apps for enterprise', 'microsoft-365', ALL),
    enterpriseWithTeams('M365_E3', 'Microsoft 365 E3', 'microsoft-365'),
    enterprise('M365_E3_NO_TEAMS', 'Microsoft 365 E3 (no Teams)', 'microsoft-365', NO_TEAMS_COUNTRIES),
    enterpriseWithTeams('M365_E5', 'Microsoft 365 E5', 'microsoft-365'),
    enterprise('M365_E5_NO_TEAMS', 'Microsoft 365 E5 (no Teams)', 'microsoft-365', NO_TEAMS_COUNTRIES),
    enterprise('M365_F1', 'Microsoft 365 F1', 'microsoft-365', WITH_TEAMS_COUNTRIES),
    enterprise('M365_F1_NO_TEAMS', 'Microsoft 365 F1 (no Teams)', 'microsoft-365', NO_TEAMS_COUNTRIES),
    enterprise('M365_F3', 'Microsoft 365 F3', 'microsoft-365', WITH_TEAMS_COUNTRIES),
    enterprise('M365_F3_NO_TEAMS', 'Microsoft 365 F3 (no Teams)', 'microsoft-365', NO_TEAMS_COUNTRIES),

    // Office 365
    enterpriseWithTeams('O365_E1', 'Office 365 E1', 'office-365'),
    enterprise('O365_E1_NO_TEAMS', 'Office 365 E1 (no Teams)', 'office-365', NO_TEAMS_COUNTRIES),
    enterpriseWithTeams('O365_E3', 'Office 365 E3', 'office-365'),
    enterprise('O365_E3_NO_TEAMS', 'Office 365 E3 (no Teams)', 'office-365', NO_TEAMS_COUNTRIES),
    enterpriseWithTeams('O365_E5', 'Office 365 E5', 'office-365'),
    enterprise('O365_E5_NO_TEAMS', 'Office 365 E5 (no Teams)', 'office-365', NO_TEAMS_COUNTRIES),

    // Exchange
    enterprise('EXCHANGE_ONLINE_PLAN_1', 'Exchange Online (Plan 1)', 'exchange', ALL),
    enterprise('EXCHANGE_ONLINE_PLAN_2', 'Exchange Online (Plan 2)', 'exchange', ALL),
    enterprise('EXCHANGE_ONLINE_KIOSK', 'Exchange Online Kiosk', 'exchange', ALL),

    // Teams: Essentials is Microsoft's standalone Teams for small businesses, capped like Business plans;
    // Teams Enterprise is the standalone that pairs with the "(no Teams)" suites.
    business('TEAMS_ESSENTIALS', 'Microsoft Teams Essentials', 'teams', ALL),
    enterprise('TEAMS_ENTERPRISE', 'Microsoft Teams Enterprise', 'teams', ALL),

    // Visio
    enterprise('VISIO_PLAN_1', 'Visio Plan 1', 'visio', ALL),
    enterprise('VISIO_PLAN_2', 'Visio Plan 2', 'visio', ALL),

    // Project
    enterprise('PROJECT_PLAN_1', 'Project Plan 1', 'project', ALL),
    enterprise('PROJECT_PLAN_3', 'Project Plan 3', 'project', ALL),
    enterprise('PROJECT_PLAN_5', 'Project Plan 5', 'project', ALL),

    // Power Platform
    enterprise('POWER_BI_PRO', 'Power BI Pro', 'power-platform', ALL),
    enterprise('POWER_BI_PREMIUM_PER_USER', 'Power BI Premium Per User', 'power-platform', ALL),
    enterprise('POWER_AUTOMATE_PREMIUM', 'Power Automate Premium', 'power-platform', ALL),

    // Security and identity: Defender for Business carries Microsoft's 300-user limit.
    business('DEFENDER_FOR_BUSINESS', 'Microsoft Defender for Business', 'security', ALL),
    enterprise('DEFENDER_FOR_OFFICE_365_PLAN_1', 'Microsoft Defender for Office 365 (Plan 1)', 'security', ALL),
    enterprise('ENTRA_ID_P1', 'Microsoft Entra ID P1', 'security', ALL),
    enterprise('INTUNE_PLAN_1', 'Microsoft Intune Plan 1', 'security', ALL),

    // Copilot: the 300-seat minimum was dropped in January 2024.
    enterprise('M365_COPILOT', 'Microsoft 365 Copilot', 'copilot', ALL),
  ].map((subscription) => Object.freeze(subscription)),
);
