import * as z from 'zod/mini';
import { listUsageLocations, subscriptionsFor } from '../../shared/catalog/catalog.ts';
import { CATALOG_VERSION } from '../../shared/catalog/catalog-data.ts';
import { PRICE_LIST_VERSION, priceListFor, priceOptions, type UnitPrice } from '../../shared/catalog/price-lists.ts';
import { DEFAULT_BILLING_FREQUENCY, DEFAULT_TERM, termsFor } from '../../shared/catalog/terms.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import { negotiateLocale } from '../../shared/i18n/locale.ts';
import { acceptLanguageHeaders, usageLocationSchema } from '../../shared/schemas/common.ts';

/** The catalog is bundled data: these routes cost no database read, so they may be cached briefly. */
const CACHE_FOR_AN_HOUR = { 'cache-control': 'private, max-age=3600' };

export const getUsageLocations = partnerRoute({ headers: acceptLanguageHeaders }, async ({ headers }) => {
  const locale = negotiateLocale(headers['accept-language']);
  return json(
    200,
    { catalogVersion: CATALOG_VERSION, locale, usageLocations: listUsageLocations(locale) },
    { ...CACHE_FOR_AN_HOUR, 'content-language': locale, vary: 'Accept-Language' },
  );
});

/**
 * A list unit price as the catalog shows it: integer minor units of `currency`, per license per
 * month and per bill, with the vendor rule it was derived by (null: the listed base price); or
 * null with the reason there is none (`no_sourced_price`, `market_without_price_list`, …).
 */
function priceView(price: UnitPrice) {
  if (price.status === 'unpriced') return { price: null, priceUnavailableReason: price.reason };
  return {
    price: {
      currency: price.currency,
      monthlyUnitMinor: price.monthlyUnitMinor,
      perBillingPeriodMinor: price.perBillingPeriodMinor,
      billingPeriodMonths: price.billingPeriodMonths,
      derivedBy: price.derivedBy,
      effectiveFrom: price.effectiveFrom,
    },
  };
}

/** Per term the SKU is sold on (shortest first), its billing frequencies (up front first) with their prices. */
function termsView(usageLocation: string, sku: string) {
  const options = priceOptions(usageLocation, sku);
  return termsFor(sku).map((term) => ({
    term,
    billingOptions: options
      .filter((option) => option.term === term)
      .map((option) => ({ billingFrequency: option.billingFrequency, ...priceView(option.price) })),
  }));
}

export const getCatalog = partnerRoute({ query: z.object({ usageLocation: usageLocationSchema }) }, async ({ query }) =>
  json(
    200,
    {
      catalogVersion: CATALOG_VERSION,
      priceListVersion: PRICE_LIST_VERSION,
      usageLocation: query.usageLocation,
      // The market's billing currency; null where we hold no price list for it.
      currency: priceListFor(query.usageLocation)?.currency ?? null,
      defaultTerm: { term: DEFAULT_TERM, billingFrequency: DEFAULT_BILLING_FREQUENCY },
      subscriptions: subscriptionsFor(query.usageLocation).map(
        ({ countries: _countries, existingSubscribersOnly, ...subscription }) => ({
          ...subscription,
          // Always present, so a client can filter on it without guessing what absent means.
          existingSubscribersOnly: existingSubscribersOnly ?? false,
          terms: termsView(query.usageLocation, subscription.sku),
        }),
      ),
    },
    CACHE_FOR_AN_HOUR,
  ),
);

export const handler = routeGroup('catalog', {
  'GET /v1/usage-locations': getUsageLocations,
  'GET /v1/catalog': getCatalog,
});
