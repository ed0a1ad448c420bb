import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { optionalEnv } from '../../shared/config/env.ts';
import { DynamoApiKeyStore } from '../../shared/db/api-keys.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { errorForLog, isServiceUnavailable } from '../../shared/db/errors.ts';
import { CachingKeyLookup, type Identification, identifyPartner } from '../../shared/domain/api-key.ts';
import { ORIGIN_VERIFY_HEADER, originCheckFromEnv, verifyOrigin } from '../../shared/http/origin-check.ts';
import type { PartnerAuthorizerContext } from '../../shared/http/types.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';

const cacheSeconds = Number(optionalEnv('API_KEY_CACHE_SECONDS') ?? 0);
if (!Number.isInteger(cacheSeconds) || cacheSeconds < 0 || cacheSeconds > 3600) {
  throw new Error('API_KEY_CACHE_SECONDS must be a whole number of seconds between 0 and 3600');
}
// DynamoDbLite rather than the AWS SDK: the authorizer runs before every partner request, so its
// cold start is on the partner's path too (test/bench/RESULTS.md).
const keys = new CachingKeyLookup(new DynamoApiKeyStore(liteTableFromEnv()), cacheSeconds * 1000);
// The same origin check the routes run first (shared/http/chain.ts).
const originCheck = originCheckFromEnv();

/**
 * Identifies the partner behind the bearer key. It lets every request through with either a
 * partner id or a denial reason, because an HTTP API cannot shape its own deny response: the
 * partner route middleware (requirePartner) then answers 401 problem+json and fails closed.
 * For the same reason it never throws: a throwing (or timed-out) authorizer makes API Gateway
 * answer a bare `{"message":"Internal Server Error"}`. When the key cannot be read (table
 * unavailable) it passes `keyLookupUnavailable` and the route answers 503 problem+json with
 * Retry-After; the lookup's own budget (dynamodb-lite.ts, 3 s) stays well inside this function's
 * timeout.
 */
async function authorize(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<PartnerAuthorizerContext>> {
  // A request that did not come through CloudFront costs no key lookup: the route's first step
  // refuses it with 403 (an HTTP API authorizer cannot shape that answer itself).
  if ((await verifyOrigin(originCheck, event.headers?.[ORIGIN_VERIFY_HEADER])) !== 'pass') {
    return { isAuthorized: true, context: {} };
  }
  let identification: Identification;
  try {
    identification = await identifyPartner(event.headers?.authorization, keys);
  } catch (error) {
    // Unavailable or not, the partner can only retry: a lookup failure is never a denial.
    if (isServiceUnavailable(error)) logger.warn('api key lookup unavailable', { error: errorForLog(error) });
    else logger.error('api key lookup failed', { error: errorForLog(error) });
    return { isAuthorized: true, context: { keyLookupUnavailable: true } };
  }
  if ('denied' in identification)
    logger.info('api key denied', { reason: identification.denied, routeKey: event.routeKey });
  return { isAuthorized: true, context: identification };
}

// The same correlation id as the route's own log lines (the API Gateway request id), so a denial
// can be traced to its request.
export const handler = withLambdaContext(authorize, (event) => event.requestContext.requestId);
