/**
 * The problem types the partner API answers (RFC 9457, `type` = `urn:purchase-offers:problem:<slug>`),
 * with their status, when each happens and the `errors[].rule` values it carries. The OpenAPI
 * document lists them per operation; the contract test fails on an answer whose type an operation
 * does not list, so this catalogue cannot fall behind the code silently.
 */
export interface ProblemType {
  readonly status: number;
  readonly title: string;
  readonly when: string;
  /** `errors[].rule` values partners can branch on (none: the problem carries no `errors`). */
  readonly rules?: readonly string[];
  /** Extension members (RFC 9457 §3.2) the problem adds, with what they hold. */
  readonly extensions?: Readonly<Record<string, string>>;
}

export const PROBLEM_TYPES = {
  'invalid-request': {
    status: 400,
    title: 'Invalid request',
    when: 'A field breaks a shape, length or format rule, is unknown, or a query parameter is repeated.',
    rules: [
      'required',
      'invalid_type',
      'too_big',
      'too_small',
      'unrecognized_key',
      'pattern',
      'invalid_value',
      'integer',
      'invalid_cursor',
      'repeated',
      'https_only',
      'format:email',
      'well_formed_unicode',
      'no_control_characters',
      'no_invisible_characters',
      'not_blank',
      'needs_letter_or_digit',
      'unsupported_usage_location',
    ],
  },
  'missing-body': { status: 400, title: 'Request body required', when: 'No body sent.', rules: ['required'] },
  'malformed-json': {
    status: 400,
    title: 'Malformed JSON',
    when: 'The body is not JSON, or not UTF-8.',
    rules: ['json', 'utf8'],
  },
  'body-too-large': { status: 413, title: 'Request body too large', when: 'Body over 64 KiB.', rules: ['max_bytes'] },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported media type',
    when: 'The body is not sent as application/json.',
    rules: ['media_type'],
  },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    when: 'The API key is missing, malformed, unknown or revoked (`errors[0].rule` says which).',
    rules: ['missing', 'malformed', 'unknown', 'revoked'],
  },
  'too-many-customers': {
    status: 403,
    title: 'Too many customers',
    when: 'The partner manages 100 or more customers.',
  },
  'delegated-admin-not-certified': {
    status: 403,
    title: 'Delegated administration not certified',
    when: '`delegatedAdmin: true` without the certification.',
    rules: ['certification_required'],
  },
  'partner-profile-missing': {
    status: 403,
    title: 'Partner profile missing',
    when: 'A valid key without a partner profile (a support case).',
  },
  'offer-not-found': {
    status: 404,
    title: 'Offer not found',
    when: "An unknown, malformed or another partner's summary ID.",
  },
  'duplicate-reference': {
    status: 409,
    title: 'Duplicate reference',
    when: '`reference` is already used by another of your offers.',
    rules: ['unique'],
    extensions: { existingSummaryId: 'The offer holding the reference.' },
  },
  'concurrent-request': {
    status: 409,
    title: 'Concurrent request',
    when: 'Heavy contention on the same Idempotency-Key; retry with the same key.',
  },
  'offer-already-revised': {
    status: 409,
    title: 'Offer already revised',
    when: 'A revise of an offer revised already.',
    extensions: { revisedBy: 'The summary ID of the newer revision, the one to revise.' },
  },
  'office-not-usable': {
    status: 422,
    title: 'Office not usable',
    when: 'The office is unknown (not synced yet) or inactive.',
    rules: ['unknown_office', 'office_inactive'],
  },
  'item-count-out-of-range': {
    status: 422,
    title: 'Item count out of range',
    when: 'Fewer than 1 or more than 20 items.',
    rules: ['too_few_items', 'too_many_items'],
  },
  'sku-not-sold': {
    status: 422,
    title: 'SKU not sold',
    when: 'A SKU not in the catalog or not sold in the usage location.',
    rules: ['unknown_sku', 'not_sold_in_usage_location'],
  },
  'duplicate-sku': { status: 422, title: 'Duplicate SKU', when: 'A SKU listed twice.', rules: ['duplicate_sku'] },
  'licenses-out-of-range': {
    status: 422,
    title: 'Licenses out of range',
    when: "Licenses outside the SKU's minimum and maximum.",
    rules: ['licenses_out_of_range'],
  },
  'invalid-expiry': {
    status: 422,
    title: 'Invalid expiry',
    when: '`expiresAt` not in the future, or more than 366 days ahead.',
    rules: ['in_future', 'too_far'],
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency key reused',
    when: 'The same Idempotency-Key with another body within 24 h.',
    rules: ['reused_with_different_body'],
  },
  'term-not-sold': {
    status: 422,
    title: 'Term not sold',
    when: "A line's (or term choice's) term or billing is unknown or not sold for the SKU.",
    rules: ['unknown_term', 'unknown_billing_frequency', 'term_not_sold_for_sku', 'billing_not_allowed_on_term'],
  },
  'quantity-limit-exceeded': {
    status: 422,
    title: 'Quantity limit exceeded',
    when: 'The lines together break a vendor quantity rule (300 licenses across the Business family).',
    rules: ['business_family_seat_cap'],
    extensions: { quantityLimits: 'Each rule broken: `{rule, limit, total, items}` (`items`: line indexes).' },
  },
  'webhook-endpoint-not-found': {
    status: 404,
    title: 'Webhook endpoint not found',
    when: "An unknown or another partner's webhook endpoint id.",
  },
  'webhook-endpoint-limit': {
    status: 409,
    title: 'Webhook endpoint limit reached',
    when: 'The partner already has 10 webhook endpoints.',
  },
  'webhook-endpoint-changed': {
    status: 409,
    title: 'Webhook endpoint changed',
    when: 'The endpoint changed while this request ran (another rotation, a delete); retry.',
  },
  'webhook-delivery-not-found': {
    status: 404,
    title: 'Webhook delivery not found',
    when: "An unknown delivery id, one of another endpoint, or one older than the log's 30 days.",
  },
  'webhook-endpoint-disabled': {
    status: 409,
    title: 'Webhook endpoint disabled',
    when: 'A redelivery or a ping to an endpoint that was disabled after 3 days of failed deliveries; enable it first (POST …/enable).',
  },
  'webhook-url-not-allowed': {
    status: 422,
    title: 'Webhook URL not allowed',
    when: 'The URL is not https or its host resolves to a non-public address (loopback, private, link-local, CGNAT, multicast, cloud metadata).',
  },
  'office-sync-rate-limited': {
    status: 429,
    title: 'Office sync rate limited',
    when: 'Offices can be synced on demand once a minute (`Retry-After` says when).',
  },
  'rate-limited': {
    status: 429,
    title: 'Too many requests',
    when: 'AWS WAF at the edge: more partner API requests from your address than the stage allows in its window (per address; `Retry-After` gives the window in seconds). Sent as `application/json`, the only JSON type WAF can send.',
  },
  'request-blocked': {
    status: 403,
    title: 'Request blocked',
    when: 'AWS WAF at the edge: an AWS managed rule matched (a known attack pattern or bad input, or an address with a poor reputation). Sent as `application/json`.',
  },
  'edge-required': {
    status: 403,
    title: 'Use the public address',
    when: 'The request reached the HTTP API directly instead of through the public address (CloudFront).',
  },
  'service-unavailable': {
    status: 503,
    title: 'Service unavailable',
    when: 'The database did not answer in time (`Retry-After: 5`).',
  },
  'directory-unavailable': {
    status: 503,
    title: 'Partner network directory unavailable',
    when: 'The partner network directory did not answer in time.',
  },
  'internal-error': {
    status: 500,
    title: 'Internal error',
    when: 'A bug on our side; quote the requestId.',
  },
} as const satisfies Record<string, ProblemType>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
