import * as z from 'zod/mini';
import { listUsageLocations, subscriptionsFor } from '../../shared/catalog/catalog.ts';
import { CATALOG_VERSION } from '../../shared/catalog/catalog-data.ts';
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

export const getCatalog = partnerRoute({ query: z.object({ usageLocation: usageLocationSchema }) }, async ({ query }) =>
  json(
    200,
    {
      catalogVersion: CATALOG_VERSION,
      usageLocation: query.usageLocation,
      subscriptions: subscriptionsFor(query.usageLocation).map(
        ({ countries: _countries, existingSubscribersOnly, ...subscription }) => ({
          ...subscription,
          // Always present, so a client can filter on it without guessing what absent means.
          existingSubscribersOnly: existingSubscribersOnly ?? false,
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
