import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { optionalEnv } from '../../shared/config/env.ts';
import { ApiKeyLookup } from '../../shared/db/api-keys.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { CachingKeyLookup, identifyPartner } from '../../shared/domain/api-key.ts';
import type { PartnerAuthorizerContext } from '../../shared/http/types.ts';
import { logger } from '../../shared/observability/logger.ts';

const cacheSeconds = Number(optionalEnv('API_KEY_CACHE_SECONDS') ?? 0);
if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 3600) {
  throw new Error('API_KEY_CACHE_SECONDS must be a whole number of seconds between 0 and 3600');
}
// DynamoDbLite rather than the AWS SDK: the authorizer runs before every partner request, so its
// cold start is on the partner's path too (test/bench/RESULTS.md).
const keys = new CachingKeyLookup(new ApiKeyLookup(liteTableFromEnv()), cacheSeconds * 1000);

/**
 * Identifies the partner behind the bearer key. It lets every request through with either a
 * partner id or a denial reason, because an HTTP API cannot shape its own deny response: the
 * partner route middleware (requirePartner) then answers 401 problem+json and fails closed.
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<PartnerAuthorizerContext>> {
  // The same request id as the route's own log lines, so a denial can be traced to its request.
  logger.appendKeys({ requestId: event.requestContext.requestId });
  const identification = await identifyPartner(event.headers?.authorization, keys);
  if ('denied' in identification)
    logger.info('api key denied', { reason: identification.denied, routeKey: event.routeKey });
  return { isAuthorized: true, context: identification };
}
