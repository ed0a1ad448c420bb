import type { Context } from 'aws-lambda';
import type { ApiEvent, PartnerAuthorizerContext } from '../../shared/http/types.ts';

/** A minimal API Gateway v2 event, as the HTTP API (or the local gateway) would send it. */
export function apiEvent(
  overrides: {
    routeKey?: string;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    pathParameters?: Record<string, string>;
    body?: string;
    authorizer?: PartnerAuthorizerContext;
  } = {},
): ApiEvent {
  const routeKey = overrides.routeKey ?? 'GET /v1/test';
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: overrides.headers ?? {},
    ...(overrides.query ? { queryStringParameters: overrides.query } : {}),
    ...(overrides.pathParameters ? { pathParameters: overrides.pathParameters } : {}),
    ...(overrides.body !== undefined ? { body: overrides.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'api.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'req-123',
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      authorizer: { lambda: overrides.authorizer ?? {} },
    },
  } as ApiEvent;
}

export const lambdaContext = { functionName: 'test', awsRequestId: 'aws-req' } as Context;
