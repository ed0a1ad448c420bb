import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { EDGE_PAGE_CSP, edgePage, edgeProblem } from '../shared/http/edge-responses.ts';
import type { RateLimit, WafRateLimits } from './stages.ts';

/** CloudFront only attaches web ACLs of scope CLOUDFRONT, which live in us-east-1. */
export const WAF_REGION = 'us-east-1';

/** The managed rule groups, in evaluation order, with the label namespace each adds. */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', namespace: 'awswaf:managed:aws:amazon-ip-list:' },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', namespace: 'awswaf:managed:aws:known-bad-inputs:' },
  { name: 'AWSManagedRulesCommonRuleSet', namespace: 'awswaf:managed:aws:core-rule-set:' },
] as const;

/**
 * Managed-rule matches that do not block, and where. Each is a label the group adds (AWS WAF
 * developer guide, "Baseline rule groups" and "IP reputation rule groups", read 2026-11-30).
 */
export const MANAGED_RULE_EXCLUSIONS = [
  {
    label: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
    // Bodies over 8 KB. The partner API takes JSON bodies up to 64 KiB (an offer of 20 lines with
    // term choices and its texts; the handler answers 413 above that), and the console's create and
    // revise forms post the same offer. Customer forms stay covered: their largest (a decline
    // reason of 500 characters, percent-encoded) stays under 4 KB.
    paths: ['/v1/', '/console/'],
  },
  {
    label: 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header',
    // Requests without User-Agent. .NET's HttpClient sends none unless told to, and partner
    // integrations are often .NET; a browser always sends one, so pages stay covered.
    paths: ['/v1/'],
  },
  {
    label: 'awswaf:managed:aws:amazon-ip-list:AWSManagedIPDDoSList',
    // AWS ships this rule in count mode (addresses seen in DDoS activity, often shared NAT
    // addresses of real users); running the group in count mode to answer in our own formats must
    // not turn it into a block.
    paths: ['/'],
  },
] as const;

/** Which requests each rate rule counts, and how its refusal is written. */
export const RATE_RULES: readonly {
  readonly kind: keyof WafRateLimits;
  readonly name: string;
  readonly format: 'problem' | 'page';
}[] = [
  { kind: 'customerPages', name: 'RateCustomerPages', format: 'page' },
  { kind: 'customerForms', name: 'RateCustomerForms', format: 'page' },
  { kind: 'consoleSignIn', name: 'RateConsoleSignIn', format: 'page' },
  { kind: 'partnerApi', name: 'RatePartnerApi', format: 'problem' },
  { kind: 'otherRequests', name: 'RateOtherRequests', format: 'page' },
];

export const MANAGED_BLOCK_RULES = { api: 'BlockManagedApi', pages: 'BlockManagedPages' } as const;

export interface EdgeStackProps extends StackProps {
  readonly stage: string;
  readonly rateLimits: WafRateLimits;
}

/** What the dashboard needs to plot WAF's metrics (in us-east-1, dimension WebACL + Rule). */
export interface WafMetricNames {
  readonly webAcl: string;
  readonly rules: readonly string[];
}

type Statement = CfnWebACL.StatementProperty;

// Paths are compared lower-cased: `/O/<code>` (a link typed in capitals) reaches the fallback,
// which redirects it, and must count as a customer page, not escape every rule.
const uriStartsWith = (prefix: string): Statement => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'STARTS_WITH',
    searchString: prefix,
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});
const uriIs = (path: string): Statement => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'EXACTLY',
    searchString: path,
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});
const methodIs = (method: string): Statement => ({
  byteMatchStatement: {
    fieldToMatch: { method: {} },
    positionalConstraint: 'EXACTLY',
    searchString: method,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  },
});
const labelIn = (namespace: string): Statement => ({ labelMatchStatement: { scope: 'NAMESPACE', key: namespace } });
const label = (key: string): Statement => ({ labelMatchStatement: { scope: 'LABEL', key } });
const and = (...statements: Statement[]): Statement => ({ andStatement: { statements } });
const or = (...statements: Statement[]): Statement => ({ orStatement: { statements } });
/** WAF's OR takes two statements or more: one stands alone. */
const anyOf = (statements: Statement[]): Statement =>
  statements.length === 1 ? (statements[0] as Statement) : or(...statements);
const not = (statement: Statement): Statement => ({ notStatement: { statement } });

/** The request kinds, as WAF sees them. */
const SCOPES: Readonly<Record<keyof WafRateLimits, Statement>> = {
  customerPages: and(uriStartsWith('/o/'), or(methodIs('GET'), methodIs('HEAD'))),
  customerForms: and(uriStartsWith('/o/'), methodIs('POST')),
  consoleSignIn: and(uriIs('/console/sign-in'), methodIs('POST')),
  partnerApi: uriStartsWith('/v1/'),
  // Sign-in posts count here too: its own, tighter rule is the one they meet first.
  otherRequests: and(not(uriStartsWith('/o/')), not(uriStartsWith('/v1/'))),
};

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Custom response body keys. */
export const BODY_KEYS = {
  problemRateLimited: 'problem-rate-limited',
  pageRateLimited: 'page-rate-limited',
  problemBlocked: 'problem-request-blocked',
  pageBlocked: 'page-request-blocked',
} as const;

/**
 * AWS WAF for the CloudFront distribution, in us-east-1. Per-IP rate rules for the four request
 * kinds (sizes from the stage), then AWS's managed groups. The groups run in count mode and only
 * label what they match; two rules of ours then block labelled requests with our own answers (a
 * problem under /v1, a page elsewhere), except the exclusions above. WAF's custom responses are
 * static: the problems carry no requestId, and WAF sends them as `application/json` (its only JSON
 * content type).
 */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly metrics: WafMetricNames;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const webAclName = `purchase-offers-${props.stage}`;
    const noStore = [{ name: 'cache-control', value: 'no-store' }];
    const pageHeaders = [...noStore, { name: 'content-security-policy', value: EDGE_PAGE_CSP }];

    const rateRule = (
      { kind, name, format }: (typeof RATE_RULES)[number],
      priority: number,
      rate: RateLimit,
    ): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: {
        rateBasedStatement: {
          aggregateKeyType: 'IP',
          limit: rate.limit,
          evaluationWindowSec: rate.windowSeconds,
          scopeDownStatement: SCOPES[kind],
        },
      },
      action: {
        block: {
          customResponse: {
            responseCode: 429,
            customResponseBodyKey: format === 'problem' ? BODY_KEYS.problemRateLimited : BODY_KEYS.pageRateLimited,
            // The address stays blocked until its count over the trailing window falls under the limit.
            responseHeaders: [
              { name: 'retry-after', value: String(rate.windowSeconds) },
              ...(format === 'page' ? pageHeaders : noStore),
            ],
          },
        },
      },
      visibilityConfig: visibility(name),
    });

    const managedGroup = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      // Count: the group only labels; BlockManagedApi/BlockManagedPages answer in our formats.
      overrideAction: { count: {} },
      visibilityConfig: visibility(name),
    });

    const anyManagedLabel = or(...MANAGED_RULE_GROUPS.map((group) => labelIn(group.namespace)));
    /** A managed match that is not excused on this request's path. */
    const managedMatch = (pathScope: Statement): Statement =>
      and(
        anyManagedLabel,
        pathScope,
        ...MANAGED_RULE_EXCLUSIONS.map((exclusion) =>
          not(
            exclusion.paths.length === 1 && exclusion.paths[0] === '/'
              ? label(exclusion.label)
              : and(label(exclusion.label), anyOf(exclusion.paths.map(uriStartsWith))),
          ),
        ),
      );

    let priority = 0;
    const rules: CfnWebACL.RuleProperty[] = [
      ...RATE_RULES.map((rule) => rateRule(rule, priority++, props.rateLimits[rule.kind])),
      ...MANAGED_RULE_GROUPS.map((group) => managedGroup(group.name, priority++)),
      {
        name: MANAGED_BLOCK_RULES.api,
        priority: priority++,
        statement: managedMatch(uriStartsWith('/v1/')),
        action: {
          block: {
            customResponse: {
              responseCode: 403,
              customResponseBodyKey: BODY_KEYS.problemBlocked,
              responseHeaders: noStore,
            },
          },
        },
        visibilityConfig: visibility(MANAGED_BLOCK_RULES.api),
      },
      {
        name: MANAGED_BLOCK_RULES.pages,
        priority: priority++,
        statement: managedMatch(not(uriStartsWith('/v1/'))),
        action: {
          block: {
            customResponse: {
              responseCode: 403,
              customResponseBodyKey: BODY_KEYS.pageBlocked,
              responseHeaders: pageHeaders,
            },
          },
        },
        visibilityConfig: visibility(MANAGED_BLOCK_RULES.pages),
      },
    ];

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: webAclName,
      description: `Purchase offers ${props.stage} - per-IP rate limits and AWS managed rules, answered in our formats`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(webAclName),
      customResponseBodies: {
        [BODY_KEYS.problemRateLimited]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(edgeProblem('rate-limited')),
        },
        [BODY_KEYS.pageRateLimited]: { contentType: 'TEXT_HTML', content: edgePage('rate-limited') },
        [BODY_KEYS.problemBlocked]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(edgeProblem('request-blocked')),
        },
        [BODY_KEYS.pageBlocked]: { contentType: 'TEXT_HTML', content: edgePage('request-blocked') },
      },
      rules,
    });
    this.metrics = { webAcl: webAclName, rules: rules.map((rule) => rule.name) };
  }
}
