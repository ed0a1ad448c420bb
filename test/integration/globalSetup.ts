import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';

/** One DynamoDB Local (in memory) for the whole integration run; every test file shares the table. */
export const INTEGRATION_TABLE = 'IntegrationTable';

export default async function globalSetup(): Promise<void> {
  const startedAt = performance.now();
  const dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, INTEGRATION_TABLE);
  (globalThis as { __DYNAMODB_LOCAL__?: typeof dynamo }).__DYNAMODB_LOCAL__ = dynamo;
  process.env.DDB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = INTEGRATION_TABLE;
  process.env.AWS_REGION = 'local';
  process.env.PUBLIC_BASE_URL ??= 'https://offers.example.com';
  process.env.CHECKOUT_URL_TEMPLATE ??=
    'https://checkout.example.com/buy?advisor={advisorCode}&offer={summaryId}&items={items}&da={delegatedAdmin}';
  console.log(
    `\nDynamoDB Local on ${dynamo.endpoint}, table ready after ${Math.round(performance.now() - startedAt)} ms`,
  );
}
