/**
 * The single source of truth for the HTTP surface. The CDK stack creates one Lambda function per
 * entry in FUNCTIONS and one API route per entry in ROUTES; the local gateway serves the same
 * routes with the same handlers, so the two cannot drift.
 */

import { PARTITIONS, type PartitionPattern } from './db/partitions.ts';
import type { IndexGrantName } from './db/table.ts';

/**
 * DynamoDB data-plane actions. A transaction needs the action of each item it writes (PutItem,
 * UpdateItem, ConditionCheckItem): IAM has no separate TransactWriteItems action.
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'ConditionCheckItem';

/**
 * One grant on the table: these actions, only on items whose partition key matches one of
 * `partitions` (IAM `dynamodb:LeadingKeys`, `ForAllValues:StringLike`). With `index`, Query on
 * that index (GSI1: a partner's offers and keys; GSI2: its open offers) instead of the table; IAM
 * then matches the index's partition key (GSI1PK, GSI2PK) against `partitions`. List the partitions
 * the function's code reads or writes with these actions, no more.
 */
export interface TableGrant {
  readonly actions: readonly TableAction[];
  readonly partitions: readonly PartitionPattern[];
  readonly index?: IndexGrantName;
}

/**
 * Deployment settings the CDK stack passes to functions as environment variables of the same
 * name. Every function behind an HTTP route gets PUBLIC_BASE_URL and CHECKOUT_URL_TEMPLATE; other
 * settings are listed per function in `env`, so a function only sees what it reads.
 */
export type DeploymentSetting =
  | 'PUBLIC_BASE_URL'
  | 'CHECKOUT_URL_TEMPLATE'
  | 'DIRECTORY_BASE_URL'
  | 'EVENT_BUS_NAME'
  | 'API_KEY_CACHE_SECONDS'
  /** SSM SecureString parameter holding the form-token keys (current and previous); read at cold start. */
  | 'FORM_TOKEN_KEYS_PARAMETER'
  /** The webhook delivery queue (SQS URL): functions that queue deliveries send here. */
  | 'WEBHOOK_QUEUE_URL'
  /** Its dead-letter queue (SQS URL): the delivery function parks deliveries whose retries ran out. */
  | 'WEBHOOK_DEAD_LETTER_QUEUE_URL';

/** Named schedules; each one's rate is a per-stage deployment setting (infra/stages.ts). */
export type ScheduleName = 'officeSync';

export interface FunctionSpec {
  /** Entry file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  /** The function's table grants, each its own IAM statement. Absent: no table access (and no TABLE_NAME). */
  readonly table?: readonly TableGrant[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** Deployment settings this function reads beyond the ones every HTTP function gets. */
  readonly env?: readonly DeploymentSetting[];
  /**
   * Also invoked by EventBridge Scheduler on this schedule (`officeSync`: the stage's officeSyncRateMinutes).
   * Failed runs end in a dead-letter queue with an alarm on it.
   */
  readonly schedule?: ScheduleName;
  /**
   * Invoked by the table's stream for new items of these entities (`entity` attribute). The stack
   * filters the stream on them; failed batches end in a dead-letter queue with an alarm on it.
   */
  readonly streamEntities?: readonly string[];
  /** Also invoked for new and changed items of these entities (INSERT and MODIFY), in the same mapping. */
  readonly streamChanges?: readonly string[];
  /**
   * The stream mapping's batching when not the default (10 records, 1 s): records per invocation
   * and the longest wait for a batch to fill, in seconds. `retryUntilExpired` retries a failing
   * batch for as long as the stream keeps its records (24 hours) instead of 10 times before the
   * dead-letter queue: for consumers whose work is idempotent and must not be dropped.
   */
  readonly streamBatch?: {
    readonly size: number;
    readonly windowSeconds: number;
    readonly retryUntilExpired?: boolean;
  };
  /**
   * The webhook delivery queue: `enqueue` may send to it (sqs:SendMessage, WEBHOOK_QUEUE_URL);
   * `deliver` is invoked by it, and may send to it and to its dead-letter queue.
   */
  readonly webhookQueue?: 'enqueue' | 'deliver';
  /**
   * Per-offer one-time schedules (EventBridge Scheduler): `manage` creates and deletes them
   * (OFFER_TIMERS_* settings); `fire` is the function they invoke.
   */
  readonly offerTimers?: 'manage' | 'fire';
  /**
   * Functions this one invokes synchronously (Lambda Invoke): the stack grants lambda:InvokeFunction
   * on each of them only and passes each one's name as `<NAME>_FUNCTION_NAME`
   * (shared/lambda/invoke.ts invokedFunctionSetting: `officeSync` → OFFICE_SYNC_FUNCTION_NAME).
   */
  readonly invokes?: readonly 'officeSync'[];
  /**
   * Rotates the secret CloudFront proves itself to the HTTP API with (Secrets Manager invokes it;
   * infra/constructs/edge.ts grants the secret and the distribution update).
   */
  readonly originSecret?: 'rotate';
}

/**
 * A function's timeout when its spec sets none: enough for a DynamoDB round trip or two behind an
 * HTTP API, and more than every time budget inside (shared/config/aws-sdk.ts, shared/db/dynamodb-lite.ts).
 */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

export const FUNCTIONS = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'Identifies the partner behind an API key (Lambda REQUEST authorizer)',
    // One GetItem of the key's hash: API keys only, not the partner data beside them.
    table: [{ actions: ['GetItem'], partitions: [PARTITIONS.apiKey] }],
    env: ['API_KEY_CACHE_SECONDS'],
  },
  catalog: {
    entry: 'functions/catalog/handler.ts',
    description: 'Usage locations and the subscriptions sold in each (bundled catalog, no table access)',
  },
  offerPage: {
    entry: 'functions/offer-page/handler.ts',
    description: 'Customer offer pages: view (counts the view), accept and decline, the acceptance confirmation',
    // A view reads the offer and puts a view record (its own partition family, counted later by
    // offerViews); accept and decline are transactions that update the offer's counters and put
    // the response item: all in the offer's partition (the offer item carries the partner details
    // the page shows), so no API key or partner item is reachable.
    table: [
      // ConditionCheckItem: an answer checks the offer item is open without writing it. PutItem in
      // the offer partition also creates an older offer's missing answer counters item on its first answer.
      { actions: ['GetItem', 'UpdateItem', 'PutItem', 'ConditionCheckItem'], partitions: [PARTITIONS.offer] },
      { actions: ['PutItem'], partitions: [PARTITIONS.views] },
    ],
    // PUBLIC_BASE_URL: the origin form posts must come from. The stack grants ssm:GetParameter on
    // the form-token keys parameter.
    env: ['CHECKOUT_URL_TEMPLATE', 'PUBLIC_BASE_URL', 'FORM_TOKEN_KEYS_PARAMETER'],
  },
  offers: {
    entry: 'functions/offers/handler.ts',
    description: 'Partner offers: create and revise (idempotent), deactivate',
    // Create: one BatchGetItem (profile, office, idempotency record), then a transaction of puts
    // (offer, views counter and answer counters item; reference claim and idempotency record in the
    // partner's partition),
    // and after a lost race a GetItem of the idempotency record. Revise: a GetItem of the old offer,
    // then the same plus an UpdateItem of the old offer in the one transaction. Deactivate: one
    // UpdateItem of the offer, one BatchGetItem of its views and answer counters.
    table: [
      { actions: ['BatchGetItem'], partitions: [PARTITIONS.partner, PARTITIONS.offices, PARTITIONS.offer] },
      { actions: ['GetItem'], partitions: [PARTITIONS.partner, PARTITIONS.offer] },
      { actions: ['PutItem'], partitions: [PARTITIONS.offer, PARTITIONS.partner] },
      { actions: ['UpdateItem'], partitions: [PARTITIONS.offer] },
    ],
    env: ['PUBLIC_BASE_URL'],
  },
  offersRead: {
    entry: 'functions/offers-read/handler.ts',
    description: 'Partner offers, read-only: list, get with counters, message, QR code, acceptances',
    // get is a Query of the offer's partition (offer + counters), acceptances another; list is
    // a GSI1 Query of the partner's offers (GSI1PK `PARTNER#<id>`), or for status=active a GSI2
    // Query of its open ones (GSI2PK `PARTNER#<id>`), plus a BatchGetItem of counters.
    table: [
      { actions: ['Query', 'BatchGetItem'], partitions: [PARTITIONS.offer] },
      { actions: ['Query'], partitions: [PARTITIONS.partner], index: 'GSI1' },
      { actions: ['Query'], partitions: [PARTITIONS.partner], index: 'GSI2' },
    ],
    env: ['PUBLIC_BASE_URL'],
  },
  offices: {
    entry: 'functions/offices/handler.ts',
    description: "A partner's offices as synced from the partner network directory",
    // The partner's offices (one Query), its sync marker and the sync state (one BatchGetItem).
    table: [
      { actions: ['Query'], partitions: [PARTITIONS.offices] },
      { actions: ['BatchGetItem'], partitions: [PARTITIONS.offices, PARTITIONS.officeSyncState] },
    ],
  },
  officeSync: {
    entry: 'functions/office-sync/handler.ts',
    description: 'Syncs partner offices from the partner network directory: scheduled, and on demand per partner',
    // Offices and the partners' sync markers (their own partitions), and the sync state; never a
    // partner profile, an API key or an offer. infra/constructs/office-sync.ts adds the credential.
    table: [
      { actions: ['GetItem'], partitions: [PARTITIONS.officeSyncState] },
      { actions: ['BatchGetItem', 'Query', 'PutItem'], partitions: [PARTITIONS.offices] },
      { actions: ['UpdateItem'], partitions: [PARTITIONS.offices, PARTITIONS.officeSyncState] },
    ],
    env: ['DIRECTORY_BASE_URL'],
    schedule: 'officeSync',
    memoryMb: 512,
    // The scheduled run's budget; the on-demand route keeps its own 20 s budget (HTTP API: 30 s).
    timeoutSeconds: 300,
  },
  fallback: {
    entry: 'functions/fallback/handler.ts',
    description:
      "Answers requests no route matches (API Gateway's $default route): 404, or 405 with Allow; and the service's icon",
  },
  offerEvents: {
    entry: 'functions/offer-events/handler.ts',
    description:
      'Publishes each recorded acceptance and decline to the offer events bus and queues its webhook deliveries (from the table stream)',
    // Webhooks: the partner's endpoints (one Query of its webhooks partition), then per subscribed
    // endpoint a PutItem of the pending delivery (and a GetItem when a replayed record finds it).
    // A first view's event reads the offer item for its partner (GetItem of the offer).
    table: [
      { actions: ['Query'], partitions: [PARTITIONS.webhooks] },
      { actions: ['PutItem', 'GetItem'], partitions: [PARTITIONS.webhookDeliveries] },
      { actions: ['GetItem'], partitions: [PARTITIONS.offer] },
    ],
    // PUBLIC_BASE_URL: the offer's `url` in offer.created.
    env: ['EVENT_BUS_NAME', 'WEBHOOK_QUEUE_URL', 'PUBLIC_BASE_URL'],
    streamEntities: ['acceptance', 'decline'],
    // Offer changes become webhook events: offer.created, viewed, exhausted, deactivated; a new
    // offer's expiry timers are created here and deleted when it ends early.
    streamChanges: ['offer', 'offerViews'],
    offerTimers: 'manage',
    webhookQueue: 'enqueue',
  },
  offerViews: {
    entry: 'functions/offer-views/handler.ts',
    description: "Adds recorded offer page views to their offers' views counters, in batches (from the table stream)",
    // Per offer and batch: TransactWriteItems of the counter's UpdateItem and each record's
    // UpdateItem (marked counted). Nothing else: no read, no put.
    table: [{ actions: ['UpdateItem'], partitions: [PARTITIONS.offer, PARTITIONS.views] }],
    streamEntities: ['offerView'],
    // Large batches are the point: a batch adds each offer's views in one transaction per 99, so
    // 5,000 views/s of one link make ~51 counter writes/s. The window bounds the counting delay.
    // Counting is exactly once, so a failing batch is retried until its records leave the stream
    // rather than parked after 10 tries (README, Views at any rate).
    streamBatch: { size: 1_000, windowSeconds: 2, retryUntilExpired: true },
    timeoutSeconds: 60,
  },
  offerTimers: {
    entry: 'functions/offer-timers/handler.ts',
    description: 'An offer timer fired (one-time schedule): offer.expiring or offer.expired to subscribed endpoints',
    // One GetItem of the offer, then the fan-out: the partner's endpoints (Query) and a pending
    // delivery per subscribed endpoint (PutItem; GetItem when a repeated firing finds it). The
    // expired timer takes the offer out of the open-offers index (UpdateItem of the offer).
    table: [
      { actions: ['GetItem', 'UpdateItem'], partitions: [PARTITIONS.offer] },
      { actions: ['Query'], partitions: [PARTITIONS.webhooks] },
      { actions: ['PutItem', 'GetItem'], partitions: [PARTITIONS.webhookDeliveries] },
    ],
    env: ['WEBHOOK_QUEUE_URL'],
    webhookQueue: 'enqueue',
    offerTimers: 'fire',
  },
  webhookDeliveries: {
    entry: 'functions/webhook-deliveries/handler.ts',
    description:
      'Delivers queued webhook events to partner endpoints: signed, one attempt per message, retried with backoff',
    // Per message: a GetItem of the delivery and of its endpoint, an UpdateItem of the delivery (the
    // attempt) and, on a change of health, of the endpoint (failingSince, disabled). No Query, no
    // PutItem: it only follows deliveries others recorded.
    table: [{ actions: ['GetItem', 'UpdateItem'], partitions: [PARTITIONS.webhookDeliveries, PARTITIONS.webhooks] }],
    env: ['WEBHOOK_QUEUE_URL', 'WEBHOOK_DEAD_LETTER_QUEUE_URL'],
    webhookQueue: 'deliver',
    // A batch of WEBHOOK_BATCH_SIZE messages, one after the other, each at most a 10 s attempt
    // (DNS included) plus a few table writes.
    timeoutSeconds: 75,
  },
  webhookEndpoints: {
    entry: 'functions/webhook-endpoints/handler.ts',
    description: "A partner's webhook endpoints: register (SSRF-checked), list, get, delete, rotate the secret, ping",
    // All in the partner's webhooks partition: list is a Query; get and rotate a GetItem and an
    // UpdateItem; register is a transaction of an UpdateItem (the endpoint count) and a PutItem;
    // delete a transaction of two UpdateItems (the endpoint's tombstone and the count).
    table: [
      { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], partitions: [PARTITIONS.webhooks] },
      // The endpoint's delivery log: the ping's and a redelivery's pending entry (PutItem), the log
      // (Query) and the delivery a redelivery repeats (GetItem).
      { actions: ['GetItem', 'Query', 'PutItem'], partitions: [PARTITIONS.webhookDeliveries] },
    ],
    env: ['WEBHOOK_QUEUE_URL'],
    webhookQueue: 'enqueue',
  },
  console: {
    entry: 'functions/console/handler.ts',
    description:
      'Partner console: sign-in with an API key, offers list and detail, the create-offer wizard (server-rendered pages)',
    // The console signs partners in with their API keys and then does what the partner API does for
    // them, through the same domain services: the union of the partner functions' grants (narrowed
    // as pages land), plus its own sessions partition.
    table: [
      // Sessions (GetItem, PutItem at sign-in, UpdateItem to record activity and to sign out: no
      // DeleteItem, TTL removes them) and sign-in failure counters (GetItem, UpdateItem ADD).
      { actions: ['GetItem', 'PutItem', 'UpdateItem'], partitions: [PARTITIONS.console] },
      // The key a partner signs in with, and its re-check every 60 s (a revoked key ends sessions).
      { actions: ['GetItem'], partitions: [PARTITIONS.apiKey] },
      { actions: ['GetItem', 'BatchGetItem', 'PutItem'], partitions: [PARTITIONS.partner] },
      { actions: ['Query', 'BatchGetItem'], partitions: [PARTITIONS.offices, PARTITIONS.officeSyncState] },
      // The create wizard, as the offers function's create: one BatchGetItem of the profile, the
      // office and the idempotency record (two partitions in one request, so one statement).
      { actions: ['BatchGetItem'], partitions: [PARTITIONS.partner, PARTITIONS.offices] },
      { actions: ['GetItem', 'Query', 'BatchGetItem', 'PutItem', 'UpdateItem'], partitions: [PARTITIONS.offer] },
      // The offers list, as offersRead's: GSI1 (newest first), GSI2 for status=active; the offer page
      // Queries the offer's partition (offer, counters, acceptances, declines).
      { actions: ['Query'], partitions: [PARTITIONS.partner], index: 'GSI1' },
      { actions: ['Query'], partitions: [PARTITIONS.partner], index: 'GSI2' },
    ],
    env: ['PUBLIC_BASE_URL', 'CHECKOUT_URL_TEMPLATE'],
    // "Sync offices now": the office sync function holds the directory credential and the
    // once-a-minute rule, so the console asks it (a PartnerSyncRequest) instead of syncing itself.
    invokes: ['officeSync'],
  },
  originSecretRotation: {
    entry: 'functions/origin-secret-rotation/handler.ts',
    description:
      "Rotates the CloudFront origin secret and updates the distribution's origin header (Secrets Manager rotation)",
    originSecret: 'rotate',
    // A rotation step makes a few Secrets Manager calls and at most one CloudFront update.
    timeoutSeconds: 60,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Partner routes pass through the API key authorizer; public routes are open and throttled. */
export type RouteAuth = 'partner' | 'public';
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/offers/{summaryId}`. */
  readonly path: string;
  readonly function: Exclude<FunctionName, 'authorizer'>;
  readonly auth: RouteAuth;
  /** Overrides the stage's default throttling for this route (e.g. public customer pages). */
  readonly throttle?: RouteThrottle;
}

/** API Gateway throttling: steady requests per second and burst capacity. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

// Route throttles protect the account, not a share of it: each client's own limits are AWS WAF's
// per-IP rate rules at the edge (sizes per stage in infra/stages.ts), so one client can no longer
// use up a route for everyone. These caps only stop what gets past WAF from many addresses at once
// before it reaches what the account cannot grow on the spot: Lambda's regional concurrency (1,000
// by default; a page takes ~100 ms, so 5,000 views/s hold ~500) and API Gateway's regional 10,000
// requests/s with bursts of 5,000 (its documented quotas, read 2026-11-30). A 5,000 views/s link fits.
const CUSTOMER_PAGE_THROTTLE: RouteThrottle = { rateLimit: 5_000, burstLimit: 5_000 };
const CUSTOMER_FORM_THROTTLE: RouteThrottle = { rateLimit: 1_000, burstLimit: 2_000 };

/**
 * The routes as declared; ROUTES adds the HEAD twin of each GET. Kept literal (`as const`) so that
 * RouteKey can derive each function's route keys from it.
 */
const DECLARED_ROUTES = [
  { method: 'GET', path: '/v1/usage-locations', function: 'catalog', auth: 'partner' },
  { method: 'GET', path: '/v1/catalog', function: 'catalog', auth: 'partner' },
  // The OpenAPI document: public (tools fetch it without a key), bundled data served by the catalog
  // function, cacheable; throttled like a customer page.
  { method: 'GET', path: '/v1/openapi.json', function: 'catalog', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE },
  // The service's icon every page links (shared/render/site-icon.ts), and the address browsers and
  // crawlers ask for without reading a page (a redirect to it): fixed bytes, public, cached by
  // CloudFront, so they need no $default 404. The fallback serves them: it already answers every
  // path outside the API, pages and console, and reads nothing.
  { method: 'GET', path: '/favicon.svg', function: 'fallback', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE },
  { method: 'GET', path: '/favicon.ico', function: 'fallback', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE },
  { method: 'GET', path: '/v1/offices', function: 'offices', auth: 'partner' },
  { method: 'POST', path: '/v1/offices/sync', function: 'officeSync', auth: 'partner' },
  { method: 'POST', path: '/v1/offers', function: 'offers', auth: 'partner' },
  { method: 'GET', path: '/v1/offers', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/message', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/qr.svg', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/acceptances', function: 'offersRead', auth: 'partner' },
  { method: 'POST', path: '/v1/offers/{summaryId}/deactivate', function: 'offers', auth: 'partner' },
  { method: 'POST', path: '/v1/offers/{summaryId}/revise', function: 'offers', auth: 'partner' },
  { method: 'POST', path: '/v1/webhook-endpoints', function: 'webhookEndpoints', auth: 'partner' },
  { method: 'GET', path: '/v1/webhook-endpoints', function: 'webhookEndpoints', auth: 'partner' },
  { method: 'GET', path: '/v1/webhook-endpoints/{endpointId}', function: 'webhookEndpoints', auth: 'partner' },
  { method: 'DELETE', path: '/v1/webhook-endpoints/{endpointId}', function: 'webhookEndpoints', auth: 'partner' },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints/{endpointId}/rotate-secret',
    function: 'webhookEndpoints',
    auth: 'partner',
  },
  { method: 'POST', path: '/v1/webhook-endpoints/{endpointId}/test', function: 'webhookEndpoints', auth: 'partner' },
  { method: 'POST', path: '/v1/webhook-endpoints/{endpointId}/enable', function: 'webhookEndpoints', auth: 'partner' },
  // The endpoint's delivery log (newest first) and a redelivery of one of its deliveries.
  {
    method: 'GET',
    path: '/v1/webhook-endpoints/{endpointId}/deliveries',
    function: 'webhookEndpoints',
    auth: 'partner',
  },
  {
    method: 'POST',
    path: '/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/retry',
    function: 'webhookEndpoints',
    auth: 'partner',
  },
  // The partner console: server-rendered pages, public routes that check the console session
  // themselves (functions/console/session.ts); sign-in is throttled per client in the function.
  { method: 'GET', path: '/console', function: 'console', auth: 'public' },
  { method: 'POST', path: '/console/sign-in', function: 'console', auth: 'public', throttle: CUSTOMER_FORM_THROTTLE },
  { method: 'POST', path: '/console/sign-out', function: 'console', auth: 'public' },
  { method: 'GET', path: '/console/offers', function: 'console', auth: 'public' },
  // Page 1 of the wizard (Select options); page 2 (Send) is the new offer's /send page.
  { method: 'GET', path: '/console/offers/new', function: 'console', auth: 'public' },
  { method: 'POST', path: '/console/offers/new', function: 'console', auth: 'public' },
  { method: 'GET', path: '/console/offers/{summaryId}', function: 'console', auth: 'public' },
  { method: 'GET', path: '/console/offers/{summaryId}/send', function: 'console', auth: 'public' },
  { method: 'GET', path: '/console/offers/{summaryId}/qr.svg', function: 'console', auth: 'public' },
  // The ready message's HTML alone, sandboxed by its CSP (the console's own CSP forbids frames).
  { method: 'GET', path: '/console/offers/{summaryId}/message.html', function: 'console', auth: 'public' },
  { method: 'POST', path: '/console/offers/{summaryId}/deactivate', function: 'console', auth: 'public' },
  { method: 'GET', path: '/console/offers/{summaryId}/revise', function: 'console', auth: 'public' },
  { method: 'POST', path: '/console/offers/{summaryId}/revise', function: 'console', auth: 'public' },
  { method: 'POST', path: '/console/offices/sync', function: 'console', auth: 'public' },
  // Customer pages are public: tighter throttling than the partner API, per route.
  { method: 'GET', path: '/o/{code}', function: 'offerPage', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE },
  // Link checkers and mail scanners probe links with HEAD: answered like GET, without a body or a view.
  { method: 'HEAD', path: '/o/{code}', function: 'offerPage', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE },
  { method: 'POST', path: '/o/{code}/accept', function: 'offerPage', auth: 'public', throttle: CUSTOMER_FORM_THROTTLE },
  {
    method: 'POST',
    path: '/o/{code}/decline',
    function: 'offerPage',
    auth: 'public',
    throttle: CUSTOMER_FORM_THROTTLE,
  },
  // The forms' addresses opened in a browser (refresh, history): 303 to the offer page.
  ...(['GET', 'HEAD'] as const).flatMap((method) =>
    (['/o/{code}/accept', '/o/{code}/decline'] as const).map(
      (path) => ({ method, path, function: 'offerPage', auth: 'public', throttle: CUSTOMER_PAGE_THROTTLE }) as const,
    ),
  ),
  // After accepting: the acceptance's confirmation page, addressed by the form's submission token.
  {
    method: 'GET',
    path: '/o/{code}/accepted/{token}',
    function: 'offerPage',
    auth: 'public',
    throttle: CUSTOMER_PAGE_THROTTLE,
  },
] as const satisfies readonly Route[];

/**
 * Every GET route also answers HEAD, like GET without a body (RFC 9110 §9.3.2): link checkers,
 * monitors and HTTP clients probe with HEAD, and an HTTP API routes HEAD only where a route says
 * so (no route, no method: the `$default` route's 405). The twin has the GET route's function,
 * auth and throttle; the handlers answer it through their GET handler (routeGroup).
 */
function withHeadTwins(routes: readonly Route[]): readonly Route[] {
  const declared = new Set(routes.map(routeKey));
  const twins = routes
    .filter((route) => route.method === 'GET' && !declared.has(routeKey({ method: 'HEAD', path: route.path })))
    .map((route): Route => ({ ...route, method: 'HEAD' }));
  return [...routes, ...twins];
}

export const ROUTES: readonly Route[] = withHeadTwins(DECLARED_ROUTES);

type DeclaredRoute = (typeof DECLARED_ROUTES)[number];

/** The functions that serve routes of the table. */
export type RoutedFunction = DeclaredRoute['function'];

/** `METHOD /path` of each route in R (one route entry may stand for several methods and paths). */
type KeysOf<R> = R extends { readonly method: infer M extends string; readonly path: infer P extends string }
  ? `${M} ${P}`
  : never;
type PathsOf<Key, Method extends HttpMethod> = Key extends `${Method} ${infer Path}` ? Path : never;
type DeclaredKey<F extends RoutedFunction> = KeysOf<Extract<DeclaredRoute, { readonly function: F }>>;

/** `HEAD <path>` for each GET route of F: its GET handler answers it unless F names a HEAD handler. */
export type HeadTwinKey<F extends RoutedFunction> = `HEAD ${PathsOf<DeclaredKey<F>, 'GET'>}`;

/**
 * The route keys API Gateway sends to F (`'GET /o/{code}' | 'HEAD /o/{code}' | …` for the offer
 * page): its declared routes and the HEAD twins ROUTES adds.
 */
export type RouteKey<F extends RoutedFunction> = DeclaredKey<F> | HeadTwinKey<F>;

/**
 * API Gateway's `$default` route goes to this function: requests for an unknown path, or with a
 * method the path does not take, get a proper 404 or 405 instead of API Gateway's bare JSON.
 */
export const FALLBACK_FUNCTION: Route['function'] = 'fallback';

/** `/v1/offers/{summaryId}` → a regex with one capture per path parameter, as API Gateway matches. */
export function routePattern(path: string): { pattern: RegExp; params: string[] } {
  const params: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), params };
}

const PATTERNS = ROUTES.map((route) => ({ route, pattern: routePattern(route.path).pattern }));

/** The methods routes take on this concrete path (empty: no route has the path). */
export function methodsForPath(path: string): HttpMethod[] {
  return [...new Set(PATTERNS.filter(({ pattern }) => pattern.test(path)).map(({ route }) => route.method))];
}

/** `GET /v1/offers/{summaryId}` → the route key API Gateway and our handlers both use. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
