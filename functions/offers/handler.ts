import { CATALOG_VERSION } from '../../shared/catalog/catalog-data.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { tableFromEnv } from '../../shared/db/client.ts';
import { DynamoOfferStore } from '../../shared/db/offer-store.ts';
import { OffersService } from '../../shared/domain/offers-service.ts';
import { json, partnerRoute, routeGroup } from '../../shared/http/route.ts';
import type { ApiHandler } from '../../shared/http/types.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { offerUrl, offerView } from '../../shared/render/offer-view.ts';
import { createOfferBody, createOfferHeaders, deactivateBody, summaryIdPath } from '../../shared/schemas/offers.ts';

/** Read once at cold start: a missing variable fails the start, not a request. */
const PUBLIC_BASE_URL = requiredEnv('PUBLIC_BASE_URL');
export const table = tableFromEnv();

const service = new OffersService({
  store: new DynamoOfferStore(table),
  catalogVersion: CATALOG_VERSION,
  presentCreated: (offer, now) => ({
    ...offerView(offer, PUBLIC_BASE_URL, now),
    message: buildOfferMessage(offer, offer.locale, offerUrl(PUBLIC_BASE_URL, offer.summaryId)),
  }),
});

export const createOffer = partnerRoute(
  { headers: createOfferHeaders, body: createOfferBody },
  async ({ partnerId, headers, body }) => {
    const result = await service.create(partnerId, body, headers['idempotency-key']);
    return {
      statusCode: result.statusCode,
      headers: {
        'content-type': 'application/json',
        ...(result.location ? { location: result.location } : {}),
        ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
      body: result.body,
    };
  },
);

const deactivate = partnerRoute({ path: summaryIdPath, body: deactivateBody }, async ({ partnerId, path, body }) => {
  const offer = await service.deactivate(partnerId, path.summaryId, body.message);
  return json(200, offerView(offer, PUBLIC_BASE_URL, new Date()));
});

/** The body is optional here: no body means "no message", sent to the validator as `{}`. */
export const deactivateOffer: ApiHandler = (event, context) =>
  deactivate(
    event.body === undefined || event.body === null || event.body.trim() === ''
      ? {
          ...event,
          body: '{}',
          isBase64Encoded: false,
          headers: { ...event.headers, 'content-type': 'application/json' },
        }
      : event,
    context,
  );

export const handler = routeGroup({
  'POST /v1/offers': createOffer,
  'POST /v1/offers/{summaryId}/deactivate': deactivateOffer,
});
