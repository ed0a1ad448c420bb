/**
 * The single source of truth for the HTTP surface. The CDK stack creates one Lambda function per
 * entry in FUNCTIONS and one API route per entry in ROUTES; the local gateway serves the same
 * routes with the same handlers, so the two cannot drift.
 */

/** How much of the table a function may touch; the CDK stack grants exactly this. */
export type TableAccess = 'none' | 'read' | 'readWrite';

/**
 * Deployment settings the CDK stack passes to functions as environment variables of the same
 * name. Every function behind an HTTP route gets PUBLIC_BASE_URL and CHECKOUT_URL_TEMPLATE; other
 * settings are listed per function in `env`, so a function only sees what it reads.
 */
export type DeploymentSetting = 'PUBLIC_BASE_URL' | 'CHECKOUT_URL_TEMPLATE' | 'DIRECTORY_BASE_URL';

/** Named schedules; each one's rate is a per-stage deployment setting (cdk.json context). */
export type ScheduleName = 'officeSync';

export interface FunctionSpec {
  /** Entry file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly tableAccess: TableAccess;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /** Deployment settings this function reads beyond the ones every HTTP function gets. */
  readonly env?: readonly DeploymentSetting[];
  /**
   * Also invoked by EventBridge Scheduler on this schedule (`officeSync`: context officeSyncRate).
   * Failed runs end in a dead-letter queue with an alarm on it.
   */
  readonly schedule?: ScheduleName;
}

export const FUNCTIONS = {
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'Identifies the partner behind an API key (Lambda REQUEST authorizer)',
    tableAccess: 'read',
  },
  catalog: {
    entry: 'functions/catalog/handler.ts',
    description: 'Usage locations and the subscriptions sold in each (bundled catalog, no table access)',
    tableAccess: 'none',
  },
  offerPage: {
    entry: 'functions/offer-page/handler.ts',
    description: 'Customer offer pages: view (counts the view), accept and decline',
    // A view is one UpdateItem that counts it and returns the offer; accept and decline are transactions.
    tableAccess: 'readWrite',
  },
  offers: {
    entry: 'functions/offers/handler.ts',
    description: 'Partner offers: create (idempotent) and deactivate',
    tableAccess: 'readWrite',
  },
  offersRead: {
    entry: 'functions/offers-read/handler.ts',
    description: 'Partner offers, read-only: list, get with counters, message, QR code, acceptances',
    tableAccess: 'read',
  },
  offices: {
    entry: 'functions/offices/handler.ts',
    description: "A partner's offices as synced from the partner network directory",
    tableAccess: 'read',
  },
  officeSync: {
    entry: 'functions/office-sync/handler.ts',
    description: 'Syncs partner offices from the partner network directory: scheduled, and on demand per partner',
    // Narrower than 'readWrite': infra/constructs/office-sync.ts grants TABLE_NAME and item reads
    // and conditional writes on office and sync-state keys only, plus the directory credential.
    tableAccess: 'none',
    env: ['DIRECTORY_BASE_URL'],
    schedule: 'officeSync',
    memoryMb: 512,
    // The scheduled run's budget; the on-demand route keeps its own 20 s budget (HTTP API: 30 s).
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Partner routes pass through the API key authorizer; public routes are open and throttled. */
export type RouteAuth = 'partner' | 'public';
export type HttpMethod = 'GET' | 'POST';

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

const CUSTOMER_PAGE_THROTTLE: RouteThrottle = { rateLimit: 20, burstLimit: 40 };
const CUSTOMER_FORM_THROTTLE: RouteThrottle = { rateLimit: 10, burstLimit: 20 };

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
  { method: 'POST', path: '/o/{code}/accept', function: 'offerPage', auth: 'public', throttle: CUSTOMER_FORM_THROTTLE },
  {
    method: 'POST',
    path: '/o/{code}/decline',
    function: 'offerPage',
    auth: 'public',
    throttle: CUSTOMER_FORM_THROTTLE,
  },
];

/** `GET /v1/offers/{summaryId}` → the route key API Gateway and our handlers both use. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
