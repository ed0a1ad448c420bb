/**
 * The single source of truth for the HTTP surface. The CDK stack creates one Lambda function per
 * entry in FUNCTIONS and one API route per entry in ROUTES; the local gateway serves the same
 * routes with the same handlers, so the two cannot drift.
 */

/**
 * DynamoDB data-plane actions. A transaction needs the action of each item it writes (PutItem,
 * UpdateItem, ConditionCheckItem): IAM has no separate TransactWriteItems action.
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'ConditionCheckItem';

/**
 * What a function may do to the table: exactly these actions on the table, and Query on GSI1 only
 * where `queriesIndex` is set. The CDK stack grants this and nothing more.
 */
export interface TableAccess {
  readonly actions: readonly TableAction[];
  readonly queriesIndex?: boolean;
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
  | 'API_KEY_CACHE_SECONDS';

/** Named schedules; each one's rate is a per-stage deployment setting (cdk.json context). */
export type ScheduleName = 'officeSync';

export interface FunctionSpec {
  /** Entry file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Absent: no table access at all (and no TABLE_NAME). */
  readonly table?: TableAccess;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** Deployment settings this function reads beyond the ones every HTTP function gets. */
  readonly env?: readonly DeploymentSetting[];
  /**
   * Also invoked by EventBridge Scheduler on this schedule (`officeSync`: context officeSyncRate).
   * Failed runs end in a dead-letter queue with an alarm on it.
   */
  readonly schedule?: ScheduleName;
  /**
   * Invoked by the table's stream for new items of these entities (`entity` attribute). The stack
   * filters the stream on them; failed batches end in a dead-letter queue with an alarm on it.
   */
  readonly streamEntities?: readonly string[];
}

export const FUNCTIONS = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'Identifies the partner behind an API key (Lambda REQUEST authorizer)',
    table: { actions: ['GetItem'] },
    env: ['API_KEY_CACHE_SECONDS'],
  },
  catalog: {
    entry: 'functions/catalog/handler.ts',
    description: 'Usage locations and the subscriptions sold in each (bundled catalog, no table access)',
  },
  offerPage: {
    entry: 'functions/offer-page/handler.ts',
    description: 'Customer offer pages: view (counts the view), accept and decline',
    // A view reads the offer and bumps its view counter; accept and decline are transactions that
    // update the offer's counters and put the response item.
    table: { actions: ['GetItem', 'UpdateItem', 'PutItem'] },
    env: ['CHECKOUT_URL_TEMPLATE'],
  },
  offers: {
    entry: 'functions/offers/handler.ts',
    description: 'Partner offers: create (idempotent) and deactivate',
    // Create: one BatchGetItem, then a transaction of puts; deactivate: one UpdateItem.
    table: { actions: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'] },
    env: ['PUBLIC_BASE_URL'],
  },
  offersRead: {
    entry: 'functions/offers-read/handler.ts',
    description: 'Partner offers, read-only: list, get with counters, message, QR code, acceptances',
    // get is a Query (offer + views counter), list a GSI1 Query plus a BatchGetItem of counters.
    table: { actions: ['Query', 'BatchGetItem'], queriesIndex: true },
    env: ['PUBLIC_BASE_URL'],
  },
  offices: {
    entry: 'functions/offices/handler.ts',
    description: "A partner's offices as synced from the partner network directory",
    table: { actions: ['Query', 'BatchGetItem'] },
  },
  officeSync: {
    entry: 'functions/office-sync/handler.ts',
    description: 'Syncs partner offices from the partner network directory: scheduled, and on demand per partner',
    // No `table`: infra/constructs/office-sync.ts grants TABLE_NAME and item reads and writes
    // limited to the office and sync-state partition keys, plus the directory credential.
    env: ['DIRECTORY_BASE_URL'],
    schedule: 'officeSync',
    memoryMb: 512,
    // The scheduled run's budget; the on-demand route keeps its own 20 s budget (HTTP API: 30 s).
    timeoutSeconds: 300,
  },
  fallback: {
    entry: 'functions/fallback/handler.ts',
    description: "Answers requests no route matches (API Gateway's $default route): 404, or 405 with Allow",
  },
  offerEvents: {
    entry: 'functions/offer-events/handler.ts',
    description: 'Publishes each recorded acceptance and decline to the offer events bus (from the table stream)',
    env: ['EVENT_BUS_NAME'],
    streamEntities: ['acceptance', 'decline'],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Partner routes pass through the API key authorizer; public routes are open and throttled. */
export type RouteAuth = 'partner' | 'public';
export type HttpMethod = 'GET' | 'HEAD' | 'POST';

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

// Route throttles are shared by every caller of the route (HTTP APIs have no per-client limits):
// sized for a partner's mailing going out to many customers at once, far below what the table
// and the account's Lambda concurrency take, so a flood stops at the gateway.
const CUSTOMER_PAGE_THROTTLE: RouteThrottle = { rateLimit: 100, burstLimit: 200 };
const CUSTOMER_FORM_THROTTLE: RouteThrottle = { rateLimit: 50, burstLimit: 200 };

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/usage-locations', function: 'catalog', auth: 'partner' },
  { method: 'GET', path: '/v1/catalog', function: 'catalog', auth: 'partner' },
  { method: 'GET', path: '/v1/offices', function: 'offices', auth: 'partner' },
  { method: 'POST', path: '/v1/offices/sync', function: 'officeSync', auth: 'partner' },
  { method: 'POST', path: '/v1/offers', function: 'offers', auth: 'partner' },
  { method: 'GET', path: '/v1/offers', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/message', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/qr.svg', function: 'offersRead', auth: 'partner' },
  { method: 'GET', path: '/v1/offers/{summaryId}/acceptances', function: 'offersRead', auth: 'partner' },
  { method: 'POST', path: '/v1/offers/{summaryId}/deactivate', function: 'offers', auth: 'partner' },
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
];

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
