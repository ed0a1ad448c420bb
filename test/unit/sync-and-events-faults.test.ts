import { marshall } from '@aws-sdk/util-dynamodb';
import { jest } from '@jest/globals';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { createEventBridgeClient, EventBridgePublisher } from '../../functions/offer-events/publisher.ts';
import { ssmCredential } from '../../functions/office-sync/directory/credential.ts';
import { DirectoryError } from '../../functions/office-sync/directory/directory.ts';
import { HttpDirectory } from '../../functions/office-sync/directory/http-directory.ts';
import { logGatewayError } from '../../infra/local/gateway.ts';
import { declineToItem } from '../../shared/db/customer-responses.ts';
import type { OfferEvent } from '../../shared/domain/acceptance.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import { logger } from '../../shared/observability/logger.ts';
import { apiEvent } from '../support/events.ts';
import { fakeEndpoint, type Reply } from '../support/fake-endpoint.ts';

/**
 * What a function throws or logs when AWS answers with a signature error quoting the signed
 * request, and how long SDK calls to a service that never answers may take: fake endpoints on
 * 127.0.0.1 stand for DynamoDB, SSM and EventBridge.
 */

/** Reads the request and never answers. */
const silent: Reply = () => undefined;

const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEFAKE-SESSION-TOKEN-0123456789';
/** What AWS says about a bad signature: the canonical request it expected, session token included. */
const SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.\n\n' +
  "The Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.0\n" +
  `x-amz-date:20261129T120000Z\nx-amz-security-token:${SESSION_TOKEN}\nx-amz-target:DynamoDB_20120810.GetItem\n\n` +
  "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n0123abcd'";

const signatureError: Reply = (_req, res) =>
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#InvalidSignatureException',
      message: SIGNATURE_MESSAGE,
    }),
  );

const FAKE_AWS = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } };

/** Everything an error could show to a log or a dead-letter queue. */
function exposed(error: unknown): string {
  const e = error as Error & Record<string, unknown>;
  return JSON.stringify({ name: e.name, message: e.message, stack: e.stack, cause: String(e.cause), own: { ...e } });
}

async function elapsed<T>(call: () => Promise<T>): Promise<{ outcome: T | unknown; ms: number }> {
  const started = performance.now();
  const outcome = await call().catch((error: unknown) => error);
  return { outcome, ms: performance.now() - started };
}

let dynamo: Awaited<ReturnType<typeof fakeEndpoint>>;
let dynamoReply: Reply = signatureError;
type OfficeSyncHandler = (event: unknown, context: Context) => Promise<unknown>;
let officeSync: OfficeSyncHandler;

beforeAll(async () => {
  dynamo = await fakeEndpoint((req, res) => dynamoReply(req, res));
  // The office sync function reads these when first imported.
  Object.assign(process.env, {
    TABLE_NAME: 'FakeTable',
    DDB_ENDPOINT: dynamo.url,
    DIRECTORY_BASE_URL: 'http://127.0.0.1:9/never-called',
    DIRECTORY_CREDENTIAL: 'local-directory-token',
  });
  ({ handler: officeSync } = (await import('../../functions/office-sync/handler.ts')) as {
    handler: OfficeSyncHandler;
  });
});

afterAll(async () => {
  await dynamo.close();
});

afterEach(() => {
  jest.restoreAllMocks();
  dynamoReply = signatureError;
});

const scheduledContext = { getRemainingTimeInMillis: () => 60_000 } as Context;

describe('office sync: log safety', () => {
  it('fails a scheduled run on a DynamoDB signature error with an error and logs that quote no session token', async () => {
    // Arrange
    const logged: unknown[] = [];
    jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));

    // Act
    const error = await officeSync({}, scheduledContext).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assert: the run still fails (Lambda retries it, then the dead-letter queue), with the error's kind kept.
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvalidSignatureException');
    expect((error as Error).message).toContain('signature we calculated does not match');
    expect(exposed(error)).not.toContain(SESSION_TOKEN);
    expect(exposed(error)).not.toContain('x-amz-security-token');
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).not.toContain(SESSION_TOKEN);
  });

  it('answers an on-demand sync whose table does not answer with 503 service-unavailable (Retry-After 5), not directory-unavailable', async () => {
    // Arrange: DynamoDB frozen; the SDK's timeout and budget abort are TimeoutError / AbortError.
    dynamoReply = silent;
    const event = apiEvent({ routeKey: 'POST /v1/offices/sync', authorizer: { partnerId: 'p-frozen' } });

    // Act
    const result = (await officeSync(event, { awsRequestId: 'aws-req' } as Context)) as ApiResult;

    // Assert
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(String(result.body))).toMatchObject({ type: 'urn:purchase-offers:problem:service-unavailable' });
  });
});

describe('directory client: failures are its own', () => {
  it('turns its caller’s budget running out into a DirectoryError, not a bare TimeoutError', async () => {
    // Arrange: a directory that never answers within the caller's budget.
    const directory = new HttpDirectory({
      baseUrl: 'http://directory.test',
      credential: { get: async () => 'token', invalidate: () => undefined },
      timeoutMs: 30_000,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    });

    // Act
    const error = await directory.listOffices({ partnerId: 'p-1' }, undefined, AbortSignal.timeout(50)).catch((e) => e);

    // Assert
    expect(error).toBeInstanceOf(DirectoryError);
    expect((error as DirectoryError).message).toContain('TimeoutError');
  });

  it('bounds the SSM credential read by the request’s timeout and the caller’s budget', async () => {
    // Arrange: SSM never answers, and its own limits are far longer than the directory request's.
    const ssm = await fakeEndpoint(silent);
    const credential = ssmCredential('/test/directory-credential', {
      limits: { connectionTimeoutMs: 30_000, requestTimeoutMs: 30_000, maxAttempts: 1, operationBudgetMs: 30_000 },
      clientConfig: { endpoint: ssm.url, ...FAKE_AWS },
    });
    const directory = new HttpDirectory({
      baseUrl: 'http://directory.test',
      credential,
      timeoutMs: 100,
      maxAttempts: 1,
      fetch: () => Promise.reject(new Error('the directory must not be called without a credential')),
    });

    // Act
    const { outcome, ms } = await elapsed(() =>
      directory.listOffices({ partnerId: 'p-1' }, undefined, AbortSignal.timeout(20_000)),
    );
    await ssm.close();

    // Assert: generous bound, far below SSM's own 30 s.
    expect(outcome).toBeInstanceOf(DirectoryError);
    expect((outcome as Error).message).toContain('credential unavailable');
    expect(ms).toBeLessThan(15_000);
  });
});

describe('SDK clients have time limits', () => {
  it('fails an SSM read that never gets an answer within its configured limits', async () => {
    // Arrange
    const ssm = await fakeEndpoint(silent);
    const credential = ssmCredential('/test/directory-credential', {
      limits: { connectionTimeoutMs: 100, requestTimeoutMs: 200, maxAttempts: 2, operationBudgetMs: 1_000 },
      clientConfig: { endpoint: ssm.url, ...FAKE_AWS },
    });

    // Act
    const { outcome, ms } = await elapsed(() => credential.get());
    await ssm.close();

    // Assert
    expect(outcome).toBeInstanceOf(Error);
    expect(['TimeoutError', 'AbortError', 'RequestTimeout']).toContain((outcome as Error).name);
    expect(ssm.requests()).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(15_000);
  });

  it('reports every event of a PutEvents that never gets an answer as not published, within its limits', async () => {
    // Arrange
    const bus = await fakeEndpoint(silent);
    const client = createEventBridgeClient(
      { endpoint: bus.url, ...FAKE_AWS },
      { connectionTimeoutMs: 100, requestTimeoutMs: 200, maxAttempts: 2, operationBudgetMs: 1_000 },
    );
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);

    // Act
    const { outcome, ms } = await elapsed(() => new EventBridgePublisher('offer-events', client).publish(events(12)));
    await bus.close();

    // Assert: both requests' events, in order, so the stream handler retries from the first.
    expect(outcome).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(ms).toBeLessThan(15_000);
  });
});

function events(count: number): OfferEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    type: 'OfferDeclined',
    partnerId: 'p-1',
    decline: {
      summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      submissionId: `sub-${n}`,
      declinedAt: '2026-11-29T00:00:00.000Z',
    },
  }));
}

describe('offer events: log safety', () => {
  it('logs a rejected PutEvents without its quoted request and reports its events for retry', async () => {
    // Arrange
    const bus = await fakeEndpoint(signatureError);
    const logged: unknown[] = [];
    jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => void logged.push(args));
    const publisher = new EventBridgePublisher(
      'offer-events',
      createEventBridgeClient({ endpoint: bus.url, ...FAKE_AWS }),
    );

    // Act
    const failed = await publisher.publish(events(2));
    await bus.close();

    // Assert
    expect(failed).toEqual([0, 1]);
    expect(JSON.stringify(logged)).toContain('InvalidSignatureException');
    expect(JSON.stringify(logged)).not.toContain(SESSION_TOKEN);
  });

  it('rethrows a publisher failure redacted, so the runtime cannot log the quoted request', async () => {
    // Arrange
    const { createHandler } = await import('../../functions/offer-events/handler.ts');
    const raw = Object.assign(new Error(SIGNATURE_MESSAGE), { name: 'InvalidSignatureException' });
    const handler = createHandler({ publish: () => Promise.reject(raw) });
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const decline = {
      summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      submissionId: 'sub-1',
      declinedAt: '2026-11-29T00:00:00.000Z',
    };
    const stream = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: marshall(declineToItem(decline, 'p-1') as never),
          },
        },
      ],
    } as unknown as DynamoDBStreamEvent;

    // Act
    const pending = await handler(stream).then(
      () => 'resolved',
      (e: unknown) => e,
    );

    // Assert
    expect((pending as Error).name).toBe('InvalidSignatureException');
    expect(exposed(pending)).not.toContain(SESSION_TOKEN);
  });
});

describe('npm start: gateway errors', () => {
  it('prints a failed request’s error through errorForLog, never the object', () => {
    // Arrange
    const printed: unknown[][] = [];
    const error = Object.assign(new Error(SIGNATURE_MESSAGE), {
      name: 'InvalidSignatureException',
      $response: { body: `x-amz-security-token:${SESSION_TOKEN}` },
    });

    // Act
    logGatewayError(error, (...args) => printed.push(args));

    // Assert
    expect(printed).toHaveLength(1);
    expect(JSON.stringify(printed)).toContain('InvalidSignatureException');
    expect(JSON.stringify(printed)).not.toContain(SESSION_TOKEN);
  });
});
