import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbLocal, ensureTable, freePort, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { offerKeys } from '../../shared/db/offers.ts';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { submissionIdOf } from '../../shared/offer-page/submission-token.ts';
import { acceptFields, BROWSER, browserRequest, customerAt } from '../support/offer-page-forms.ts';

/**
 * The outage contract, end to end: the real handlers behind the local gateway, on a DynamoDB Local
 * of this file's own that is frozen (SIGSTOP), then killed (SIGKILL) under partner and customer
 * traffic, then started again on the same port and data (as `npm start` does). The functions'
 * timeout on AWS is 10 s (infra/constructs/app-function.ts): every call must be answered well
 * before it, with a 503 and Retry-After, never a hang or a bare 500; afterwards counts are exact.
 */
const FUNCTION_TIMEOUT_MS = 10_000;
const TABLE = 'FaultTable';

type LocalApi = typeof import('../support/local-api.ts');
type OfferFixtures = typeof import('../support/offer-fixtures.ts');

/** DynamoDB Local keeps its data here, so a restart after the kill finds it again. */
let dataDir: string;
let port: number;
let dynamo: DynamoDbLocal;
let localApi: LocalApi;
let fixtures: OfferFixtures;
let api: { baseUrl: string; close: () => Promise<void> };
let customer: ReturnType<typeof customerAt>;
/** Its key was looked up before the outage: the authorizer's cache answers for it. */
let warm: { key: string; partnerId: string; officeId: string };
/** Its key is first seen during the outage: the key lookup itself fails. */
let cold: { key: string };
let offer: Offer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'purchase-offers-faults-'));
  port = await freePort();
  dynamo = await startDynamoDbLocal({ port, dataDir });
  await ensureTable(dynamo.endpoint, TABLE);
  // The handlers and the fixtures' client read these when first imported, below. The directory is
  // never reached: an on-demand sync's first step is its rate-limit claim in the table.
  Object.assign(process.env, {
    DDB_ENDPOINT: dynamo.endpoint,
    TABLE_NAME: TABLE,
    API_KEY_CACHE_SECONDS: '600',
    DIRECTORY_BASE_URL: 'http://127.0.0.1:9',
    DIRECTORY_CREDENTIAL: 'fault-suite-directory-token',
  });
  localApi = await import('../support/local-api.ts');
  fixtures = await import('../support/offer-fixtures.ts');
  api = await localApi.startLocalApi();
  customer = customerAt(api.baseUrl);

  const a = await localApi.newPartner();
  const office = await localApi.seedOffice(a.partner.partnerId);
  warm = { key: a.key, partnerId: a.partner.partnerId, officeId: office.officeId };
  cold = { key: (await localApi.newPartner()).key };
  offer = await fixtures.seedOffer({ partnerId: warm.partnerId });
  // Warm the authorizer's key cache and the connections, as in steady traffic.
  expect((await partnerGet('/v1/offers', warm.key)).status).toBe(200);
  expect((await view()).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await api?.close();
  if (dynamo && dynamo.process.exitCode === null && dynamo.process.signalCode === null) {
    dynamo.process.kill('SIGCONT');
    await dynamo.stop();
  }
  localApi?.table.client.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

const partnerGet = (path: string, key: string) =>
  fetch(api.baseUrl + path, { headers: { authorization: `Bearer ${key}` } });

function createOffer(key: string, idempotencyKey: string, reference: string) {
  return fetch(`${api.baseUrl}/v1/offers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify({
      officeId: warm.officeId,
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 10 }],
      delegatedAdmin: false,
      locale: 'en',
      reference,
    }),
  });
}

const view = () => browserRequest(`${api.baseUrl}/o/${offer.summaryId}`, { headers: BROWSER });

const postJson = (path: string, key: string, body: unknown) =>
  fetch(api.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * Every partner route that reads or writes the table, with a cached key, and a read and the
 * catalog with a key never seen (the key lookup itself fails). `deactivated` is an offer of its
 * own: a deactivation DynamoDB may apply once it wakes up must not touch the other tests' offer.
 */
function partnerTraffic(
  idempotencyKey: string,
  reference: string,
  unseenKey: string,
  deactivated: Offer,
): [string, () => Promise<Response>][] {
  const id = offer.summaryId;
  return [
    ['list offers (cached key)', () => partnerGet('/v1/offers', warm.key)],
    ['get an offer (cached key)', () => partnerGet(`/v1/offers/${id}`, warm.key)],
    ['acceptances (cached key)', () => partnerGet(`/v1/offers/${id}/acceptances`, warm.key)],
    ['message (cached key)', () => partnerGet(`/v1/offers/${id}/message?locale=en`, warm.key)],
    ['QR code (cached key)', () => partnerGet(`/v1/offers/${id}/qr.svg`, warm.key)],
    ['list offices (cached key)', () => partnerGet('/v1/offices', warm.key)],
    ['sync offices (cached key)', () => postJson('/v1/offices/sync', warm.key, {})],
    ['create an offer (cached key)', () => createOffer(warm.key, idempotencyKey, reference)],
    [
      'deactivate an offer (cached key)',
      () => postJson(`/v1/offers/${deactivated.summaryId}/deactivate`, warm.key, { message: 'Prices change.' }),
    ],
    // Its first read (the old offer) fails, so no transaction is ever sent.
    [
      'revise an offer (cached key)',
      () => postJson(`/v1/offers/${deactivated.summaryId}/revise`, warm.key, { maxAcceptances: 2 }),
    ],
    ['list offers (key lookup fails)', () => partnerGet('/v1/offers', unseenKey)],
    // The catalog needs no table, but without the key there is no partner to answer.
    ['catalog (key lookup fails)', () => partnerGet('/v1/catalog?usageLocation=BR', unseenKey)],
    ['usage locations (key lookup fails)', () => partnerGet('/v1/usage-locations', unseenKey)],
  ];
}

/** The catalog function has no table access: with a cached key an outage does not concern it. */
const catalogTraffic: [string, () => Promise<Response>][] = [
  ['catalog (cached key)', () => partnerGet('/v1/catalog?usageLocation=BR', warm.key)],
  ['usage locations (cached key)', () => partnerGet('/v1/usage-locations', warm.key)],
];

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await call();
  return { result, ms: performance.now() - started };
}

async function expectUnavailableProblem(name: string, call: () => Promise<Response>): Promise<void> {
  const { result: response, ms } = await timed(call);
  const body = await response.text();
  expect({ name, status: response.status }).toEqual({ name, status: 503 });
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect({ name, retryAfter: response.headers.get('retry-after') }).toEqual({ name, retryAfter: '5' });
  expect({ name, problem: JSON.parse(body) }).toMatchObject({
    name,
    problem: { type: 'urn:purchase-offers:problem:service-unavailable', status: 503 },
  });
  expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
}

async function expectOk(name: string, call: () => Promise<Response>): Promise<void> {
  const response = await call();
  expect({ name, status: response.status }).toEqual({ name, status: 200 });
}

/** The customer's "try again" page: 503 HTML with Retry-After, inside the function timeout. */
async function expectUnavailablePage(call: () => Promise<Response> = view): Promise<void> {
  const { result: response, ms } = await timed(call);
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
}

async function offersOf(key: string): Promise<{ summaryId: string; reference?: string }[]> {
  const response = await partnerGet('/v1/offers?limit=100', key);
  expect(response.status).toBe(200);
  return ((await response.json()) as { offers: { summaryId: string; reference?: string }[] }).offers;
}

/** Sort keys of everything stored under the offer besides the offer and its views counter. */
async function answersStored(answered: Offer): Promise<string[]> {
  const { Items = [] } = await localApi.table.client.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(answered.summaryId) },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.SK))
    .filter((sk) => !sk.startsWith(offerKeys.skPrefix))
    .sort();
}

async function countersOf(answered: Offer): Promise<{ acceptances: number; declines: number }> {
  const response = await partnerGet(`/v1/offers/${answered.summaryId}`, warm.key);
  expect(response.status).toBe(200);
  const { counters } = (await response.json()) as { counters: { acceptances: number; declines: number } };
  return { acceptances: counters.acceptances, declines: counters.declines };
}

/** A customer with an accept form and a decline form open, each with its own submission token. */
async function customerWithForms() {
  const answered = await fixtures.seedOffer({ partnerId: warm.partnerId });
  const acceptToken = await customer.openForm(answered);
  const declineToken = await customer.openForm(answered);
  return {
    answered,
    acceptToken,
    declineToken,
    accept: () => customer.post(answered, 'accept', acceptFields(acceptToken)),
    decline: () => customer.post(answered, 'decline', { submission: declineToken, reason: 'No budget this year' }),
  };
}

describe('DynamoDB frozen (SIGSTOP) under traffic', () => {
  it('answers every partner call with a 503 problem and every customer page and form with the 503 page, within the budget; afterwards nothing is half-written or doubled and calls succeed', async () => {
    // Arrange
    const idempotencyKey = randomUUID();
    const reference = `fault-${randomUUID().slice(0, 8)}`;
    const forms = await customerWithForms();
    const deactivated = await fixtures.seedOffer({ partnerId: warm.partnerId });
    const viewsBefore = await fixtures.viewsOf(offer.summaryId);
    const offersBefore = (await offersOf(warm.key)).length;
    const frozenViews = 2;

    // Act: the traffic during the freeze, all at once.
    dynamo.process.kill('SIGSTOP');
    try {
      await Promise.all([
        ...partnerTraffic(idempotencyKey, reference, cold.key, deactivated).map(([name, call]) =>
          expectUnavailableProblem(name, call),
        ),
        ...catalogTraffic.map(([name, call]) => expectOk(name, call)),
        ...Array.from({ length: frozenViews }, () => expectUnavailablePage()),
        expectUnavailablePage(forms.accept),
        expectUnavailablePage(forms.decline),
      ]);
    } finally {
      dynamo.process.kill('SIGCONT');
    }

    // Assert: no answer was recorded while DynamoDB was frozen, even after it woke up.
    expect(await answersStored(forms.answered)).toEqual([]);
    // The create retried with its Idempotency-Key is applied exactly once, whatever DynamoDB did
    // with the frozen attempt once it woke up.
    const retried = await createOffer(warm.key, idempotencyKey, reference);
    expect([200, 201]).toContain(retried.status);
    const offers = await offersOf(warm.key);
    expect(offers.filter((o) => o.reference === reference)).toHaveLength(1);
    expect(offers).toHaveLength(offersBefore + 1);
    // A view is counted at most once, even the ones that got the "try again" page (their single
    // UpdateItem may have been applied when DynamoDB woke up), and the next view counts.
    expect((await view()).status).toBe(200);
    const viewsAfter = await fixtures.viewsOf(offer.summaryId);
    expect(viewsAfter).toBeGreaterThanOrEqual(viewsBefore + 1);
    expect(viewsAfter).toBeLessThanOrEqual(viewsBefore + 1 + frozenViews);
    // The key never seen before works now: its failed lookup was not cached as a denial.
    expect((await partnerGet('/v1/offers', cold.key)).status).toBe(200);
    // The customer resubmits the same forms (the page said "try again"): each is recorded once,
    // and a second resubmission changes nothing.
    expect((await forms.accept()).status).toBe(303);
    expect((await forms.decline()).status).toBe(200);
    expect((await forms.accept()).status).toBe(303);
    expect((await forms.decline()).status).toBe(200);
    expect(await countersOf(forms.answered)).toEqual({ acceptances: 1, declines: 1 });
    const accepted = submissionIdOf(forms.acceptToken);
    const declined = submissionIdOf(forms.declineToken);
    expect(await answersStored(forms.answered)).toEqual(
      [`ACCEPT#${accepted}`, `DECLINE#${declined}`, `SUBMISSION#${accepted}`, `SUBMISSION#${declined}`].sort(),
    );
  }, 90_000);
});

describe('DynamoDB killed (SIGKILL), then started again on the same data', () => {
  it('answers every partner call with a 503 problem and every customer page and form with the 503 page, within the budget; after the restart the next calls succeed with exact counts', async () => {
    // Arrange
    const forms = await customerWithForms();
    const deactivated = await fixtures.seedOffer({ partnerId: warm.partnerId });
    const idempotencyKey = randomUUID();
    const reference = `after-kill-${randomUUID().slice(0, 8)}`;
    const offersBefore = (await offersOf(warm.key)).length;
    const viewsBefore = await fixtures.viewsOf(offer.summaryId);
    // A key this execution environment has never looked up: only DynamoDB could say whose it is.
    const neverSeen = generateApiKey();

    // Act: connections refused.
    dynamo.process.kill('SIGKILL');
    await dynamo.stop();
    await Promise.all([
      ...partnerTraffic(idempotencyKey, reference, neverSeen, deactivated).map(([name, call]) =>
        expectUnavailableProblem(name, call),
      ),
      ...catalogTraffic.map(([name, call]) => expectOk(name, call)),
      expectUnavailablePage(),
      expectUnavailablePage(forms.accept),
      expectUnavailablePage(forms.decline),
    ]);
    // Started again as `npm start` does after a death: same port, same data. The handlers keep
    // their clients; nothing is pointed anywhere else.
    dynamo = await startDynamoDbLocal({ port, dataDir });

    // Assert: nothing reached the dead database, everything written before it died is there, and
    // the next calls succeed.
    const offers = await offersOf(warm.key);
    expect(offers).toHaveLength(offersBefore);
    expect(await fixtures.viewsOf(offer.summaryId)).toBe(viewsBefore);
    expect(await answersStored(forms.answered)).toEqual([]);
    const created = await createOffer(warm.key, idempotencyKey, reference);
    expect(created.status).toBe(201);
    expect(await offersOf(warm.key)).toHaveLength(offersBefore + 1);
    expect((await view()).status).toBe(200);
    expect(await fixtures.viewsOf(offer.summaryId)).toBe(viewsBefore + 1);
    expect((await forms.accept()).status).toBe(303);
    expect((await forms.decline()).status).toBe(200);
    expect(await countersOf(forms.answered)).toEqual({ acceptances: 1, declines: 1 });
    expect((await partnerGet('/v1/offers', neverSeen)).status).toBe(401);
  }, 90_000);
});
