import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/**
 * What the API key authorizer hands to partner routes. The authorizer only identifies: when the
 * key is missing, unknown or revoked it passes `denied` instead of a partner id, and the route
 * answers 401 as problem+json (API Gateway's own deny response cannot be shaped).
 */
export interface PartnerAuthorizerContext {
  readonly partnerId?: string;
  readonly denied?: 'missing' | 'malformed' | 'unknown' | 'revoked';
  /** The key could not be looked up (table unavailable): the route answers 503, not 401. */
  readonly keyLookupUnavailable?: boolean;
}

export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<PartnerAuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;
export type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/** A validated request, as the domain-facing part of a handler sees it. */
export interface HttpRequest<Path, Query, Headers, Body> {
  readonly path: Path;
  readonly query: Query;
  readonly headers: Headers;
  readonly body: Body;
  readonly requestId: string;
  readonly event: ApiEvent;
}

export interface PartnerRequest<Path, Query, Headers, Body> extends HttpRequest<Path, Query, Headers, Body> {
  readonly partnerId: string;
}
