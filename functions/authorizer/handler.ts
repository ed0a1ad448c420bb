import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { DynamoApiKeyStore } from '../../shared/db/api-keys.ts';
import { tableFromEnv } from '../../shared/db/client.ts';
import { identifyPartner } from '../../shared/domain/api-key.ts';
import type { PartnerAuthorizerContext } from '../../shared/http/types.ts';
import { logger } from '../../shared/observability/logger.ts';

const keys = new DynamoApiKeyStore(tableFromEnv());

/**
 * Identifies the partner behind the bearer key. It lets every request through with either a
 * partner id or a denial reason, because an HTTP API cannot shape its own deny response: the
 * partner route middleware (requirePartner) then answers 401 problem+json and fails closed.
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<PartnerAuthorizerContext>> {
  const identification = await identifyPartner(event.headers?.authorization, keys);
  if ('denied' in identification)
    logger.info('api key denied', { reason: identification.denied, routeKey: event.routeKey });
  return { isAuthorized: true, context: identification };
}
