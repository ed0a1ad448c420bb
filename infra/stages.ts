import { DEFAULT_CHECKOUT_URL_TEMPLATE, DEFAULT_DIRECTORY_BASE_URL } from './constructs/environment.ts';

/**
 * Every setting that differs between deployments, per stage, in one committed place: `cdk diff -c
 * stage=prod` compares the stack against exactly what is written here, never against flags someone
 * passed on their own machine. `-c stage=<name>` picks one entry (default `dev`); nothing else is
 * read from CDK context. This module stays free of CDK imports so that tests and tools can read it.
 */

/**
 * One per-IP AWS WAF rate-based rule: at most `limit` requests from one client address within the
 * trailing `windowSeconds` (WAF's evaluation window: 60, 120, 300 or 600 s), then 429 with
 * `Retry-After: windowSeconds` until the address falls under the limit again. WAF counts
 * approximately and acts within about a minute of a breach (AWS WAF developer guide, rate-based
 * rule caveats, read 2026-11-30).
 */
export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: 60 | 120 | 300 | 600;
}

/** The four request kinds WAF limits separately, each per client address. */
export interface WafRateLimits {
  /** GET/HEAD under /o/: offer pages and their confirmation pages. */
  readonly customerPages: RateLimit;
  /** POST under /o/: accept and decline forms. */
  readonly customerForms: RateLimit;
  /** POST /console/sign-in: API-key guessing through the console form. */
  readonly consoleSignIn: RateLimit;
  /** Everything under /v1/: the partner API (one partner's integration usually comes from few addresses). */
  readonly partnerApi: RateLimit;
  /**
   * Everything else: the console's pages (each checks a session in the table) and paths no route
   * has (the fallback function answers them), so that no path is unlimited.
   */
  readonly otherRequests: RateLimit;
}

/**
 * Thresholds of the edge alarms (stack `PurchaseOffersEdgeAlarms-<stage>`, us-east-1: CloudFront
 * and WAF publish their metrics only there), each judged over 5-minute periods.
 */
export interface EdgeAlarmThresholds {
  /**
   * CloudFront's `5xxErrorRate`: the percentage of viewer requests answered 5xx (average over
   * 5 minutes), above which for `viewer5xxPeriods` consecutive periods viewers are getting errors.
   * Above 0 and below 100.
   */
  readonly viewer5xxPercent: number;
  /** Consecutive 5-minute periods above `viewer5xxPercent` before the alarm fires (1 to 288). */
  readonly viewer5xxPeriods: number;
  /**
   * Requests one managed-rule block rule (`BlockManagedApi`, `BlockManagedPages`: one alarm each)
   * refused within 5 minutes, above which it alarms: a wave of false positives or an attack.
   */
  readonly managedRuleBlocks: number;
  /**
   * Requests the `RateCustomerPages` rule refused (429) within 5 minutes, above which it alarms:
   * customers sharing an address (a NAT, a carrier) may be refused pages of a viral link.
   */
  readonly customerPageRateBlocks: number;
}

export interface StageConfig {
  /**
   * Names the stacks (`PurchaseOffers-<name>`, `PurchaseOffersEdge-<name>`,
   * `PurchaseOffersEdgeAlarms-<name>`); `[a-z][a-z0-9-]*`, not `local`.
   */
  readonly name: string;
  /**
   * The AWS account to deploy to. Absent: the CLI's account (`CDK_DEFAULT_ACCOUNT`), or none at all
   * for an offline `cdk synth`.
   */
  readonly account?: string;
  /**
   * The main stack's region; the edge stacks (WAF, edge alarms) are always in us-east-1, where
   * CloudFront takes web ACLs from and publishes its metrics.
   */
  readonly region: string;
  /**
   * The public domain: customer links, the console and the API all live under it. The certificate
   * is an ACM certificate in us-east-1 covering the name (CloudFront only takes those), created and
   * validated outside the stack; point the name's DNS record (CNAME or alias) at the distribution
   * (output `DistributionDomainName`). Absent: the distribution's own `*.cloudfront.net` name.
   */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  readonly checkoutUrlTemplate: string;
  readonly directoryBaseUrl: string;
  /** SecureString SSM parameter with the directory credential (default `/purchase-offers/<stage>/directory-credential`). */
  readonly directoryCredentialParameter?: string;
  /** SecureString SSM parameter with the form-token keys (default `/purchase-offers/<stage>/form-token-keys`). */
  readonly formTokenKeysParameter?: string;
  /** Minutes between scheduled office syncs (10 keeps the 15-minute freshness promise). */
  readonly officeSyncRateMinutes: number;
  /** Alarm notifications go to this address (an SNS email subscription, confirmed by its owner); absent: none. */
  readonly alarmEmail?: string;
  readonly waf: WafRateLimits;
  readonly edgeAlarms: EdgeAlarmThresholds;
  /** Days between automatic rotations of the secret CloudFront proves itself to the API with. */
  readonly originSecretRotationDays: number;
  /**
   * Execution environments of the customer offer page function kept initialised at all times
   * (Lambda provisioned concurrency), a whole number from 0 to MAX_PROVISIONED_CONCURRENCY. Above 0
   * the function gets a published version and an alias `live` holding that many environments, and
   * the page's routes invoke the alias: a customer meets a cold start only when more views than
   * that run at the same moment (the excess spills over to ordinary on-demand environments). Each
   * deploy that changes the function then publishes a version and waits until the alias's
   * environments are ready. 0: no version, no alias, routes invoke the function as such.
   */
  readonly offerPageProvisionedConcurrency: number;
}

/**
 * Sized so that a person never meets them and one address cannot hold a route for everyone else:
 * a customer opens an offer, changes counts and reloads a few times (10-20 requests a minute);
 * an office or a shared NAT of many customers reading the same mailing stays far below 300 in 5 min.
 * Forms are posted once or twice per offer. Sign-in allows a few typos, not a dictionary. A partner
 * integration listing and creating offers in bulk gets about 10 requests a second. A partner working
 * in the console clicks a few pages a minute; 600 in 5 min is far beyond a person.
 */
const DEFAULT_WAF: WafRateLimits = {
  customerPages: { limit: 300, windowSeconds: 300 },
  customerForms: { limit: 60, windowSeconds: 300 },
  consoleSignIn: { limit: 20, windowSeconds: 300 },
  partnerApi: { limit: 3000, windowSeconds: 300 },
  otherRequests: { limit: 600, windowSeconds: 300 },
};

/**
 * Judgement, not measurement (no traffic yet): tune a stage after watching its dashboard for a
 * week. 5 % for 15 minutes: the main stack already alarms on the HTTP API's 5xx count (5 in
 * 5 minutes) and on every function error, so this one is the viewers' view, including what the
 * API cannot see (CloudFront's own 502/504 when the origin is unreachable or slow), and must not
 * fire on the single 503 of a short outage at night. 100 blocked requests in 5 minutes is well
 * above a scanner's background noise on a public name, and reached within minutes by a rule that
 * starts refusing real partner calls or customer forms. 100 rate-limited page requests are a few
 * dozen customers (a page and a reload or two each) behind one address.
 */
const DEFAULT_EDGE_ALARMS: EdgeAlarmThresholds = {
  viewer5xxPercent: 5,
  viewer5xxPeriods: 3,
  managedRuleBlocks: 100,
  customerPageRateBlocks: 100,
};

/**
 * Provisioned environments of the offer page in prod: 2. Billed for as long as configured, whether
 * used or not: 2 environments x 256 MB (the page's memory) = 0.5 GB, x 2,592,000 s in a 30-day
 * month = 1,296,000 GB-seconds a month at the region's provisioned-concurrency rate for arm64
 * (AWS Lambda pricing page), plus requests and duration as usual. An environment serves one request at a
 * time and a view takes tens of milliseconds, so two keep the steady trickle of customers opening
 * a mailed link (rarely two at the same instant) off cold starts; a burst beyond them spills over to
 * on-demand environments, cold as today, and WAF and the route throttles bound it. Raise it after
 * the dashboard's spillover graph shows customers regularly beyond it.
 */
const PROD_OFFER_PAGE_PROVISIONED_CONCURRENCY = 2;

export const STAGES = {
  /** The default: `cdk synth` works offline with it (no account, the example checkout and directory). */
  dev: {
    name: 'dev',
    region: 'eu-west-1',
    checkoutUrlTemplate: DEFAULT_CHECKOUT_URL_TEMPLATE,
    directoryBaseUrl: DEFAULT_DIRECTORY_BASE_URL,
    officeSyncRateMinutes: 10,
    waf: DEFAULT_WAF,
    edgeAlarms: DEFAULT_EDGE_ALARMS,
    originSecretRotationDays: 30,
    // Development traffic does not pay for idle environments, and deploys stay fast (no version).
    offerPageProvisionedConcurrency: 0,
  },
  prod: {
    name: 'prod',
    region: 'eu-west-1',
    domain: {
      name: 'offers.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000',
    },
    checkoutUrlTemplate: DEFAULT_CHECKOUT_URL_TEMPLATE,
    directoryBaseUrl: DEFAULT_DIRECTORY_BASE_URL,
    officeSyncRateMinutes: 10,
    alarmEmail: 'ops@example.com',
    waf: { ...DEFAULT_WAF, partnerApi: { limit: 6000, windowSeconds: 300 } },
    edgeAlarms: DEFAULT_EDGE_ALARMS,
    originSecretRotationDays: 30,
    offerPageProvisionedConcurrency: PROD_OFFER_PAGE_PROVISIONED_CONCURRENCY,
  },
} as const satisfies Record<string, StageConfig>;

export const DEFAULT_STAGE = 'dev';

/** The local runtime's stage name (`npm start`): no CloudFront, so no deployed stage may take it. */
export const LOCAL_STAGE = 'local';

const WINDOWS: readonly number[] = [60, 120, 300, 600];

/**
 * The most provisioned environments a stage may ask for the offer page: a guard against a typo
 * (an extra zero is a bill, and a deploy that waits for environments the account's unreserved
 * concurrency may not have), not a Lambda limit.
 */
export const MAX_PROVISIONED_CONCURRENCY = 100;

function httpsUrl(stage: string, key: string, value: string): void {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'https:') throw new Error(`Stage ${stage}: ${key} must be an https URL, got "${value}"`);
}

/**
 * CloudWatch: a 5-minute alarm looks back at most one day, 288 periods (PutMetricAlarm `Period`:
 * evaluation periods times period at most 86,400 s under one hour; CloudWatch API reference, read
 * 2026-11-30).
 */
const MAX_5_MINUTE_PERIODS = 288;

function edgeAlarmThresholds(stage: string, thresholds: EdgeAlarmThresholds): void {
  const { viewer5xxPercent: percent, viewer5xxPeriods: periods } = thresholds;
  if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
    throw new Error(`Stage ${stage}: edgeAlarms.viewer5xxPercent must be above 0 and below 100, got ${percent}`);
  }
  if (!Number.isInteger(periods) || periods < 1 || periods > MAX_5_MINUTE_PERIODS) {
    throw new Error(
      `Stage ${stage}: edgeAlarms.viewer5xxPeriods must be a whole number from 1 to ${MAX_5_MINUTE_PERIODS}, got ${periods}`,
    );
  }
  for (const key of ['managedRuleBlocks', 'customerPageRateBlocks'] as const) {
    if (!Number.isInteger(thresholds[key]) || thresholds[key] < 1) {
      throw new Error(`Stage ${stage}: edgeAlarms.${key} must be a whole number >= 1, got ${thresholds[key]}`);
    }
  }
}

/**
 * The stage's settings, checked: a typo fails the synth with the setting's name, not a deploy.
 * Throws on an unknown stage, listing the known ones.
 */
export function stageConfig(name: string, stages: Readonly<Record<string, StageConfig>> = STAGES): StageConfig {
  const config = stages[name];
  if (!config) throw new Error(`Unknown stage "${name}"; infra/stages.ts defines ${Object.keys(stages).join(', ')}`);
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(config.name) || config.name === LOCAL_STAGE) {
    throw new Error(`Stage name must match [a-z][a-z0-9-]* and not be "${LOCAL_STAGE}", got "${config.name}"`);
  }
  if (config.name !== name) throw new Error(`Stage "${name}" is named "${config.name}" inside; use one name`);
  httpsUrl(name, 'directoryBaseUrl', config.directoryBaseUrl);
  if (!Number.isInteger(config.officeSyncRateMinutes) || config.officeSyncRateMinutes < 1) {
    throw new Error(
      `Stage ${name}: officeSyncRateMinutes must be a whole number >= 1, got ${config.officeSyncRateMinutes}`,
    );
  }
  if (config.domain) {
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(config.domain.name)) {
      throw new Error(`Stage ${name}: domain.name must be a lower-case host name, got "${config.domain.name}"`);
    }
    if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(config.domain.certificateArn)) {
      throw new Error(`Stage ${name}: domain.certificateArn must be an ACM certificate in us-east-1 (CloudFront's)`);
    }
  }
  for (const [kind, rate] of Object.entries(config.waf)) {
    // WAF's own bounds for a rate-based rule's limit (10 to 2,000,000,000).
    if (!Number.isInteger(rate.limit) || rate.limit < 10 || rate.limit > 2_000_000_000) {
      throw new Error(`Stage ${name}: waf.${kind}.limit must be a whole number from 10, got ${rate.limit}`);
    }
    if (!WINDOWS.includes(rate.windowSeconds)) {
      throw new Error(`Stage ${name}: waf.${kind}.windowSeconds must be one of ${WINDOWS.join(', ')}`);
    }
  }
  edgeAlarmThresholds(name, config.edgeAlarms);
  if (!Number.isInteger(config.originSecretRotationDays) || config.originSecretRotationDays < 1) {
    throw new Error(`Stage ${name}: originSecretRotationDays must be a whole number of days >= 1`);
  }
  const provisioned = config.offerPageProvisionedConcurrency;
  if (!Number.isInteger(provisioned) || provisioned < 0 || provisioned > MAX_PROVISIONED_CONCURRENCY) {
    throw new Error(
      `Stage ${name}: offerPageProvisionedConcurrency must be a whole number from 0 (none) to ${MAX_PROVISIONED_CONCURRENCY}, got ${provisioned}`,
    );
  }
  return config;
}
