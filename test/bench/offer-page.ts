import type { Context } from 'aws-lambda';
import { ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { issueToken, newFormTokenKeysValue, parseFormTokenKeys } from '../../shared/offer-page/submission-token.ts';
import { apiEvent } from '../support/events.ts';
import { offerFixture } from '../support/offer.ts';
import { acceptFields } from '../support/offer-page-forms.ts';
import { describeCounts, startDynamoDbCounter } from './ddb-counter.ts';

const TABLE = 'bench-offer-page';
/** Each action runs this many times; the table shows what one run costs. */
const RUNS = 20;
// A person's browser: its user agent and the fetch metadata of a top-level navigation (counted as a view).
const PERSON = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
};
const PREVIEWER = { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' };
const FORM = { ...PERSON, 'content-type': 'application/x-www-form-urlencoded' };
const CONTEXT = { awsRequestId: 'bench' } as Context;

type Handler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

interface Action {
  readonly label: string;
  readonly status: number;
  /** A fresh event per run (fresh submission ids where the action records something). */
  readonly event: (run: number) => ApiEvent;
}

interface Measured {
  readonly label: string;
  readonly status: number;
  /** Requests of one run, by operation; `varies` when runs differed. */
  readonly counts: Record<string, number>;
  readonly varies: string[];
  readonly medianMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function offer(): Offer {
  return offerFixture({
    partnerId: 'bench',
    partner: { name: 'Bench Partner', advisorCode: '4400000', contact: { name: 'B', email: 'b@example.com' } },
  });
}

/** The signing keys the handler is given (FORM_TOKEN_KEYS), so the bench issues tokens as the page does. */
const KEYS_VALUE = newFormTokenKeysValue();

/** A fresh submission token for the offer's form, as the page renders it. */
function submission(target: Offer): string {
  return issueToken(parseFormTokenKeys(KEYS_VALUE, 'bench'), target.summaryId, new Date());
}

/**
 * DynamoDB requests per customer action, counted on the wire (a proxy in front of DynamoDB Local)
 * through the real page handler: every number in the section comes from this run.
 */
export async function run(): Promise<string> {
  const dynamo = await startDynamoDbLocal();
  const counter = await startDynamoDbCounter(dynamo.endpoint);
  // Modules that log are imported after the environment is set, so the logger starts silent.
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    DDB_ENDPOINT: counter.endpoint,
    AWS_REGION: 'local',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    CHECKOUT_URL_TEMPLATE: 'https://checkout.example.com/buy?offer={summaryId}&items={items}&da={delegatedAdmin}',
    FORM_TOKEN_KEYS: KEYS_VALUE,
  });
  const { sdkTable } = await import('../../shared/db/sdk-table.ts');
  const { DynamoCustomerResponseStore } = await import('../../shared/db/customer-responses.ts');
  const { DynamoOfferStore } = await import('../../shared/db/offers.ts');
  // Seeding and checking go straight to DynamoDB Local, past the counter.
  const direct: SdkTable = sdkTable(TABLE, dynamo.endpoint);
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    // Offers are written by the offers store, so the items are exactly those a create makes.
    const offers = new DynamoOfferStore(direct);
    const [active, withdrawn, warm] = [offer(), offer(), offer()];
    for (const item of [active, withdrawn, warm]) {
      const outcome = await offers.create(item);
      if (!outcome.ok) throw new Error(`could not seed offer ${item.summaryId}`);
    }
    await offers.deactivate(withdrawn.partnerId, withdrawn.summaryId, new Date().toISOString(), 'Closed');

    const { handler } = (await import('../../functions/offer-page/handler.ts')) as { handler: Handler };
    const page = (routeKey: string, target: Offer | string, extra: Partial<Parameters<typeof apiEvent>[0]> = {}) =>
      apiEvent({
        routeKey,
        pathParameters: { code: typeof target === 'string' ? target : target.summaryId },
        headers: PERSON,
        ...extra,
      });
    const acceptBody = (id: string) => new URLSearchParams(acceptFields(id)).toString();
    const replayed = submission(active);
    const declinedOnce = submission(active);

    // Warm the handler, its client and the connection on another offer, like a warm Lambda.
    await handler(page('GET /o/{code}', warm), CONTEXT);
    await handler(page('POST /o/{code}/accept', warm, { headers: FORM, body: acceptBody(submission(warm)) }), CONTEXT);
    await handler(
      page('POST /o/{code}/decline', warm, { headers: FORM, body: `submission=${submission(warm)}` }),
      CONTEXT,
    );
    // The replays below replay these, recorded once on the measured offer.
    await handler(page('POST /o/{code}/accept', active, { headers: FORM, body: acceptBody(replayed) }), CONTEXT);
    await handler(
      page('POST /o/{code}/decline', active, { headers: FORM, body: `submission=${declinedOnce}` }),
      CONTEXT,
    );

    const actions: Action[] = [
      { label: 'View (person)', status: 200, event: () => page('GET /o/{code}', active) },
      {
        label: 'View (link previewer: not counted)',
        status: 200,
        event: () => page('GET /o/{code}', active, { headers: PREVIEWER }),
      },
      { label: 'HEAD (link checker: not counted)', status: 200, event: () => page('HEAD /o/{code}', active) },
      { label: 'View (unknown code)', status: 404, event: () => page('GET /o/{code}', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ') },
      { label: 'View (deactivated offer)', status: 410, event: () => page('GET /o/{code}', withdrawn) },
      {
        label: 'Accept',
        status: 303,
        event: () => page('POST /o/{code}/accept', active, { headers: FORM, body: acceptBody(submission(active)) }),
      },
      {
        label: 'Accept (replayed submission)',
        status: 303,
        event: () => page('POST /o/{code}/accept', active, { headers: FORM, body: acceptBody(replayed) }),
      },
      {
        label: 'Accept (invalid form, 422)',
        status: 422,
        event: () =>
          page('POST /o/{code}/accept', active, {
            headers: FORM,
            body: acceptBody(submission(active)).replace(
              'licenses.M365_BUSINESS_STANDARD=12',
              'licenses.M365_BUSINESS_STANDARD=999',
            ),
          }),
      },
      {
        label: 'Accept (deactivated offer, 410)',
        status: 410,
        event: () =>
          page('POST /o/{code}/accept', withdrawn, { headers: FORM, body: acceptBody(submission(withdrawn)) }),
      },
      {
        label: 'Decline',
        status: 200,
        event: () =>
          page('POST /o/{code}/decline', active, {
            headers: FORM,
            body: `submission=${submission(active)}&reason=Budget`,
          }),
      },
      {
        label: 'Decline (replayed submission)',
        status: 200,
        event: () => page('POST /o/{code}/decline', active, { headers: FORM, body: `submission=${declinedOnce}` }),
      },
    ];

    const measured: Measured[] = [];
    for (const action of actions) {
      const perRun: Record<string, number>[] = [];
      const timings: number[] = [];
      for (let n = 0; n < RUNS; n++) {
        const event = action.event(n);
        counter.reset();
        const started = performance.now();
        const result = await handler(event, CONTEXT);
        timings.push(performance.now() - started);
        perRun.push(counter.counts());
        if (result.statusCode !== action.status) {
          throw new Error(`${action.label}: expected ${action.status}, got ${result.statusCode}`);
        }
      }
      const first = describeCounts(perRun[0] ?? {});
      const varies = [...new Set(perRun.map(describeCounts))].filter((counts) => counts !== first);
      measured.push({
        label: action.label,
        status: action.status,
        counts: perRun[0] ?? {},
        varies,
        medianMs: median(timings),
      });
    }

    // The counts are only worth reporting if the handler did what they claim: check the table.
    const stored = await offers.get(active.summaryId);
    const expected = { views: RUNS, acceptances: RUNS + 1, declines: RUNS + 1 };
    const actual = { views: stored?.views, acceptances: stored?.acceptances, declines: stored?.declines };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`offer counters ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
    const records = await new DynamoCustomerResponseStore(direct).listAcceptances(active.summaryId, { limit: 1000 });
    if (records.acceptances.length !== RUNS + 1) {
      throw new Error(`${records.acceptances.length} acceptance records, expected ${RUNS + 1}`);
    }

    const total = (label: string) => {
      const n = Object.values(measured.find((m) => m.label === label)?.counts ?? {}).reduce((sum, c) => sum + c, 0);
      return `${n} request${n === 1 ? '' : 's'}`;
    };
    return [
      '## Offer page: DynamoDB requests per action',
      '',
      `Measured on the wire (a counting proxy in front of DynamoDB Local) through the real page handler, warm:`,
      `each action ran ${RUNS} times (fresh submission ids where it records something) and the table shows one`,
      'run; "varies" lists any run that differed. Afterwards the offer held exactly the views, acceptances',
      'and declines the runs should have made, so the counts are of working requests.',
      `A person's view costs ${total('View (person)')}; a link previewer's ${total('View (link previewer: not counted)')}` +
        ` and a HEAD ${total('HEAD (link checker: not counted)')}; an acceptance ${total('Accept')}; a decline ${total('Decline')}.`,
      '',
      '| action | status | DynamoDB requests per run | median ms |',
      '|---|---:|---|---:|',
      ...measured.map(
        (m) =>
          `| ${m.label} | ${m.status} | ${describeCounts(m.counts)}${m.varies.length ? ` (varies: ${m.varies.join('; ')})` : ''} | ${m.medianMs.toFixed(1)} |`,
      ),
    ].join('\n');
  } finally {
    direct.client.destroy();
    await counter.close();
    await dynamo.stop();
  }
}
