import { requiredEnv } from '../../shared/config/env.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { OfferQueries } from '../../shared/domain/offer-queries.ts';

// Created once per execution environment, at load: the console's one table client and the same
// domain services the partner API runs on, so no rule exists twice. The table is reached through
// the small DynamoDB client (as the customer page), keeping the console's bundle and cold start small.

/** Read once at cold start: a missing variable fails the start, not a request. */
export const PUBLIC_BASE_URL = requiredEnv('PUBLIC_BASE_URL');
export const table = liteTableFromEnv();
export const offerStore = new DynamoOfferStore(table);
export const offerQueries = new OfferQueries({ store: offerStore });
/** The offer page's acceptances and declines (read only here). */
export const customerResponses = new DynamoCustomerResponseStore(table);
