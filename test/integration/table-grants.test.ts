import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LocalDirectory } from '../../infra/local/directory.ts';
import { createLocalGateway } from '../../infra/local/gateway.ts';
import { LocalOfferTimers } from '../../infra/local/offer-timers.ts';
import { LocalDeliveryQueue } from '../../infra/local/webhook-queue.ts';
import { pendingViewRecords, viewRecordToItem } from '../../shared/db/offer-views.ts';
import { offerToItem } from '../../shared/db/offers.ts';
import { createDocumentClient } from '../../shared/db/sdk-table.ts';
import { setLocalPartnerSyncInvoker } from '../../shared/lambda/office-sync-request.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../shared/routes.ts';
import { setLocalDeliveryQueue } from '../../shared/webhooks/delivery-queue.ts';
import { setLocalOfferTimers } from '../../shared/webhooks/offer-timers.ts';
import { consoleGet, consolePost, postSignIn, signInToConsole } from '../support/console.ts';
import { LeadingKeysProxy } from '../support/leading-keys-proxy.ts';
import { bearer, bodyOf, newPartner, table } from '../support/local-api.ts';
import { basicOffer } from '../support/offer.ts';
import { acceptFields, customerAt } from '../support/offer-page-forms.ts';
import { DIRECTORY_CREDENTIAL, office, startDirectory } from './office-fixtures.ts';

/**
 * Every function runs its real code, through the local gateway, against DynamoDB Local behind an
 * IAM stand-in that enforces that function's own table grants (shared/routes.ts: actions and
 * dynamodb:LeadingKeys). A grant narrower than what the code does fails here as AccessDenied, as
 * it would on AWS.
 */
type Handler = (...args: never[]) => Promise<unknown>;
const specs: Readonly<Record<string, FunctionSpec>> = FUNCTIONS;
const proxies = new Map<string, LeadingKeysProxy>();
const handlers = new Map<string, Handler>();
let directory: LocalDirectory;
let gateway: Server;
let baseUrl: string;

beforeAll(async () => {
  directory = await startDirectory();
  process.env.DIRECTORY_BASE_URL = directory.baseUrl;
  process.env.DIRECTORY_CREDENTIAL = DIRECTORY_CREDENTIAL;
  process.env.DIRECTORY_TIMEOUT_MS = '2000';
  const dynamo = process.env.DDB_ENDPOINT as string;
  // Each handler reads DDB_ENDPOINT when its module loads: loaded one by one, each gets its own proxy.
  for (const [name, spec] of Object.entries(specs)) {
    const proxy = new LeadingKeysProxy(dynamo, spec);
    proxies.set(name, proxy);
    process.env.DDB_ENDPOINT = await proxy.start();
    try {
      const module = (await import(pathToFileURL(`${process.cwd()}/${spec.entry}`).href)) as { handler: Handler };
      handlers.set(name, module.handler);
    } finally {
      process.env.DDB_ENDPOINT = dynamo;
    }
  }
  gateway = createLocalGateway({ loadHandler: async (name: FunctionName) => handlers.get(name) as never });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});

afterAll(async () => {
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
  await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
  await directory.close();
});

const json = { 'content-type': 'application/json' };

describe('each function within its own table grants', () => {
  it('runs a partner’s and a customer’s whole journey without an access denied', async () => {
    // Arrange: a partner with offices in the directory.
    const { partner, key } = await newPartner();
    directory.put(office(partner.partnerId, 'sp', { name: 'São Paulo HQ' }));
    directory.put(office(partner.partnerId, 'rj', { name: 'Rio' }));
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(baseUrl + path, {
        method,
        headers: { ...bearer(key), ...(body ? json : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    // Act and assert, step by step: office sync (on demand and scheduled), offices, offers, pages.
    expect((await call('POST', '/v1/offices/sync')).status).toBe(200);
    const scheduled = handlers.get('officeSync') as (event: unknown, context: Context) => Promise<unknown>;
    await expect(scheduled({}, { getRemainingTimeInMillis: () => 60_000 } as Context)).resolves.toMatchObject({
      received: expect.any(Number),
    });
    const offices = await call('GET', '/v1/offices');
    expect(offices.status).toBe(200);
    expect((await bodyOf(offices)).offices).toHaveLength(2);

    const create = {
      officeId: 'sp',
      usageLocation: 'BR',
      items: [
        { sku: 'M365_BUSINESS_STANDARD', licenses: 12 },
        { sku: 'TEAMS_ESSENTIALS', licenses: 3 },
      ],
      delegatedAdmin: true,
      reference: 'CRM-1',
    };
    const created = await call('POST', '/v1/offers', create, { 'idempotency-key': 'k-1' });
    expect(created.status).toBe(201);
    const offer = await bodyOf(created);
    const replayed = await call('POST', '/v1/offers', create, { 'idempotency-key': 'k-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('POST', '/v1/offers', create, { 'idempotency-key': 'k-2' })).status).toBe(409);

    for (const path of ['', '/message', '/qr.svg', '/acceptances']) {
      expect([path, (await call('GET', `/v1/offers/${offer.summaryId}${path}`)).status]).toEqual([path, 200]);
    }
    const list = await call('GET', '/v1/offers');
    expect(list.status).toBe(200);
    expect((await bodyOf(list)).offers.map((o: { summaryId: string }) => o.summaryId)).toContain(offer.summaryId);
    // status=active reads the open-offers index (GSI2).
    const active = await call('GET', '/v1/offers?status=active');
    expect((await bodyOf(active)).offers.map((o: { summaryId: string }) => o.summaryId)).toContain(offer.summaryId);

    const customer = customerAt(baseUrl);
    const accepted = await customer.post(offer, 'accept', acceptFields(await customer.openForm(offer)));
    expect(accepted.status).toBe(303);
    const declined = await customer.post(offer, 'decline', { submission: await customer.openForm(offer) });
    expect(declined.status).toBe(200);
    // The two page views wrote view records; the views function counts them from the stream (a
    // transaction of the counter's update and the records' marks).
    const viewRecords = await pendingViewRecords(table, offer.summaryId);
    const countViews = handlers.get('offerViews') as unknown as (
      event: DynamoDBStreamEvent,
    ) => Promise<DynamoDBBatchResponse>;
    const viewEvent = viewRecords.map((record, n) => ({
      eventName: 'INSERT' as const,
      dynamodb: { NewImage: marshall(viewRecordToItem(record)), SequenceNumber: String(n + 1) },
    }));
    expect(await countViews({ Records: viewEvent as DynamoDBStreamEvent['Records'] })).toEqual({
      batchItemFailures: [],
    });
    expect(await pendingViewRecords(table, offer.summaryId)).toEqual([]);

    expect((await call('POST', `/v1/offers/${offer.summaryId}/deactivate`)).status).toBe(200);
    // A revise reads the old offer, then writes the new one, the moved reference claim, the
    // idempotency record and the old offer's update in one transaction.
    const revised = await call(
      'POST',
      `/v1/offers/${offer.summaryId}/revise`,
      { maxAcceptances: 5 },
      {
        'idempotency-key': 'k-3',
      },
    );
    expect(revised.status).toBe(201);

    // Webhook endpoints: register (a transaction on the count and the endpoint), list, get,
    // rotate, delete (a transaction of two updates).
    const endpoint = await bodyOf(
      await call('POST', '/v1/webhook-endpoints', { url: 'https://93.184.215.14/hook', events: ['offer.accepted'] }),
    );
    expect(endpoint.endpointId).toMatch(/^we_/);
    expect((await call('GET', '/v1/webhook-endpoints')).status).toBe(200);
    expect((await call('GET', `/v1/webhook-endpoints/${endpoint.endpointId}`)).status).toBe(200);
    expect((await call('POST', `/v1/webhook-endpoints/${endpoint.endpointId}/rotate-secret`)).status).toBe(200);

    // Webhook events and deliveries: the stream handler fans an offer's first view out to a
    // subscribed endpoint (reading the offer for its partner) and sets a new offer's expiry timers;
    // the delivery function makes the attempt and records it; a timer fires and reads its offer.
    const queue = new LocalDeliveryQueue();
    const timers = new LocalOfferTimers();
    setLocalDeliveryQueue(queue);
    setLocalOfferTimers(timers);
    try {
      const subscribed = await bodyOf(
        await call('POST', '/v1/webhook-endpoints', { url: 'https://93.184.215.14/hooks', events: ['offer.viewed'] }),
      );
      const newOffer = (await bodyOf(revised)) as { summaryId: string };
      const views = (count: number) =>
        marshall({
          PK: `OFFER#${newOffer.summaryId}`,
          SK: 'OFFER#VIEWS',
          entity: 'offerViews',
          summaryId: newOffer.summaryId,
          views: count,
        });
      // A whole offer item, as the create transaction writes it (the stream hands over the new image).
      const inserted = marshall(
        offerToItem(
          basicOffer({
            summaryId: 'TEST-TIMERS',
            partnerId: partner.partnerId,
            createdAt: new Date().toISOString(),
            expiresAt: new Date(Date.now() + 72 * 3_600_000).toISOString(),
          }),
        ),
        { removeUndefinedValues: true },
      );
      const stream = handlers.get('offerEvents') as unknown as (
        event: DynamoDBStreamEvent,
      ) => Promise<DynamoDBBatchResponse>;
      const records = [
        { eventName: 'MODIFY' as const, dynamodb: { NewImage: views(1), OldImage: views(0), SequenceNumber: '1' } },
        { eventName: 'INSERT' as const, dynamodb: { NewImage: inserted, SequenceNumber: '2' } },
      ];
      expect(await stream({ Records: records as DynamoDBStreamEvent['Records'] })).toEqual({ batchItemFailures: [] });
      expect(queue.waiting.map((entry) => entry.message.endpointId)).toEqual([subscribed.endpointId]);
      expect(timers.pending.size).toBe(2);
      const deliver = handlers.get('webhookDeliveries') as unknown as (event: SQSEvent) => Promise<SQSBatchResponse>;
      expect(await queue.drain(deliver)).toBe(1);
      const fire = handlers.get('offerTimers') as unknown as (input: unknown) => Promise<unknown>;
      await expect(
        fire({ summaryId: newOffer.summaryId, kind: 'expired', dueAt: new Date().toISOString() }),
      ).resolves.toEqual(expect.any(String));
      // An open offer's expired timer also takes it out of the open-offers index (an UpdateItem).
      const expiredAt = new Date(Date.now() - 1_000).toISOString();
      const expiring = basicOffer({
        summaryId: 'TEST-EXPIRED',
        partnerId: partner.partnerId,
        createdAt: new Date(Date.now() - 3_600_000).toISOString(),
        expiresAt: expiredAt,
      });
      await table.put({ Item: offerToItem(expiring) });
      await expect(fire({ summaryId: expiring.summaryId, kind: 'expired', dueAt: expiredAt })).resolves.toBe('sent');
    } finally {
      setLocalDeliveryQueue(undefined);
      setLocalOfferTimers(undefined);
    }
    expect((await call('DELETE', `/v1/webhook-endpoints/${endpoint.endpointId}`)).status).toBe(204);

    // No function was refused anything.
    expect(Object.fromEntries([...proxies].map(([name, proxy]) => [name, proxy.denials]))).toEqual(
      Object.fromEntries([...proxies.keys()].map((name) => [name, []])),
    );
  }, 30_000);

  it('signs a partner in and out of the console, and counts a failed sign-in, without an access denied', async () => {
    const { key } = await newPartner();

    const failed = await postSignIn(baseUrl, { apiKey: `pok_${'C'.repeat(43)}` });
    const browser = await signInToConsole(baseUrl, key);
    const signedIn = await consoleGet(baseUrl, '/console', browser.cookie);
    const signedOut = await consolePost(baseUrl, '/console/sign-out', browser, { csrf: browser.csrfToken });
    const afterwards = await consoleGet(baseUrl, '/console', browser.cookie);

    expect(failed.status).toBe(401);
    expect(signedIn.headers.get('location')).toBe('/console/offers?lang=en');
    expect(signedOut.status).toBe(303);
    expect(afterwards.status).toBe(200);
  });

  it('creates an offer through the console’s wizard and syncs offices from it, without an access denied', async () => {
    const { partner, key } = await newPartner();
    directory.put(office(partner.partnerId, 'console-sp', { name: 'São Paulo' }));
    // The console's Lambda Invoke of the office sync, here the office sync's own handler (and grants).
    const officeSync = handlers.get('officeSync') as (event: unknown, context: Context) => Promise<unknown>;
    setLocalPartnerSyncInvoker((request) => officeSync(request, {} as Context));
    try {
      const browser = await signInToConsole(baseUrl, key);
      const synced = await consolePost(baseUrl, '/console/offices/sync', browser, { csrf: browser.csrfToken });
      const form = await consoleGet(baseUrl, '/console/offers/new', browser.cookie);
      const fields = {
        csrf: browser.csrfToken,
        idempotencyKey: 'console-grants-1',
        officeId: 'console-sp',
        usageLocation: 'BR',
        shownLocation: 'BR',
        'include.M365_BUSINESS_STANDARD': 'yes',
        'licenses.M365_BUSINESS_STANDARD': '5',
        reference: 'CONSOLE-1',
        action: 'create',
      };
      const created = await consolePost(baseUrl, '/console/offers/new', browser, fields);
      const again = await consolePost(baseUrl, '/console/offers/new', browser, fields);
      const send = await consoleGet(baseUrl, created.headers.get('location') ?? '', browser.cookie);

      // A completed sync redirects (303) to the create page with its outcome.
      expect([synced.status, form.status, created.status, again.status, send.status]).toEqual([
        303, 200, 303, 303, 200,
      ]);
      expect(proxies.get('console')?.denials).toEqual([]);
      expect(proxies.get('officeSync')?.denials).toEqual([]);
    } finally {
      setLocalPartnerSyncInvoker(undefined);
    }
  });

  // Last of the journeys (jest runs a file's tests in order): the console's pages ran in their own.
  it('has exercised every function with a table grant through its grants, without an access denied', () => {
    expect(Object.fromEntries([...proxies].map(([name, proxy]) => [name, proxy.denials]))).toEqual(
      Object.fromEntries([...proxies.keys()].map((name) => [name, []])),
    );
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.table) expect([name, (proxies.get(name)?.allowed.length ?? 0) > 0]).toEqual([name, true]);
    }
  });

  it('refuses what a grant does not cover: the stand-in is not a pass-through', async () => {
    const viaSync = createDocumentClient(proxies.get('officeSync')?.url);
    const viaRead = createDocumentClient(proxies.get('offersRead')?.url);
    const viaPage = createDocumentClient(proxies.get('offerPage')?.url);

    await expect(
      viaSync.send(new PutCommand({ TableName: 'IntegrationTable', Item: { PK: 'PARTNER#x', SK: 'PROFILE' } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      viaRead.send(
        new QueryCommand({
          TableName: 'IntegrationTable',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': 'PARTNER#x' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      viaPage.send(new PutCommand({ TableName: 'IntegrationTable', Item: { PK: 'APIKEY#x', SK: 'APIKEY' } })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(proxies.get('officeSync')?.denials).toContainEqual({ action: 'PutItem', keys: ['PARTNER#x'] });
  });
});
