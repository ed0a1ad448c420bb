import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { offerCountersKeys, offerKeys, offerViewsKeys } from '../../shared/db/offers.ts';
import { officeToItem } from '../../shared/db/offices.ts';
import { partnerToItem } from '../../shared/db/partners.ts';
import { createDocumentClient } from '../../shared/db/sdk-table.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { apiEvent } from '../support/events.ts';
import { describeCounts, startDynamoDbCounter } from './ddb-counter.ts';

const TABLE = 'bench-create-offer';
const PARTNER = 'bench-partner';
const OFFICE = 'bench-office';
const TIMED_CREATES = 50;

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * The counts above are only meaningful if create wrote what the handlers later read: the offer and
 * its views and answer counters in one partition. Read past the counting proxy, so the tally is not disturbed.
 */
async function checkOfferPartition(endpoint: string, summaryId: string): Promise<void> {
  const client = createDocumentClient(endpoint);
  try {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': offerKeys.pk(summaryId) },
        ConsistentRead: true,
      }),
    );
    const sortKeys = Items.map((item) => item.SK).sort();
    const expected = [offerKeys.sk(), offerViewsKeys.sk(), offerCountersKeys.sk()].sort();
    if (JSON.stringify(sortKeys) !== JSON.stringify(expected)) {
      throw new Error(`offer partition holds ${JSON.stringify(sortKeys)}, expected ${JSON.stringify(expected)}`);
    }
  } finally {
    client.destroy();
  }
}

/**
 * DynamoDB requests per partner offers call, counted on the wire through the real handlers (the
 * bundle size and init time of the `offers` and `offersRead` functions are in the bundles section).
 */
export async function run(): Promise<string> {
  const dynamo = await startDynamoDbLocal();
  const counter = await startDynamoDbCounter(dynamo.endpoint);
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    Object.assign(process.env, {
      TABLE_NAME: TABLE,
      DDB_ENDPOINT: counter.endpoint,
      AWS_REGION: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      PUBLIC_BASE_URL: 'https://offers.example.com',
    });
    const at = new Date().toISOString();
    const seed = createDocumentClient(dynamo.endpoint);
    await seed.send(
      new PutCommand({
        TableName: TABLE,
        Item: partnerToItem({
          partnerId: PARTNER,
          name: 'Bench Partner',
          advisorCode: '4400000',
          customerCount: 10,
          delegatedAdminCertified: true,
          contact: { name: 'B', email: 'b@example.com' },
          createdAt: at,
          updatedAt: at,
        }),
      }),
    );
    await seed.send(
      new PutCommand({
        TableName: TABLE,
        Item: officeToItem({
          partnerId: PARTNER,
          officeId: OFFICE,
          name: 'HQ',
          city: 'São Paulo',
          country: 'BR',
          active: true,
          sourceUpdatedAt: at,
          lastSyncedAt: at,
        }),
      }),
    );
    seed.destroy();

    const write = ((await import('../../functions/offers/handler.ts')) as { handler: Handler }).handler;
    const read = ((await import('../../functions/offers-read/handler.ts')) as { handler: Handler }).handler;
    const context = { awsRequestId: 'bench' } as Context;
    const authorizer = { partnerId: PARTNER };
    const body = (extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        officeId: OFFICE,
        usageLocation: 'BR',
        items: [
          { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
          { sku: 'M365_E3', licenses: 25 },
        ],
        delegatedAdmin: true,
        ...extra,
      });
    const create = (payload: string, headers: Record<string, string> = {}) =>
      apiEvent({
        routeKey: 'POST /v1/offers',
        authorizer,
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });

    // A first create outside the table warms the handler and the connection, like a warm Lambda.
    const warm = await write(create(body()), context);
    const summaryId = JSON.parse(warm.body ?? '{}').summaryId as string;
    const path = { summaryId };

    const actions: [string, Handler, ApiEvent][] = [
      ['Create', write, create(body())],
      [
        'Create with Idempotency-Key and reference',
        write,
        create(body({ reference: 'R-1' }), { 'idempotency-key': 'k1' }),
      ],
      ['Replay (same key, same body)', write, create(body({ reference: 'R-1' }), { 'idempotency-key': 'k1' })],
      ['Same key, other body (422)', write, create(body({ reference: 'R-2' }), { 'idempotency-key': 'k1' })],
      ['Duplicate reference (409)', write, create(body({ reference: 'R-1' }))],
      ['Office not usable (422)', write, create(body({ officeId: 'nope' }))],
      ['Invalid body (400)', write, create(body({ unknown: 1 }))],
      ['Get offer', read, apiEvent({ routeKey: 'GET /v1/offers/{summaryId}', authorizer, pathParameters: path })],
      ['List offers (limit 25)', read, apiEvent({ routeKey: 'GET /v1/offers', authorizer })],
      [
        'List offers (status=active)',
        read,
        apiEvent({ routeKey: 'GET /v1/offers', authorizer, query: { status: 'active' } }),
      ],
      ['Message', read, apiEvent({ routeKey: 'GET /v1/offers/{summaryId}/message', authorizer, pathParameters: path })],
      ['QR code', read, apiEvent({ routeKey: 'GET /v1/offers/{summaryId}/qr.svg', authorizer, pathParameters: path })],
      [
        'Deactivate',
        write,
        apiEvent({
          routeKey: 'POST /v1/offers/{summaryId}/deactivate',
          authorizer,
          pathParameters: path,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"Closed"}',
        }),
      ],
    ];
    const rows: string[] = [];
    for (const [label, handler, event] of actions) {
      counter.reset();
      const result = await handler(event, context);
      rows.push(`| ${label} | ${result.statusCode} | ${describeCounts(counter.counts())} |`);
    }
    await checkOfferPartition(dynamo.endpoint, summaryId);

    const timings: number[] = [];
    for (let i = 0; i < TIMED_CREATES; i++) {
      const started = performance.now();
      const result = await write(create(body(), { 'idempotency-key': `timed-${i}` }), context);
      timings.push(performance.now() - started);
      if (result.statusCode !== 201) throw new Error(`create failed: ${result.statusCode} ${result.body}`);
    }

    return [
      '## Partner offers: DynamoDB requests per call',
      '',
      'Measured on the wire (a counting proxy in front of DynamoDB Local) through the real `offers` and',
      '`offersRead` handlers. A create reads the partner, the office and the idempotency record in one',
      'BatchGetItem, then writes the offer, its views counter, its answer counters item, its reference',
      'claim and the idempotency record (up to 5 items) in one TransactWriteItems; a replay or a rejected',
      'request stops after the read. Get is one Query of the offer partition (the offer, its views counter',
      "and its answer counters); a list page is its GSI Query(s) plus one BatchGetItem of the page's",
      'counters items (and, for status=active, its offers); deactivate is one UpdateItem with one',
      'BatchGetItem of both counters items alongside. Bundle size and init time of both functions are in',
      'the bundles section.',
      '',
      '| call | status | DynamoDB requests |',
      '|---|---|---|',
      ...rows,
      '',
      `Create latency in process against DynamoDB Local (with Idempotency-Key, median of ${TIMED_CREATES}): ` +
        `**${median(timings).toFixed(1)} ms**.`,
    ].join('\n');
  } finally {
    await counter.close();
    await dynamo.stop();
  }
}
