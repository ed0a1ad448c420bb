import { requiredEnv } from '../../shared/config/env.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { OfferQueries } from '../../shared/domain/offer-queries.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { offerUrl, offerView } from '../../shared/render/offer-view.ts';
import { acceptanceView, encodeAcceptanceCursor, listAcceptancesQuery } from '../../shared/schemas/acceptances.ts';
import { encodeCursor, listOffersQuery, messageQuery, summaryIdPath } from '../../shared/schemas/offers.ts';

/** Read-only routes: this function's role may only read the table. */
const PUBLIC_BASE_URL = requiredEnv('PUBLIC_BASE_URL');
export const table = sdkTableFromEnv();

const queries = new OfferQueries({ store: new DynamoOfferStore(table) });

export const listOffers = partnerRoute({ query: listOffersQuery }, async ({ partnerId, query }) => {
  // One instant for the filter and for each offer's status: an offer expiring between two clock
  // reads would otherwise be listed under ?status=expired and shown as active (or the reverse).
  const now = new Date();
  const page = await queries.list(partnerId, {
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.cursor ? { after: query.cursor } : {}),
    ...(query.status ? { status: query.status } : {}),
    now,
  });
  return json(200, {
    offers: page.offers.map((offer) => offerView(offer, PUBLIC_BASE_URL, now)),
    ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
  });
});

export const getOffer = partnerRoute({ path: summaryIdPath }, async ({ partnerId, path }) => {
  const offer = await queries.get(partnerId, path.summaryId);
  return json(200, offerView(offer, PUBLIC_BASE_URL, new Date()));
});

export const getOfferMessage = partnerRoute(
  { path: summaryIdPath, query: messageQuery },
  async ({ partnerId, path, query }) => {
    const offer = await queries.get(partnerId, path.summaryId);
    const locale = query.locale ?? offer.locale;
    return json(
      200,
      { summaryId: offer.summaryId, ...buildOfferMessage(offer, locale, offerUrl(PUBLIC_BASE_URL, offer.summaryId)) },
      { 'content-language': locale },
    );
  },
);

export const getOfferQr = partnerRoute({ path: summaryIdPath }, async ({ partnerId, path }) => {
  const offer = await queries.get(partnerId, path.summaryId);
  // Loaded on first use: the QR encoder is the largest module here and only this route needs it.
  const { qrSvg } = await import('../../shared/render/qr.ts');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      // The link never changes, but the route is partner-only: private caching.
      'cache-control': 'private, max-age=86400',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: qrSvg(offerUrl(PUBLIC_BASE_URL, offer.summaryId)),
  };
});

const acceptanceReader = new DynamoCustomerResponseStore(table);

/** The offer's acceptances, oldest first, for the partner that owns it (another partner's offer is a 404). */
export const listAcceptances = partnerRoute(
  { path: summaryIdPath, query: listAcceptancesQuery },
  async ({ partnerId, path, query }) => {
    const offer = await queries.get(partnerId, path.summaryId);
    const page = await acceptanceReader.listAcceptances(offer.summaryId, {
      limit: query.limit ?? 50,
      ...(query.cursor ? { after: query.cursor } : {}),
    });
    return json(200, {
      summaryId: offer.summaryId,
      acceptances: page.acceptances.map(acceptanceView),
      ...(page.next ? { nextCursor: encodeAcceptanceCursor(page.next) } : {}),
    });
  },
);

export const handler = routeGroup('offersRead', {
  'GET /v1/offers/{summaryId}/acceptances': listAcceptances,
  'GET /v1/offers': listOffers,
  'GET /v1/offers/{summaryId}': getOffer,
  'GET /v1/offers/{summaryId}/message': getOfferMessage,
  'GET /v1/offers/{summaryId}/qr.svg': getOfferQr,
});
