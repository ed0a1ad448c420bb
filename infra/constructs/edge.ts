import { Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnRotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../shared/http/origin-check.ts';
import { LEGACY_ICON_PATH, SITE_ICON_MAX_AGE_SECONDS, SITE_ICON_PATH } from '../../shared/render/site-icon.ts';
import type { AppFunction } from './app-function.ts';

export interface EdgeDistributionProps {
  readonly api: HttpApi;
  readonly stage: string;
  /** The public domain and its us-east-1 ACM certificate; absent: the distribution's own name. */
  readonly domain?: { readonly name: string; readonly certificateArn: string };
  /** The AWS WAF web ACL (scope CLOUDFRONT, from the edge stack in us-east-1). */
  readonly webAclArn: string;
}

/**
 * Paths whose answers are personal (offer pages and forms, the console, the partner API): never
 * cached, every viewer header, cookie and query string passed on except Host (API Gateway routes
 * on its own host name and refuses another).
 */
export const PERSONAL_PATHS = ['/o/*', '/console*', '/v1/*'] as const;
/**
 * The service's icon every page links, and the redirect to it at /favicon.ico: the same for
 * everyone, sent with `cache-control: public, max-age=` a week (shared/render/site-icon.ts).
 */
export const ICON_PATHS = [SITE_ICON_PATH, LEGACY_ICON_PATH] as const;
/**
 * The only cached paths: the OpenAPI document, the same for everyone (no key needed), sent with
 * `cache-control: public, max-age=300`, and the icon's. There are no other static assets: pages
 * inline their styles and script, and the demo logo exists only locally.
 */
export const CACHED_PATHS = ['/v1/openapi.json', ...ICON_PATHS] as const;

/**
 * The origin secret's actions the HTTP functions need: reading its current value (the
 * AWSCURRENT version holds both `current` and `previous`).
 */
export const ORIGIN_SECRET_READ_ACTIONS = ['secretsmanager:GetSecretValue'] as const;
/** The rotation function's: read the value, store the next one, and move AWSCURRENT to it. */
export const ORIGIN_SECRET_ROTATE_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
] as const;
export const DISTRIBUTION_UPDATE_ACTIONS = [
  'cloudfront:GetDistributionConfig',
  'cloudfront:UpdateDistribution',
] as const;

/**
 * CloudFront in front of the HTTP API: one name for customer links (/o/), the console (/console)
 * and the partner API (/v1), with AWS WAF attached. CloudFront adds ORIGIN_VERIFY_HEADER with the
 * origin secret's `current` value to every origin request; the functions refuse requests without
 * it (shared/http/origin-check.ts), so the execute-api address cannot be used to skip WAF.
 */
export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;
  /** `{"current": "...", "previous": "..."}`; rotated by the originSecretRotation function. */
  readonly originSecret: Secret;
  /** Where customers, partners and the console reach the service (no trailing slash). */
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    this.originSecret = new Secret(this, 'OriginSecret', {
      description: `Purchase offers (${props.stage}): the header value CloudFront proves itself to the HTTP API with`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });

    // The execute-api host name: `https://<id>.execute-api.<region>.amazonaws.com` → its third part.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const origin = new HttpOrigin(apiHost, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      // API Gateway's own limit is 30 s; CloudFront's default read timeout is the same.
      readTimeout: Duration.seconds(30),
      // A dynamic reference: CloudFormation resolves the current value at deploy, so the template
      // never holds it. Between deploys the rotation function updates the distribution itself.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValueFromJson('current').unsafeUnwrap() },
    });

    const personal = (viewerProtocolPolicy: ViewerProtocolPolicy): BehaviorOptions => ({
      origin,
      viewerProtocolPolicy,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every header the functions read passes: Authorization (the authorizer), Cookie (console
      // sessions), Origin and Sec-Fetch-Site (form posts), Accept-Language, User-Agent (automated
      // visitors), Content-Type, Idempotency-Key; not Host.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    const openApiCache = new CachePolicy(this, 'OpenApiCachePolicy', {
      comment: 'The OpenAPI document: the origin says max-age=300; nothing of the request varies it',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.hours(1),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // Each edge asks the origin for the icon about once per max-age instead of once per page view.
    // No Accept-Encoding in the key: CloudFront never compresses a file under 1,000 bytes.
    const iconCache = new CachePolicy(this, 'SiteIconCachePolicy', {
      comment: "The service's icon and its /favicon.ico redirect: the origin says max-age of a week; nothing varies it",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(SITE_ICON_MAX_AGE_SECONDS),
      maxTtl: Duration.seconds(SITE_ICON_MAX_AGE_SECONDS),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
    });

    const certificate = props.domain
      ? Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn)
      : undefined;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Purchase offers (${props.stage})`,
      webAclId: props.webAclArn,
      // Customers in Brazil are served from South American edges, which only the full class has.
      priceClass: PriceClass.PRICE_CLASS_ALL,
      httpVersion: HttpVersion.HTTP2_AND_3,
      domainNames: props.domain ? [props.domain.name] : undefined,
      certificate,
      minimumProtocolVersion: props.domain ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      // Customers type or paste links without the scheme: redirect them; anything else is personal too.
      defaultBehavior: personal(ViewerProtocolPolicy.REDIRECT_TO_HTTPS),
      additionalBehaviors: {
        [CACHED_PATHS[0]]: {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: CachedMethods.CACHE_GET_HEAD,
          cachePolicy: openApiCache,
          compress: true,
        },
        ...Object.fromEntries(
          ICON_PATHS.map((path) => [
            path,
            {
              origin,
              // Crawlers ask http://<name>/favicon.ico too: redirected, like people typing http://.
              viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
              allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
              cachedMethods: CachedMethods.CACHE_GET_HEAD,
              cachePolicy: iconCache,
              compress: false,
            } satisfies BehaviorOptions,
          ]),
        ),
        // A redirect would make an API client send its key over plain HTTP a second time and drop
        // a POST's body: the API refuses plain HTTP instead.
        ...Object.fromEntries(
          PERSONAL_PATHS.map((pattern) => [
            pattern,
            personal(pattern === '/v1/*' ? ViewerProtocolPolicy.HTTPS_ONLY : ViewerProtocolPolicy.REDIRECT_TO_HTTPS),
          ]),
        ),
      },
    });
    this.publicBaseUrl = props.domain
      ? `https://${props.domain.name}`
      : `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Partners sell to customers in any usage location we support; no country is refused at the edge.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Every request reaching the API is in its access log and WAF keeps sampled requests of each rule; CloudFront standard logs would add an S3 bucket of viewer addresses we have no use for yet.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "Without a custom domain the distribution uses CloudFront's default certificate, whose TLS policy cannot be set; stages with a domain use TLSv1.2_2021.",
      });
    }
  }

  /** ORIGIN_SECRET_ARN and GetSecretValue on this secret only: what an HTTP function's origin check needs. */
  grantOriginCheck(fn: AppFunction): void {
    fn.function.addEnvironment('ORIGIN_SECRET_ARN', this.originSecret.secretArn);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...ORIGIN_SECRET_READ_ACTIONS], resources: [this.originSecret.secretArn] }),
    );
  }

  /**
   * Secrets Manager rotates the secret with `fn` every `days` days. The schedule is declared as
   * the CloudFormation resource rather than through addRotationSchedule, which would also grant
   * GetRandomPassword on "*" (the function draws its own random bytes).
   */
  rotateWith(fn: AppFunction, days: number): void {
    const stack = Stack.of(this);
    fn.function.addEnvironment('ORIGIN_SECRET_ARN', this.originSecret.secretArn);
    fn.function.addEnvironment('DISTRIBUTION_ID', this.distribution.distributionId);
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...ORIGIN_SECRET_ROTATE_ACTIONS], resources: [this.originSecret.secretArn] }),
    );
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...DISTRIBUTION_UPDATE_ACTIONS],
        resources: [
          stack.formatArn({
            service: 'cloudfront',
            region: '',
            resource: 'distribution',
            resourceName: this.distribution.distributionId,
          }),
        ],
      }),
    );
    fn.function.addPermission('SecretsManagerRotation', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: stack.account,
    });
    const permission = fn.function.node.findChild('SecretsManagerRotation');
    const schedule = new CfnRotationSchedule(this, 'OriginSecretRotation', {
      secretId: this.originSecret.secretArn,
      rotationLambdaArn: fn.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${days} days)` },
    });
    schedule.node.addDependency(permission);
  }
}
