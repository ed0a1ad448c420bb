import { pathToFileURL } from 'node:url';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CHECKOUT_URL_TEMPLATE, DEFAULT_DIRECTORY_BASE_URL } from './constructs/environment.ts';
import { PurchaseOffersStack } from './stack.ts';

/**
 * The CDK app. Everything that varies per deployment comes from context (cdk.json or `-c`):
 *   stage               dev (default), prod, ...; names the stack
 *   publicBaseUrl       where offer links point (default: the API endpoint)
 *   checkoutUrlTemplate the vendor checkout URL with {advisorCode} {summaryId} {items} {delegatedAdmin}
 *   officeSyncRate      minutes between office syncs (default 10: new offices show within 15 min)
 *   directoryBaseUrl    the partner network directory
 *   directoryCredentialParameter  SecureString SSM parameter with the directory credential
 *                       (default /purchase-offers/<stage>/directory-credential; ops creates it)
 *   formTokenKeysParameter  SecureString SSM parameter with the form-token keys
 *                       (default /purchase-offers/<stage>/form-token-keys; ops creates and rotates it)
 */
const DEFAULT_OFFICE_SYNC_RATE_MINUTES = 10;

function context(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function httpsUrl(key: string, value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'https:') throw new Error(`Context ${key} must be an https URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Builds the app with its one stack and cdk-nag; tests call it with their own context. */
export function createApp(props: AppProps = {}): { app: App; stack: PurchaseOffersStack } {
  const app = new App(props);

  const stage = context(app, 'stage') ?? 'dev';
  // The stage becomes part of the stack name, so it must be valid there.
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage))
    throw new Error(`Context stage must match [a-z][a-z0-9-]*, got "${stage}"`);

  const publicBaseUrl = context(app, 'publicBaseUrl');
  const rateText = context(app, 'officeSyncRate');
  const officeSyncRate = rateText === undefined ? DEFAULT_OFFICE_SYNC_RATE_MINUTES : Number(rateText);
  if (!Number.isInteger(officeSyncRate) || officeSyncRate < 1) {
    throw new Error(`Context officeSyncRate must be a whole number of minutes >= 1, got "${rateText}"`);
  }

  const stack = new PurchaseOffersStack(app, `PurchaseOffers-${stage}`, {
    description: `Purchase offers as a service (${stage})`,
    // Env-agnostic unless the CLI resolved an account: synth needs no credentials.
    env:
      process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
        ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
        : undefined,
    stage,
    publicBaseUrl: publicBaseUrl === undefined ? undefined : httpsUrl('publicBaseUrl', publicBaseUrl),
    checkoutUrlTemplate: context(app, 'checkoutUrlTemplate') ?? DEFAULT_CHECKOUT_URL_TEMPLATE,
    directoryBaseUrl: httpsUrl('directoryBaseUrl', context(app, 'directoryBaseUrl') ?? DEFAULT_DIRECTORY_BASE_URL),
    directoryCredentialParameter:
      context(app, 'directoryCredentialParameter') ?? `/purchase-offers/${stage}/directory-credential`,
    formTokenKeysParameter: context(app, 'formTokenKeysParameter') ?? `/purchase-offers/${stage}/form-token-keys`,
    scheduleRateMinutes: { officeSync: officeSyncRate },
  });
  Tags.of(app).add('project', 'purchase-offers');
  Tags.of(app).add('stage', stage);

  // cdk-nag 3 runs as a validation plugin at synth; unacknowledged errors fail the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

// Run by the CDK CLI (cdk.json: `npx tsx infra/app.ts`); tests import createApp instead.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) createApp();
