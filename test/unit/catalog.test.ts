import {
  findSubscription,
  isUsageLocation,
  listUsageLocations,
  subscriptionsFor,
} from '../../shared/catalog/catalog.ts';
import {
  CATALOG_VERSION,
  EEA_AND_SWITZERLAND,
  SUBSCRIPTIONS,
  USAGE_LOCATION_CODES,
} from '../../shared/catalog/catalog-data.ts';

const skus = (list: readonly { sku: string }[]): string[] => list.map((subscription) => subscription.sku);

/** The catalog's subscriptions, in the order of its data file. */
const ALL_SKUS = [
  'M365_BUSINESS_BASIC',
  'M365_BUSINESS_BASIC_NO_TEAMS',
  'M365_BUSINESS_STANDARD',
  'M365_BUSINESS_STANDARD_NO_TEAMS',
  'M365_BUSINESS_PREMIUM',
  'M365_BUSINESS_PREMIUM_NO_TEAMS',
  'M365_APPS_FOR_BUSINESS',
  'M365_APPS_FOR_ENTERPRISE',
  'M365_E3',
  'M365_E3_NO_TEAMS',
  'M365_E5',
  'M365_E5_NO_TEAMS',
  'M365_F1',
  'M365_F1_NO_TEAMS',
  'M365_F3',
  'M365_F3_NO_TEAMS',
  'O365_E1',
  'O365_E1_NO_TEAMS',
  'O365_E3',
  'O365_E3_NO_TEAMS',
  'O365_E5',
  'O365_E5_NO_TEAMS',
  'EXCHANGE_ONLINE_PLAN_1',
  'EXCHANGE_ONLINE_PLAN_2',
  'EXCHANGE_ONLINE_KIOSK',
  'TEAMS_ESSENTIALS',
  'TEAMS_ENTERPRISE',
  'VISIO_PLAN_1',
  'VISIO_PLAN_2',
  'PROJECT_PLAN_1',
  'PROJECT_PLAN_3',
  'PROJECT_PLAN_5',
  'POWER_BI_PRO',
  'POWER_BI_PREMIUM_PER_USER',
  'POWER_AUTOMATE_PREMIUM',
  'DEFENDER_FOR_BUSINESS',
  'DEFENDER_FOR_OFFICE_365_PLAN_1',
  'ENTRA_ID_P1',
  'INTUNE_PLAN_1',
  'M365_COPILOT',
];

describe('catalog data', () => {
  it('carries a dated version', () => {
    expect(CATALOG_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('has its 40 subscriptions, with unique upper-snake-case SKUs', () => {
    const all = skus(SUBSCRIPTIONS);

    expect(all).toEqual(ALL_SKUS);
    expect(new Set(all).size).toBe(40);
    for (const sku of all) expect(sku).toMatch(/^[A-Z0-9]+(?:_[A-Z0-9]+)*$/);
  });

  it('gives every subscription a license range of at least 1 with min <= max', () => {
    for (const subscription of SUBSCRIPTIONS) {
      expect(Number.isInteger(subscription.minLicenses)).toBe(true);
      expect(Number.isInteger(subscription.maxLicenses)).toBe(true);
      expect(subscription.minLicenses).toBeGreaterThanOrEqual(1);
      expect(subscription.minLicenses).toBeLessThanOrEqual(subscription.maxLicenses);
    }
  });

  it('caps every Business plan at 300 licenses', () => {
    const businessPlans = SUBSCRIPTIONS.filter((subscription) => /\bbusiness\b/i.test(subscription.name));

    expect(skus(businessPlans)).toEqual(
      expect.arrayContaining([
        'M365_BUSINESS_BASIC',
        'M365_BUSINESS_STANDARD',
        'M365_BUSINESS_PREMIUM',
        'M365_APPS_FOR_BUSINESS',
      ]),
    );
    for (const plan of businessPlans) expect(plan.maxLicenses).toBe(300);
  });

  it('sells every subscription somewhere, only in supported usage locations', () => {
    const supported = new Set(USAGE_LOCATION_CODES);

    for (const subscription of SUBSCRIPTIONS) {
      expect(subscription.countries.length).toBeGreaterThan(0);
      for (const code of subscription.countries) expect(supported.has(code)).toBe(true);
    }
  });

  it('lists supported usage locations as unique ISO alpha-2 codes', () => {
    // The Americas, Europe, Asia-Pacific, the Middle East and Africa, in the data file's order.
    expect(USAGE_LOCATION_CODES).toEqual([
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
      'AU',
      'IN',
      'JP',
      'KR',
      'MY',
      'NZ',
      'SG',
      'AE',
      'IL',
      'SA',
      'ZA',
    ]);
    expect(new Set(USAGE_LOCATION_CODES).size).toBe(43);
    for (const code of USAGE_LOCATION_CODES) expect(code).toMatch(/^[A-Z]{2}$/);
  });

  it('defines the EEA plus Switzerland as the EU 27, Iceland, Liechtenstein, Norway and Switzerland', () => {
    expect(new Set(EEA_AND_SWITZERLAND).size).toBe(31);
    expect(EEA_AND_SWITZERLAND).toEqual(expect.arrayContaining(['DE', 'FR', 'IS', 'LI', 'NO', 'CH']));
    expect(EEA_AND_SWITZERLAND).not.toContain('GB');
  });

  it('never sells a suite with Teams in the EEA or Switzerland', () => {
    const eea = new Set(EEA_AND_SWITZERLAND);
    const withTeams = SUBSCRIPTIONS.filter((subscription) => findSubscription(`${subscription.sku}_NO_TEAMS`));

    expect(skus(withTeams)).toEqual([
      'M365_BUSINESS_BASIC',
      'M365_BUSINESS_STANDARD',
      'M365_BUSINESS_PREMIUM',
      'M365_E3',
      'M365_E5',
      'M365_F1',
      'M365_F3',
      'O365_E1',
      'O365_E3',
      'O365_E5',
    ]);
    for (const suite of withTeams) {
      expect(suite.countries.filter((code) => eea.has(code))).toEqual([]);
    }
  });
});

describe('Teams unbundling outside Europe (2024-04-01)', () => {
  it('sells the Enterprise suites with Teams only to existing subscribers, and their no-Teams twins to anyone', () => {
    for (const sku of ['M365_E3', 'M365_E5', 'O365_E1', 'O365_E3', 'O365_E5']) {
      expect([sku, findSubscription(sku)?.existingSubscribersOnly]).toEqual([sku, true]);
      expect([sku, findSubscription(`${sku}_NO_TEAMS`)?.existingSubscribersOnly]).toEqual([sku, undefined]);
    }
  });

  it('still sells Business and Frontline suites with Teams to new customers outside Europe', () => {
    for (const sku of ['M365_BUSINESS_BASIC', 'M365_BUSINESS_PREMIUM', 'M365_F1', 'M365_F3']) {
      const suite = findSubscription(sku);
      expect([sku, suite?.existingSubscribersOnly]).toEqual([sku, undefined]);
      expect(suite?.countries).toContain('BR');
    }
  });
});

describe('isUsageLocation', () => {
  it.each(['BR', 'US', 'DE', 'GB', 'CH'])('accepts %s', (code) => {
    expect(isUsageLocation(code)).toBe(true);
  });

  it.each(['ZZ', 'br', 'brazil', 'Brazil', '', ' BR', 'BRA'])('rejects %j', (code) => {
    expect(isUsageLocation(code)).toBe(false);
  });
});

describe('subscriptionsFor', () => {
  it('returns every subscription in Brazil (outside Europe), the suites with Teams included', () => {
    const result = subscriptionsFor('BR');

    expect(skus(result).sort()).toEqual([...ALL_SKUS].sort());
    expect(skus(result)).toContain('M365_BUSINESS_BASIC');
  });

  it('offers Germany Business Standard without Teams but not with Teams', () => {
    const result = skus(subscriptionsFor('DE'));

    expect(result).toContain('M365_BUSINESS_STANDARD_NO_TEAMS');
    expect(result).toContain('TEAMS_ENTERPRISE');
    expect(result).not.toContain('M365_BUSINESS_STANDARD');
    expect(result).not.toContain('O365_E3');
  });

  it('treats the UK as outside the EEA', () => {
    expect(skus(subscriptionsFor('GB'))).toContain('M365_BUSINESS_STANDARD');
  });

  it('returns subscriptions ordered by name', () => {
    const names = subscriptionsFor('US').map((subscription) => subscription.name);

    expect(names).toEqual([...names].sort());
  });

  it('returns nothing for an unsupported or differently cased location', () => {
    expect(subscriptionsFor('ZZ')).toEqual([]);
    expect(subscriptionsFor('br')).toEqual([]);
  });

  it('returns a fresh array each call', () => {
    const first = subscriptionsFor('BR');
    first.length = 0;

    expect(skus(subscriptionsFor('BR')).sort()).toEqual([...ALL_SKUS].sort());
  });
});

describe('findSubscription', () => {
  it('finds a subscription by SKU', () => {
    const result = findSubscription('M365_BUSINESS_PREMIUM');

    expect(result?.name).toBe('Microsoft 365 Business Premium');
    expect(result?.maxLicenses).toBe(300);
  });

  it('returns undefined for an unknown or differently cased SKU', () => {
    expect(findSubscription('NOPE')).toBeUndefined();
    expect(findSubscription('m365_business_premium')).toBeUndefined();
  });
});

describe('listUsageLocations', () => {
  const nameOf = (list: { code: string; name: string }[], code: string) => list.find((l) => l.code === code)?.name;

  it('names locations in Brazilian Portuguese', () => {
    const result = listUsageLocations('pt-BR');

    expect(nameOf(result, 'BR')).toBe('Brasil');
    expect(nameOf(result, 'US')).toBe('Estados Unidos');
    expect(nameOf(result, 'DE')).toBe('Alemanha');
  });

  it('names locations in English', () => {
    const result = listUsageLocations('en');

    expect(nameOf(result, 'DE')).toBe('Germany');
    expect(nameOf(result, 'BR')).toBe('Brazil');
  });

  it('lists every supported location exactly once', () => {
    const result = listUsageLocations('en');

    expect(result.map((l) => l.code).sort()).toEqual([...USAGE_LOCATION_CODES].sort());
  });

  it.each(['en', 'pt-BR'] as const)('sorts by the localized name in %s', (locale) => {
    const collator = new Intl.Collator(locale);

    const names = listUsageLocations(locale).map((l) => l.name);

    expect(names).toEqual([...names].sort(collator.compare));
  });

  it('orders by localized name, not by code', () => {
    // Alemanha (DE) precedes Argentina only in Portuguese; Áustria must sort with the As, which a
    // code-point sort would get wrong by putting 'Á' after 'Z'.
    const pt = listUsageLocations('pt-BR').map((l) => l.code);
    const en = listUsageLocations('en').map((l) => l.code);

    expect(pt.indexOf('DE')).toBeLessThan(pt.indexOf('AR'));
    expect(pt.indexOf('AT')).toBeLessThan(pt.indexOf('BE'));
    expect(en.indexOf('DE')).toBeGreaterThan(en.indexOf('AR'));
  });

  it('returns a copy, so callers cannot corrupt the cached list', () => {
    const first = listUsageLocations('en');
    first.reverse();

    expect(listUsageLocations('en')).not.toEqual(first);
    expect(listUsageLocations('en')[0]?.name).toBe('Argentina');
  });
});
