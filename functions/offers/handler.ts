import { CATALOG_VERSION } from '../../shared/catalog/catalog-data.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { type CreateOfferResult, OfferCreateService } from '../../shared/domain/offer-create.ts';
import { OfferQueries } from '../../shared/domain/offer-queries.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import type { ApiHandler, ApiResult } from '../../shared/http/types.ts';
import { createdOfferAnswer } from '../../shared/render/created-offer-answer.ts';
import { offerView } from '../../shared/render/offer-view.ts';
import {
  createOfferBody,
  createOfferHeaders,
  deactivateBody,
  reviseOfferBody,
  summaryIdPath,
} from '../../shared/schemas/offers.ts';

/** Read once at cold start: a missing variable fails the start, not a request. */
const PUBLIC_BASE_URL = requiredEnv('PUBLIC_BASE_URL');
export const table = sdkTableFromEnv();

const store = new DynamoOfferStore(table);

const creator = new OfferCreateService({
  store,
  catalogVersion: CATALOG_VERSION,
  // The 201 a create answers; kept with its idempotency record, so a retry gets these bytes again.
  answer: createdOfferAnswer(PUBLIC_BASE_URL),
});
const queries = new OfferQueries({ store });

/** A new offer's answer, or the first answer again for a retried Idempotency-Key, marked as a replay. */
function createResponse(result: CreateOfferResult): ApiResult {
  const { answer } = result;
  return {
    statusCode: answer.statusCode,
    headers: {
      'content-type': 'application/json',
      ...(answer.location ? { location: answer.location } : {}),
      ...(result.kind === 'replayed' ? { 'idempotent-replayed': 'true' } : {}),
    },
    body: answer.responseBody,
  };
}

export const createOffer = partnerRoute(
  { headers: createOfferHeaders, body: createOfferBody },
  async ({ partnerId, headers, body }) =>
    createResponse(await creator.create(partnerId, body, headers['idempotency-key'])),
);

/** A revision answers like a create: 201 with the new offer, or the first answer again for a retried key. */
export const reviseOffer = partnerRoute(
  { path: summaryIdPath, headers: createOfferHeaders, body: reviseOfferBody },
  async ({ partnerId, path, headers, body }) =>
    createResponse(await creator.revise(partnerId, path.summaryId, body, headers['idempotency-key'])),
);

const deactivate = partnerRoute({ path: summaryIdPath, body: deactivateBody }, async ({ partnerId, path, body }) => {
  const offer = await queries.deactivate(partnerId, path.summaryId, body.message);
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

export const handler = routeGroup('offers', {
  'POST /v1/offers': createOffer,
  'POST /v1/offers/{summaryId}/deactivate': deactivateOffer,
  'POST /v1/offers/{summaryId}/revise': reviseOffer,
});
