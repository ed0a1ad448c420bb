import type { Locale } from '../i18n/locale.ts';
import { SUBSCRIPTIONS, type Subscription, USAGE_LOCATION_CODES } from './catalog-data.ts';

export interface UsageLocation {
  code: string;
  name: string;
}

const usageLocations = new Set(USAGE_LOCATION_CODES);
const subscriptionsBySku = new Map(SUBSCRIPTIONS.map((subscription) => [subscription.sku, subscription]));

// A fixed, locale-independent order: the API returns the same sequence whatever the caller's language.
const subscriptionsByName: readonly Subscription[] = [...SUBSCRIPTIONS].sort((a, b) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
);

// Lambda reuses the module between invocations, so localized lists are built once per locale.
const usageLocationsByLocale = new Map<Locale, readonly UsageLocation[]>();

/** Exact match only: callers normalise input themselves, so 'br' or 'Brazil' are rejected, not guessed. */
export function isUsageLocation(code: string): boolean {
  return usageLocations.has(code);
}

export function listUsageLocations(locale: Locale): UsageLocation[] {
  let list = usageLocationsByLocale.get(locale);
  if (list === undefined) {
    const displayNames = new Intl.DisplayNames([locale], { type: 'region' });
    const collator = new Intl.Collator(locale);
    list = USAGE_LOCATION_CODES.map((code) => Object.freeze({ code, name: displayNames.of(code) ?? code })).sort(
      (a, b) => collator.compare(a.name, b.name),
    );
    usageLocationsByLocale.set(locale, list);
  }
  // A copy, so a caller that sorts or filters the result cannot corrupt the cached list.
  return [...list];
}

export function subscriptionsFor(usageLocation: string): Subscription[] {
  return subscriptionsByName.filter((subscription) => subscription.countries.includes(usageLocation));
}

export function findSubscription(sku: string): Subscription | undefined {
  return subscriptionsBySku.get(sku);
}
