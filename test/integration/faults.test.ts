import { randomUUID } from 'node:crypto';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { BROWSER, browserRequest } from '../support/customer-forms.ts';

/**
 * The outage contract, end to end: the real handlers behind the local gateway, on a DynamoDB Local
 * of this file's own that is frozen (SIGSTOP) and then killed (SIGKILL) under partner and customer
 * traffic. The functions' timeout on AWS is 10 s (infra/constructs/app-function.ts): every call
 * must be answered well before it, with a 503 and Retry-After, never a hang or a bare 500.
 */
const FUNCTION_TIMEOUT_MS = 10_000;
const TABLE = 'FaultTable';

type LocalApi = typeof import('../support/local-api.ts');
type OfferFixtures = typeof import('../support/offer-fixtures.ts');

let dynamo: DynamoDbLocal;
let localApi: LocalApi;
let fixtures: OfferFixtures;
let api: { baseUrl: string; close: () => Promise<void> };
/** Its key was looked up before the outage: the authorizer's cache answers for it. */
let warm: { key: string; partnerId: string; officeId: string };
/** Its key is first seen during the outage: the key lookup itself fails. */
let cold: { key: string };
let offer: Offer;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, TABLE);
  // The handlers and the fixtures' client read these when first imported, below.
  Object.assign(process.env, { DDB_ENDPOINT: dynamo.endpoint, TABLE_NAME: TABLE, API_KEY_CACHE_SECONDS: '600' });
  localApi = await import('../support/local-api.ts');
  fixtures = await import('../support/offer-fixtures.ts');
  api = await localApi.startLocalApi();

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

/** Every partner route kind: reads and a create, with a cached key and with a key never seen. */
function partnerTraffic(
  idempotencyKey: string,
  reference: string,
  unseenKey: string,
): [string, () => Promise<Response>][] {
  return [
    ['list offers (cached key)', () => partnerGet('/v1/offers', warm.key)],
    ['get an offer (cached key)', () => partnerGet(`/v1/offers/${offer.summaryId}`, warm.key)],
    ['list offices (cached key)', () => partnerGet('/v1/offices', warm.key)],
    ['create an offer (cached key)', () => createOffer(warm.key, idempotencyKey, reference)],
    ['list offers (key lookup fails)', () => partnerGet('/v1/offers', unseenKey)],
    // The catalog needs no table, but without the key there is no partner to answer.
    ['catalog (key lookup fails)', () => partnerGet('/v1/catalog?usageLocation=BR', unseenKey)],
  ];
}

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
  expect(response.headers.get('retry-after')).toBe('5');
  expect(JSON.parse(body)).toMatchObject({ type: 'urn:purchase-offers:problem:service-unavailable', status: 503 });
  expect(ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
}

async function expectUnavailablePage(): Promise<void> {
  const { result: response, ms } = await timed(view);
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

describe('DynamoDB frozen (SIGSTOP) under traffic', () => {
  it('answers every partner call with a 503 problem and every customer page with the 503 page, within the budget; afterwards nothing is half-written or doubled and calls succeed', async () => {
    // Arrange
    const idempotencyKey = randomUUID();
    const reference = `fault-${randomUUID().slice(0, 8)}`;
    const viewsBefore = await fixtures.viewsOf(offer.summaryId);
    const offersBefore = (await offersOf(warm.key)).length;
    const frozenViews = 2;

    // Act: the traffic during the freeze, all at once.
    dynamo.process.kill('SIGSTOP');
    try {
      await Promise.all([
        ...partnerTraffic(idempotencyKey, reference, cold.key).map(([name, call]) =>
          expectUnavailableProblem(name, call),
        ),
        ...Array.from({ length: frozenViews }, () => expectUnavailablePage()),
      ]);
    } finally {
      dynamo.process.kill('SIGCONT');
    }

    // Assert: the create retried with its Idempotency-Key is applied exactly once, whatever
    // DynamoDB did with the frozen attempt once it woke up.
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
  }, 90_000);
});

describe('DynamoDB killed (SIGKILL): connections refused', () => {
  it('answers every partner call with a 503 problem and every customer page with the 503 page, within the budget', async () => {
    dynamo.process.kill('SIGKILL');
    await dynamo.stop();
    // A key this execution environment has never looked up: only DynamoDB could say whose it is.
    const neverSeen = generateApiKey();

    await Promise.all([
      ...partnerTraffic(randomUUID(), 'after-kill', neverSeen).map(([name, call]) =>
        expectUnavailableProblem(name, call),
      ),
      expectUnavailablePage(),
    ]);
  }, 60_000);
});
