/**
 * `npm start`: DynamoDB Local + the table + a demo partner and key + the local gateway, all on
 * this machine. Data persists in .local/ unless --in-memory is given. Ctrl-C stops everything.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCheckoutTemplate } from '../../functions/offer-page/checkout.ts';
import { errorSummary } from '../../shared/db/errors.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';
import { generateApiKey, isWellFormedApiKey } from '../../shared/domain/api-key.ts';
import { loopbackHttpAllowed } from '../../shared/net/public-address.ts';
import { FUNCTIONS } from '../../shared/routes.ts';
import { createDemoCheckout, demoCheckoutTemplate } from './checkout.ts';
import { DEMO_LOGO_PATH, DEMO_LOGO_SVG, demoLogoUrl } from './demo-logo.ts';
import { startLocalOfficeSync } from './directory.ts';
import { ensureTable, localClient, startDynamoDbLocal, superviseDynamoDbLocal } from './dynamodb.ts';
import { localFormTokenKeys } from './form-token-keys.ts';
import { createLocalGateway, logGatewayError } from './gateway.ts';
import { localPartnerSyncInvoker } from './lambda-invoke.ts';
import { LocalOfferTimers } from './offer-timers.ts';
import { ensurePortFree, PortInUseError } from './port.ts';
import { seedDemo } from './seed.ts';
import { quietRetryLog, startTableStreamPoller } from './table-stream.ts';
import { webhookBannerLines } from './webhook-banner.ts';
import { LocalDeliveryQueue } from './webhook-queue.ts';

const LOCAL_DIR = '.local';
const TABLE_NAME = 'purchase-offers-local';

const { values: flags } = parseArgs({ options: { 'in-memory': { type: 'boolean', default: false } } });
const inMemory = flags['in-memory'] === true;
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535)
  throw new Error(`PORT must be a TCP port, got ${process.env.PORT}`);

// Set (and not empty): the checkout accepted offers go to, checked by the same parser the
// functions run at their cold start, so a bad one stops here with the reason, before anything starts.
const checkoutTemplate = process.env.CHECKOUT_URL_TEMPLATE || undefined;
if (checkoutTemplate !== undefined) {
  try {
    parseCheckoutTemplate(checkoutTemplate);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}: ${JSON.stringify(checkoutTemplate)}.
Unset CHECKOUT_URL_TEMPLATE to use the local demo checkout.`);
    process.exit(1);
  }
}

/** DEMO_API_KEY wins; otherwise the key made on the first run is kept with the persisted data. */
function demoApiKey(): string {
  const fromEnv = process.env.DEMO_API_KEY;
  if (fromEnv !== undefined) {
    if (!isWellFormedApiKey(fromEnv))
      throw new Error('DEMO_API_KEY must look like pok_ followed by 43 base64url characters');
    return fromEnv;
  }
  if (inMemory) return generateApiKey();
  const file = join(LOCAL_DIR, 'demo-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateApiKey();
  mkdirSync(LOCAL_DIR, { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

// Everything started is stopped again, on Ctrl-C or when start-up fails half-way.
const stops: (() => Promise<void> | void)[] = [];
const stopAll = async () => {
  for (const stop of stops.reverse()) await stop();
};
try {
  await ensurePortFree(port);
  // In memory, the editable directory file lives in a temporary folder too: nothing is left behind.
  const workDir = inMemory ? mkdtempSync(join(tmpdir(), 'purchase-offers-')) : LOCAL_DIR;
  if (inMemory) stops.push(() => rmSync(workDir, { recursive: true, force: true }));

  const dynamoDataDir = inMemory ? undefined : join(LOCAL_DIR, 'dynamodb');
  const dynamo = await startDynamoDbLocal(dynamoDataDir ? { dataDir: dynamoDataDir } : {});
  // If DynamoDB Local dies, npm start says so loudly and restarts it (persisted data), or stops
  // (in memory: the data is gone). Until then a giving-up stops everything with exit code 1.
  let giveUp = (reason: string): void => {
    console.error(`npm start: DynamoDB Local is gone (${reason}).`);
    process.exit(1);
  };
  const supervisor = superviseDynamoDbLocal(dynamo, {
    ...(dynamoDataDir ? { dataDir: dynamoDataDir } : {}),
    log: (message) => console.error(message),
    onGiveUp: (reason) => giveUp(reason),
  });
  stops.push(() => supervisor.stop());
  const checkout = createDemoCheckout();
  stops.push(() => void checkout.close());
  const officeSync = await startLocalOfficeSync(workDir);
  stops.push(() => officeSync.stop());

  await ensureTable(dynamo.endpoint, TABLE_NAME);
  await new Promise<void>((resolveListen) => checkout.listen(0, '127.0.0.1', resolveListen));
  const checkoutPort = (checkout.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    // The handlers read these at import, as on AWS where the stack sets them.
    PUBLIC_BASE_URL: base,
    CHECKOUT_URL_TEMPLATE: checkoutTemplate ?? demoCheckoutTemplate(checkoutPort),
    // The keys that sign the customer forms' submission tokens (an SSM parameter on AWS).
    FORM_TOKEN_KEYS: process.env.FORM_TOKEN_KEYS ?? localFormTokenKeys(workDir),
    TABLE_NAME,
    DDB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'local',
    STAGE: 'local',
    POWERTOOLS_SERVICE_NAME: 'purchase-offers',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
    // The stack's API_KEY_CACHE_SECONDS (infra/constructs/environment.ts, not imported: it loads the
    // CDK). Unset, the authorizer caches nothing, so locally a table outage turned the catalog, which
    // reads no table, into a 503 where on AWS a key looked up within the minute keeps answering.
    API_KEY_CACHE_SECONDS: process.env.API_KEY_CACHE_SECONDS ?? '60',
    ...officeSync.env,
  });
  // Webhook deliveries: an in-process queue in place of SQS, set before any handler is loaded, so
  // the stream fan-out, the ping and redeliveries queue into it; the same delivery handler as on
  // AWS drains it every second (retries wait their backoff, in real time).
  const { setLocalDeliveryQueue } = await import('../../shared/webhooks/delivery-queue.ts');
  const webhookQueue = new LocalDeliveryQueue();
  setLocalDeliveryQueue(webhookQueue);
  // Offer expiry timers (EventBridge Scheduler on AWS), fired by the same offer timers handler.
  const { setLocalOfferTimers } = await import('../../shared/webhooks/offer-timers.ts');
  const offerTimers = new LocalOfferTimers();
  setLocalOfferTimers(offerTimers);
  const { handler: fireOfferTimer } = await import('../../functions/offer-timers/handler.ts');
  const { handler: deliverWebhooks } = await import('../../functions/webhook-deliveries/handler.ts');
  let draining = false;
  const webhookTimer = setInterval(() => {
    if (draining) return;
    draining = true;
    offerTimers
      .runDue(fireOfferTimer)
      .then(() => webhookQueue.drain(deliverWebhooks))
      .catch((error: unknown) => console.error(`webhook deliveries: ${errorSummary(error)}`))
      .finally(() => {
        draining = false;
      });
  }, 1_000);
  stops.push(() => clearInterval(webhookTimer));
  const apiKey = demoApiKey();
  await seedDemo(sdkTable(TABLE_NAME, dynamo.endpoint), apiKey, {
    logoUrl: demoLogoUrl(base),
  });

  const gateway = createLocalGateway({
    onError: (error) => logGatewayError(error),
    staticFiles: { [DEMO_LOGO_PATH]: { contentType: 'image/svg+xml', body: DEMO_LOGO_SVG } },
  });
  await new Promise<void>((resolveListen, reject) => {
    gateway.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    gateway.listen(port, '127.0.0.1', resolveListen);
  });
  stops.push(() => {
    gateway.close();
    gateway.closeAllConnections();
  });
  // Acceptances and declines become events from the table stream, through the same handler as
  // on AWS; without EVENT_BUS_NAME it logs each event instead of sending it to EventBridge.
  const { handler: publishOfferEvents } = await import('../../functions/offer-events/handler.ts');
  const streamClient = localClient(dynamo.endpoint);
  const stream = await startTableStreamPoller(streamClient, {
    endpoint: dynamo.endpoint,
    tableName: TABLE_NAME,
    deliver: publishOfferEvents,
    // The first failed poll of a run and the recovery (it retries by itself), through the same log
    // rule as the functions.
    ...quietRetryLog('table stream', (line) => console.error(line), errorSummary),
  });
  stops.push(async () => {
    await stream.stop();
    streamClient.destroy();
  });
  // Views recorded by the offer page are added to their counters from the stream too, as on AWS
  // (a second reader of the stream, like the second event source mapping there).
  const { handler: countOfferViews } = await import('../../functions/offer-views/handler.ts');
  const viewsStreamClient = localClient(dynamo.endpoint);
  const viewsStream = await startTableStreamPoller(viewsStreamClient, {
    endpoint: dynamo.endpoint,
    tableName: TABLE_NAME,
    deliver: countOfferViews,
    ...quietRetryLog('table stream (views)', (line) => console.error(line), errorSummary),
  });
  stops.push(async () => {
    await viewsStream.stop();
    viewsStreamClient.destroy();
  });

  // The scheduled office sync: the same handler EventBridge Scheduler invokes on AWS.
  officeSync.schedule(async () => {
    const { handler } = (await import('../../functions/office-sync/handler.ts')) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const budgetMs = FUNCTIONS.officeSync.timeoutSeconds * 1000;
    const deadline = Date.now() + budgetMs;
    return handler({ trigger: 'local-schedule' }, { getRemainingTimeInMillis: () => deadline - Date.now() });
  });
  // The console's "sync offices now" (a Lambda Invoke of the office sync on AWS), in process.
  const { setLocalPartnerSyncInvoker } = await import('../../shared/lambda/office-sync-request.ts');
  setLocalPartnerSyncInvoker(localPartnerSyncInvoker());
  console.log(`
Purchase offers is running locally (${inMemory ? 'in memory' : `data in ${LOCAL_DIR}/`}).

  Partner API     ${base}/v1
  OpenAPI         ${base}/v1/openapi.json   (the API's contract; no key needed)
  Offer links     ${base}/o/<summary id>   (POST /v1/offers returns the link)
  Console         ${base}/console   (sign in with the demo API key)
  Checkout        ${checkoutTemplate ? `${parseCheckoutTemplate(checkoutTemplate).origin}   (CHECKOUT_URL_TEMPLATE)` : `http://127.0.0.1:${checkoutPort}/checkout   (demo: where accepted offers land)`}
  DynamoDB Local  ${dynamo.endpoint} (table ${TABLE_NAME})
  Directory       ${officeSync.directory.baseUrl}   (edit ${officeSync.file}; synced every ${officeSync.intervalMinutes} min)
  Demo API key    ${apiKey}

Try:
  curl -s -H "Authorization: Bearer ${apiKey}" "${base}/v1/catalog?usageLocation=BR"
  curl -s -H "Authorization: Bearer ${apiKey}" "${base}/v1/offices"
  curl -s -X POST -H "Authorization: Bearer ${apiKey}" "${base}/v1/offices/sync"

${webhookBannerLines({ base, apiKey, loopbackAllowed: loopbackHttpAllowed() })}

Press Ctrl-C to stop.
`);

  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    stopAll().then(() => process.exit(process.exitCode ?? 0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  giveUp = (reason) => {
    console.error(`!!! npm start is stopping: DynamoDB Local is gone (${reason}).`);
    process.exitCode = 1;
    shutdown();
  };
} catch (error) {
  await stopAll();
  if (!(error instanceof PortInUseError)) throw error;
  console.error(`npm start: ${error.message}`);
  process.exit(1);
}
