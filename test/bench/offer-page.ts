import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
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
import { type ItemUnits, itemSize, type MarshalledKey, summarize, unitsOf } from './item-units.ts';

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
  /** Capacity units of the first run, per item touched. */
  readonly units: ItemUnits[];
}

/** Which item of an offer a key names, for the tables. */
function itemName(units: ItemUnits | undefined): string {
  if (!units) return '—';
  if (units.pk.startsWith('VIEWS#')) return 'a view record';
  if (units.sk === 'OFFER') return 'offer item';
  if (units.sk === 'OFFER#VIEWS') return 'views counter';
  if (units.sk === 'OFFER#COUNTERS') return 'answer counters';
  if (units.sk.startsWith('SUBMISSION#')) return 'submission claim';
  if (units.sk.startsWith('ACCEPT#')) return 'acceptance';
  if (units.sk.startsWith('DECLINE#')) return 'decline';
  return units.sk;
}

/** `requests, RCU / WCU; hottest item (units)` of a measured action. */
function describeAction(measured: readonly Measured[], label: string): string {
  const m = measured.find((entry) => entry.label === label);
  const u = summarize(m?.units ?? []);
  const hot = u.hottest ? `${itemName(u.hottest)} ${u.hottest.readUnits} R + ${u.hottest.writeUnits} W` : '—';
  return `${describeCounts(m?.counts ?? {})}, ${u.readUnits} / ${u.writeUnits}; ${hot}`;
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
  const { countViews, pendingViewRecords, VIEW_SHARDS } = await import('../../shared/db/offer-views.ts');
  const { DynamoCustomerResponseStore } = await import('../../shared/db/customer-responses.ts');
  const { DynamoOfferStore } = await import('../../shared/db/offers.ts');
  // Seeding and checking go straight to DynamoDB Local, past the counter.
  const direct: SdkTable = sdkTable(TABLE, dynamo.endpoint);
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    // Offers are written by the offers store, so the items are exactly those a create makes.
    const offers = new DynamoOfferStore(direct);
    const [active, withdrawn, warm] = [offer(), offer(), offer()];
    // Offers opened once each: a view that finds no offer in the environment's cache.
    const unseen = Array.from({ length: RUNS }, () => offer());
    for (const item of [active, withdrawn, warm, ...unseen]) {
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

    // Warm the handler, its client and the connection on another offer, like a warm Lambda; the
    // measured offer is in this environment's cache (5 s), as a popular link's offer is.
    await handler(page('GET /o/{code}', warm), CONTEXT);
    await handler(page('GET /o/{code}', active), CONTEXT);
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
      {
        label: 'View (person, offer not cached here)',
        status: 200,
        event: (run) => page('GET /o/{code}', unseen[run] ?? active),
      },
      { label: 'View (person)', status: 200, event: () => page('GET /o/{code}', active) },
      {
        label: 'View (link previewer: not counted)',
        status: 200,
        event: () => page('GET /o/{code}', active, { headers: PREVIEWER }),
      },
      { label: 'HEAD (link checker: not counted)', status: 200, event: () => page('HEAD /o/{code}', active) },
      { label: 'View (unknown code)', status: 404, event: () => page('GET /o/{code}', 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ') },
      { label: 'View (malformed code)', status: 404, event: () => page('GET /o/{code}', 'not-a-code') },
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

    const storedSize = async (key: MarshalledKey) => {
      const item = await direct.get({ Key: unmarshall(key) as { PK: string; SK: string }, ConsistentRead: true });
      return item ? itemSize(marshall(item, { removeUndefinedValues: true }) as never) : 0;
    };
    const measured: Measured[] = [];
    for (const action of actions) {
      const perRun: Record<string, number>[] = [];
      const timings: number[] = [];
      let units: ItemUnits[] = [];
      for (let n = 0; n < RUNS; n++) {
        const event = action.event(n);
        counter.reset();
        const started = performance.now();
        const result = await handler(event, CONTEXT);
        timings.push(performance.now() - started);
        perRun.push(counter.counts());
        if (n === 0) units = await unitsOf(counter.requests(), storedSize);
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
        units,
      });
    }

    // What counting those views cost: the views function's own code over the offer's records,
    // through the counting proxy.
    const pending = await pendingViewRecords(direct, active.summaryId);
    counter.reset();
    const counting = sdkTable(TABLE, counter.endpoint);
    const counted = await countViews(counting, pending, new Date());
    counting.client.destroy();
    // The warm-up's view and the measured ones.
    if (counted.counted !== RUNS + 1) throw new Error(`counted ${counted.counted} views, expected ${RUNS + 1}`);
    const countingUnits = summarize(await unitsOf(counter.requests(), storedSize));
    const countingRequests = describeCounts(counter.counts());

    // The counts are only worth reporting if the handler did what they claim: check the table.
    const stored = await offers.get(active.summaryId);
    const expected = { views: RUNS + 1, acceptances: RUNS + 1, declines: RUNS + 1 };
    const actual = { views: stored?.views, acceptances: stored?.acceptances, declines: stored?.declines };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`offer counters ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
    const records = await new DynamoCustomerResponseStore(direct).listAcceptances(active.summaryId, { limit: 1000 });
    if (records.acceptances.length !== RUNS + 1) {
      throw new Error(`${records.acceptances.length} acceptance records, expected ${RUNS + 1}`);
    }

    const unitsFor = (label: string) => summarize(measured.find((m) => m.label === label)?.units ?? []);
    const offerKey = { PK: { S: `OFFER#${active.summaryId}` }, SK: { S: 'OFFER' } };
    const offerBytes = await storedSize(offerKey);
    const offerRead = Math.max(1, Math.ceil(offerBytes / 4096));
    const offerWrite = Math.max(1, Math.ceil(offerBytes / 1024));
    const acceptance = (measured.find((m) => m.label === 'Accept')?.units ?? []).find((u) =>
      u.sk.startsWith('ACCEPT#'),
    );
    const acceptanceWrite = (acceptance?.writeUnits ?? 4) / 2;
    const cachedView = unitsFor('View (person)');
    const countingPerView = countingUnits.writeUnits / (RUNS + 1);
    const transactionsPerView = 1 / 99;
    const counterPerView = 2 * transactionsPerView;
    const viewMs = measured.find((m) => m.label === 'View (person)')?.medianMs ?? 10;
    // The link at 5,000 views/s. Environments busy at once ≈ rate × a view's duration (Little's law).
    const RATE = 5_000;
    // A conservative 100 ms per view on Lambda (TLS, render, the record's put), whatever it took here.
    const heldMs = Math.max(100, viewMs);
    const environments = Math.max(1, Math.ceil((RATE * heldMs) / 1000));
    const perShardWcu = (RATE / VIEW_SHARDS) * 3;
    const maxViewsPerSecond = Math.floor((1_000 * VIEW_SHARDS) / 3);
    const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

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
      "Read and write units are AWS's rules applied to the item sizes measured here (test/bench/item-units.ts);",
      'the hottest item is the one taking the most units in the action (a write unit weighing three reads, as',
      'a partition takes 1,000 WCU or 3,000 RCU per second). A view no longer writes the counter: its record',
      `goes to one of ${VIEW_SHARDS} shard partitions and is counted later (next table).`,
      '',
      '| action | status | DynamoDB requests per run | RCU | WCU | hottest item (its units) | median ms |',
      '|---|---:|---|---:|---:|---|---:|',
      ...measured.map((m) => {
        const u = summarize(m.units);
        const hot = u.hottest
          ? `${itemName(u.hottest)} (${fmt(u.hottest.readUnits)} R / ${fmt(u.hottest.writeUnits)} W)`
          : '—';
        return `| ${m.label} | ${m.status} | ${describeCounts(m.counts)}${m.varies.length ? ` (varies: ${m.varies.join('; ')})` : ''} | ${fmt(u.readUnits)} | ${fmt(u.writeUnits)} | ${hot} | ${m.medianMs.toFixed(1)} |`;
      }),
      '',
      `Counting the ${RUNS + 1} views afterwards (the views function's countViews, measured the same way): ${countingRequests},`,
      `${fmt(countingUnits.writeUnits)} WCU in all, ${fmt(countingPerView)} WCU per view; the counter item took`,
      `${fmt(countingUnits.hottest?.writeUnits ?? 0)} WCU (${itemName(countingUnits.hottest)}), one transaction per offer and 99 views.`,
      '',
      '### Before and after, per customer action',
      '',
      `Before: the access pattern of a557320 (README, access patterns) with the item sizes measured here (offer item ${offerBytes} bytes):`,
      'a view was a strongly consistent GetItem of the offer and an UpdateItem of its one views counter, on the',
      "offer's partition; an answer a transaction updating the offer item itself (indexed with its whole item in GSI1).",
      '',
      '| action | before: requests, RCU / WCU, hottest item | after: requests, RCU / WCU, hottest item |',
      '|---|---|---|',
      `| view (person) | 2, ${offerRead} / 1; offer item ${offerRead} R and its views counter 1 W, both on the offer's partition, every view | ${describeCounts(measured.find((m) => m.label === 'View (person)')?.counts ?? {})}, ${fmt(cachedView.readUnits)} / ${fmt(cachedView.writeUnits)} (+ ${fmt(countingPerView)} W counting later); hottest: a view record's shard 3 W per view, the counter ${fmt(counterPerView)} W per view |`,
      `| accept | 3, ${offerRead + 1} / ${2 * offerWrite + 2 * acceptanceWrite + 2 + offerWrite}; offer item ${offerRead} R + ${2 * offerWrite} W and its GSI1 entry ${offerWrite} W | ${describeAction(measured, 'Accept')} |`,
      `| decline | 3, ${offerRead + 1} / ${2 * offerWrite + 2 + 2 + offerWrite}; offer item ${offerRead} R + ${2 * offerWrite} W and its GSI1 entry ${offerWrite} W | ${describeAction(measured, 'Decline')} |`,
      '',
      `### One link at ${RATE.toLocaleString('en')} views/s against the partition limits (1,000 WCU, 3,000 RCU per partition per second)`,
      '',
      `- Before: the offer's partition takes ${(RATE * offerRead).toLocaleString('en')} RCU/s (strongly consistent reads of the offer)`,
      `  and ${RATE.toLocaleString('en')} WCU/s on one counter item: ${(RATE / 1_000).toFixed(0)}× the write limit, so counting capped the link at`,
      `  ~1,000 views/s and throttled views waited through retries; reads capped it at ~${Math.floor(3_000 / offerRead).toLocaleString('en')}.`,
      `- After: view records ${RATE.toLocaleString('en')} puts/s spread over ${VIEW_SHARDS} shard partitions, each`,
      `  ~${fmt(perShardWcu)} WCU/s with its records' marks (1 W put + 2 W transactional mark), ${fmt(perShardWcu / 10)} % of its limit; the`,
      `  counter item ~${fmt(RATE * counterPerView)} WCU/s (${fmt(RATE * transactionsPerView)} transactions/s); the offer item read by ~${environments}`,
      `  environments (rate × ${heldMs.toFixed(0)} ms a view, a conservative bound: ${viewMs.toFixed(1)} ms here) once per 5 s each, eventually consistent:`,
      `  ~${fmt((environments / 5) * 0.5 * offerRead)} RCU/s. One link now reaches ~${maxViewsPerSecond.toLocaleString('en')} views/s before a shard`,
      '  partition does; it costs ~3 WCU per view instead of 1 (the price of counting each view exactly once).',
      "- Not in this unit model: transaction conflicts on the counter item. Each stream shard's invocation",
      "  writes the offer's one counter in its own transactions, so at this rate several run on that item at",
      '  once, and DynamoDB cancels a transaction that meets another one in progress on the same item',
      '  (TransactionConflict; AWS docs, "Transaction conflict handling in DynamoDB", 2026-11). What limits',
      '  the counter is then how many transactions one item completes per second, which AWS does not',
      '  publish and DynamoDB Local does not reproduce: the units above are a bound from partition limits,',
      '  not a measured rate. Cancelled transactions are retried with jitter (countViews: 10 attempts',
      '  within 30 s), then by the stream (README, Views at any rate).',
    ].join('\n');
  } finally {
    direct.client.destroy();
    await counter.close();
    await dynamo.stop();
  }
}
