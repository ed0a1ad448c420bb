import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { offerItems } from '../../shared/db/offers.ts';
import { officeToItem } from '../../shared/db/offices.ts';
import { partnerToItem } from '../../shared/db/partners.ts';
import { createDocumentClient } from '../../shared/db/sdk-table.ts';
import { createTableInput } from '../../shared/db/table.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import {
  type CapacityTally,
  startDynamoDbCapacityProxy,
  totalReadUnits,
  totalWriteUnits,
} from '../support/ddb-capacity.ts';
import { apiEvent } from '../support/events.ts';
import { offerFixture, partnerFixture } from '../support/offer.ts';

const TABLE = 'bench-capacity';
const PARTNER = 'bench-capacity-partner';
const LARGE_PARTNER = 'bench-large-partner';
const OFFICE = 'bench-office';
/** The large partner's history: this many offers, of which OPEN_OFFERS (the oldest) are open. */
const OFFERS = 5_000;
const OPEN_OFFERS = 10;

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

/**
 * The same measurements on the code before counters moved off the offer item, GSI2 and compressed
 * idempotency records (this module at commit 6453f6e, run 2026-11-30 on the same machine): kept
 * here as data, since the bench can only run the code it is part of.
 */
const BEFORE = {
  commit: '6453f6e',
  creates: {
    'Create, small offer, no key': '5 (table 4, GSI1 1)',
    'Create, small offer, Idempotency-Key': '29 (table 28, GSI1 1)',
    'Create, large offer, no key': '17 (table 12, GSI1 5)',
    'Create, large offer, Idempotency-Key': '79 (table 74, GSI1 5)',
  } as Record<string, string>,
  list: '6 calls (5 empty pages), 52 requests (Query 51, BatchGetItem 1), 405 read units, 5000 index entries evaluated for 10 returned',
};

function units(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function describe(tally: CapacityTally): string {
  const indexes = Object.entries(tally.indexWriteUnits)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name} ${units(n)}`);
  return `${units(totalWriteUnits(tally))} (table ${units(tally.tableWriteUnits)}${indexes.length ? `, ${indexes.join(', ')}` : ''})`;
}

/**
 * The large partner's offers, written past the API (BatchWriteItem through the stores' own item
 * builders): one a minute, newest last; the OPEN_OFFERS oldest are open, the rest deactivated.
 */
async function seedLargePartner(endpoint: string): Promise<void> {
  const client = createDocumentClient(endpoint);
  try {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const items: object[] = [];
    for (let i = 0; i < OFFERS; i++) {
      const createdAt = new Date(start + i * 60_000).toISOString();
      const offer: Offer = offerFixture({
        partnerId: LARGE_PARTNER,
        createdAt,
        ...(i >= OPEN_OFFERS ? { deactivatedAt: createdAt } : {}),
      });
      items.push(...offerItems(offer));
    }
    for (let i = 0; i < items.length; i += 25) {
      const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: batch } }));
      if (UnprocessedItems && Object.keys(UnprocessedItems).length > 0) throw new Error('seeding left items');
    }
  } finally {
    client.destroy();
  }
}

/**
 * Write units of a keyed create and read units of a status-filtered list over a large history,
 * measured on the wire: DynamoDB Local's own ConsumedCapacity (asked for by the proxy on every
 * request), through the real `offers` and `offersRead` handlers.
 */
export async function run(): Promise<string> {
  const dynamo = await startDynamoDbLocal();
  const proxy = await startDynamoDbCapacityProxy(dynamo.endpoint, createTableInput(TABLE).GlobalSecondaryIndexes);
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    Object.assign(process.env, {
      TABLE_NAME: TABLE,
      DDB_ENDPOINT: proxy.endpoint,
      AWS_REGION: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      PUBLIC_BASE_URL: 'https://offers.example.com',
    });
    const at = new Date();
    const seed = createDocumentClient(dynamo.endpoint);
    await seed.send(
      new PutCommand({ TableName: TABLE, Item: partnerToItem(partnerFixture(at, { partnerId: PARTNER })) }),
    );
    await seed.send(
      new PutCommand({
        TableName: TABLE,
        Item: officeToItem({
          partnerId: PARTNER,
          officeId: OFFICE,
          name: 'HQ',
          city: 'New York',
          country: 'US',
          active: true,
          sourceUpdatedAt: at.toISOString(),
          lastSyncedAt: at.toISOString(),
        }),
      }),
    );
    seed.destroy();
    await seedLargePartner(dynamo.endpoint);

    // Fresh instances of the handlers (the query makes a new module URL): they read TABLE_NAME and
    // DDB_ENDPOINT at load, and an earlier bench section in this process loaded them against its
    // own, since stopped, DynamoDB Local.
    const fresh = async (entry: string) =>
      ((await import(new URL(`../../${entry}?bench=capacity`, import.meta.url).href)) as { handler: Handler }).handler;
    const write = await fresh('functions/offers/handler.ts');
    const read = await fresh('functions/offers-read/handler.ts');
    const context = { awsRequestId: 'bench' } as Context;
    // A small offer and a large one (6 priced lines with term choices, every customization field).
    const small = { officeId: OFFICE, usageLocation: 'US', items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 5 }] };
    const large = {
      officeId: OFFICE,
      usageLocation: 'US',
      delegatedAdmin: true,
      items: [
        { sku: 'M365_BUSINESS_BASIC', licenses: 10, termChoices: [{ term: 'P1Y', billingFrequency: 'monthly' }] },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 20, termChoices: [{ term: 'P1M' }] },
        { sku: 'M365_BUSINESS_PREMIUM', licenses: 30, termChoices: [{ term: 'P1M' }] },
        { sku: 'M365_E3', licenses: 40, termChoices: [{ term: 'P1Y', billingFrequency: 'monthly' }] },
        { sku: 'M365_E5', licenses: 50, termChoices: [{ term: 'P1M' }] },
        { sku: 'O365_E3', licenses: 60 },
      ],
      customization: {
        intro: 'Hello! '.repeat(140).trim(),
        closing: 'Best regards. '.repeat(70).trim(),
        contact: { name: 'Pat Doe', email: 'pat@fabrikam.example', phone: '+1 212 555 0100' },
      },
    };
    const create = (body: object, key?: string) =>
      apiEvent({
        routeKey: 'POST /v1/offers',
        authorizer: { partnerId: PARTNER },
        headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
        body: JSON.stringify(body),
      });
    await write(create(small), context); // warm

    const rows: string[] = [];
    for (const [label, body, key] of [
      ['Create, small offer, no key', small, undefined],
      ['Create, small offer, Idempotency-Key', small, 'bench-small'],
      ['Create, large offer, no key', large, undefined],
      ['Create, large offer, Idempotency-Key', large, 'bench-large'],
    ] as const) {
      proxy.reset();
      const result = await write(create(body, key), context);
      if (result.statusCode !== 201) throw new Error(`create failed: ${result.statusCode} ${result.body}`);
      rows.push(
        `| ${label} | ${(result.body ?? '').length} | ${BEFORE.creates[label] ?? '–'} | ${describe(proxy.tally())} |`,
      );
    }

    // The whole status=active list of the large partner, page by page, as a client follows nextCursor.
    proxy.reset();
    let cursor: string | undefined;
    let calls = 0;
    let emptyPages = 0;
    let listed = 0;
    do {
      const result = await read(
        apiEvent({
          routeKey: 'GET /v1/offers',
          authorizer: { partnerId: LARGE_PARTNER },
          query: { status: 'active', ...(cursor ? { cursor } : {}) },
        }),
        context,
      );
      const page = JSON.parse(result.body ?? '{}') as { offers: unknown[]; nextCursor?: string };
      calls++;
      listed += page.offers.length;
      if (page.offers.length === 0) emptyPages++;
      cursor = page.nextCursor;
    } while (cursor && calls < 200);
    if (listed !== OPEN_OFFERS) throw new Error(`listed ${listed} active offers, expected ${OPEN_OFFERS}`);
    const list = proxy.tally();

    return [
      '## Write and read units: keyed create, status-filtered list',
      '',
      "DynamoDB Local's own `ConsumedCapacity` (a proxy adds `ReturnConsumedCapacity: INDEXES` to every",
      'request: test/support/ddb-capacity.ts), through the real `offers` and `offersRead` handlers. Write',
      'units of one create: a transaction costs twice the units of each item it puts (1 KB each, rounded',
      "up per item; DynamoDB Local over-reports transactions, so the proxy applies AWS's rules to the",
      'items the request puts), an index entry its own. "Before" figures are not measured in this run:',
      `they were recorded on commit ${BEFORE.commit} before the change (this bench on the code before the`,
      'idempotency record kept its body compressed and before the indexes projected only what lists show,',
      '2026-11-30, same machine) and are kept as constants; "now" is this run. The create now also puts',
      'the counters item, ~100 bytes: 2 units.',
      '',
      `| create | 201 body (bytes) | write units before (recorded on commit ${BEFORE.commit} before the change) | write units now (this run) |`,
      '|---|---:|---|---|',
      ...rows,
      '',
      `\`GET /v1/offers?status=active\` for a partner with ${OFFERS.toLocaleString('en')} offers of which the`,
      `${OPEN_OFFERS} oldest are open (the rest deactivated), following \`nextCursor\` to the end. Before (GSI1`,
      `with a filter; recorded on commit ${BEFORE.commit} before the change): ${BEFORE.list}. Now (GSI2, open offers only; this run): ` +
        `**${calls} call${calls === 1 ? '' : 's'}** (${emptyPages} empty pages), ${Object.values(list.requests).reduce((a, b) => a + b, 0)} requests ` +
        `(${Object.entries(list.requests)
          .map(([op, n]) => `${op} ${n}`)
          .join(', ')}), **${units(totalReadUnits(list))} read units**, ${list.queryScanned} index entries ` +
        `evaluated for ${list.queryReturned} returned.`,
    ].join('\n');
  } finally {
    await proxy.close();
    await dynamo.stop();
  }
}
