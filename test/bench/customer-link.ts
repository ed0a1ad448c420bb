import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { createDocumentClient } from '../../shared/db/client.ts';
import { offerToItem } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { generateSummaryId } from '../../shared/domain/summary-id.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { apiEvent } from '../support/events.ts';
import { describeCounts, startDynamoDbCounter } from './ddb-counter.ts';

const TABLE = 'bench-customer-link';
const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36' };
const FORM = { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' };

/** DynamoDB requests per customer action, measured through the real page handler. */
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
      CHECKOUT_URL_TEMPLATE: 'https://checkout.example.com/buy?offer={summaryId}&items={items}',
    });
    const { handler } = (await import('../../functions/offer-page/handler.ts')) as {
      handler: (event: ApiEvent, context: Context) => Promise<ApiResult>;
    };
    const offer: Offer = {
      summaryId: generateSummaryId(),
      partnerId: 'bench',
      officeId: 'o1',
      officeName: 'HQ',
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 5 }],
      delegatedAdmin: false,
      locale: 'en',
      customization: {},
      partner: { name: 'Bench Partner', advisorCode: '4400000', contact: { name: 'B', email: 'b@example.com' } },
      createdAt: new Date().toISOString(),
      views: 0,
      acceptances: 0,
      declines: 0,
    };
    await createDocumentClient(dynamo.endpoint).send(new PutCommand({ TableName: TABLE, Item: offerToItem(offer) }));

    const code = { code: offer.summaryId };
    const form = (submission: string) =>
      new URLSearchParams({
        submission,
        company: 'C',
        name: 'N',
        email: 'n@example.com',
        'licenses.M365_BUSINESS_BASIC': '5',
      }).toString();
    const submission = `${Date.now().toString(36).padStart(9, '0')}${'A'.repeat(22)}`;
    const actions: [string, ApiEvent][] = [
      ['View (person)', apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code, headers: BROWSER })],
      [
        'View (link previewer, not counted)',
        apiEvent({ routeKey: 'GET /o/{code}', pathParameters: code, headers: { 'user-agent': 'Slackbot 1.0' } }),
      ],
      [
        'View (unknown code)',
        apiEvent({ routeKey: 'GET /o/{code}', pathParameters: { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ' }, headers: BROWSER }),
      ],
      [
        'Accept',
        apiEvent({ routeKey: 'POST /o/{code}/accept', pathParameters: code, headers: FORM, body: form(submission) }),
      ],
      [
        'Accept (replayed submission)',
        apiEvent({ routeKey: 'POST /o/{code}/accept', pathParameters: code, headers: FORM, body: form(submission) }),
      ],
      [
        'Accept (invalid form)',
        apiEvent({ routeKey: 'POST /o/{code}/accept', pathParameters: code, headers: FORM, body: 'submission=x' }),
      ],
      [
        'Decline',
        apiEvent({
          routeKey: 'POST /o/{code}/decline',
          pathParameters: code,
          headers: FORM,
          body: `submission=${submission}`,
        }),
      ],
    ];
    const rows: string[] = [];
    for (const [label, event] of actions) {
      counter.reset();
      const result = await handler(event, { awsRequestId: 'bench' } as Context);
      rows.push(`| ${label} | ${result.statusCode} | ${describeCounts(counter.counts())} |`);
    }
    return [
      '## Customer link: DynamoDB requests per action',
      '',
      'Measured on the wire (a counting proxy in front of DynamoDB Local) through the real page handler.',
      'A view counts itself and reads the offer in one UpdateItem; an acceptance reads the offer to validate',
      'the form, then writes the record and the counter in one transaction.',
      '',
      '| action | status | DynamoDB requests |',
      '|---|---|---|',
      ...rows,
    ].join('\n');
  } finally {
    await counter.close();
    await dynamo.stop();
  }
}
