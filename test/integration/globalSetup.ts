import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { newFormTokenKeysValue } from '../../shared/offer-page/submission-token.ts';
import { ENV_FILE_VARIABLE } from './env-file.ts';

/** One DynamoDB Local (in memory) for the whole integration run; every test file shares the table. */
export const INTEGRATION_TABLE = 'IntegrationTable';

export default async function globalSetup(): Promise<void> {
  const startedAt = performance.now();
  const dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, INTEGRATION_TABLE);
  (globalThis as { __DYNAMODB_LOCAL__?: typeof dynamo }).__DYNAMODB_LOCAL__ = dynamo;
  const file = join(tmpdir(), `purchase-offers-integration-${process.pid}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      DDB_ENDPOINT: dynamo.endpoint,
      TABLE_NAME: INTEGRATION_TABLE,
      AWS_REGION: 'local',
      PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'https://offers.example.com',
      // Tests change an offer and look at its page at once: no per-environment offer cache
      // (test/integration/view-counting.test.ts turns it on for its own handler).
      OFFER_VIEW_CACHE_SECONDS: '0',
      // DynamoDB Local on a busy machine can take longer than a view waits for its record on AWS
      // (200 ms): tests that count views must not lose them to the machine's load.
      OFFER_VIEW_WAIT_MS: '5000',
      // A test key for the customer forms' submission tokens; tests sign their own tokens with it.
      FORM_TOKEN_KEYS: newFormTokenKeysValue(),
      CHECKOUT_URL_TEMPLATE:
        process.env.CHECKOUT_URL_TEMPLATE ??
        'https://checkout.example.com/buy?advisor={advisorCode}&offer={summaryId}&items={items}&da={delegatedAdmin}',
    }),
  );
  process.env[ENV_FILE_VARIABLE] = file;
  console.log(
    `\nDynamoDB Local on ${dynamo.endpoint}, table ready after ${Math.round(performance.now() - startedAt)} ms`,
  );
}
