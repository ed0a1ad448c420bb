import { CATALOG_VERSION } from '../../shared/catalog/catalog-data.ts';
import { requiredEnv } from '../../shared/config/env.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import { DynamoPartnerStore } from '../../shared/db/partners.ts';
import { OfferCreateService } from '../../shared/domain/offer-create.ts';
import { OfferQueries } from '../../shared/domain/offer-queries.ts';
import { createdOfferAnswer } from '../../shared/render/created-offer-answer.ts';

// Created once per execution environment, at load: the console's one table client and the same
// domain services the partner API runs on, so no rule exists twice. The table is reached through
// the small DynamoDB client (as the customer page), keeping the console's bundle and cold start small.

/** Read once at cold start: a missing variable fails the start, not a request. */
export const PUBLIC_BASE_URL = requiredEnv('PUBLIC_BASE_URL');
export const table = liteTableFromEnv();
export const offerStore = new DynamoOfferStore(table);
export const offerQueries = new OfferQueries({ store: offerStore });
/**
 * The partner API's create use case, with the API's own answer: an offer created here keeps the
 * same idempotency record (and a double submit of the form gets the first answer back) as through
 * POST /v1/offers.
 */
export const offerCreator = new OfferCreateService({
  store: offerStore,
  catalogVersion: CATALOG_VERSION,
  answer: createdOfferAnswer(PUBLIC_BASE_URL),
});
export const partnerStore = new DynamoPartnerStore(table);
/** Read only here (offices and their sync freshness); the office sync function writes them. */
export const officeStore = new DynamoOfficeStore(table);
/** The offer page's acceptances and declines (read only here). */
export const customerResponses = new DynamoCustomerResponseStore(table);
