import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayRequestAuthorizerEventV2, Context, DynamoDBRecord, SQSEvent } from 'aws-lambda';
import { createHandler as offerEventsHandler } from '../../functions/offer-events/handler.ts';
import type { OfferEventPublisher } from '../../functions/offer-events/publisher.ts';
import { createHandler as offerViewsHandler } from '../../functions/offer-views/handler.ts';
import { runScheduledSync } from '../../functions/office-sync/sync.ts';
import { createHandler as deliveriesHandler } from '../../functions/webhook-deliveries/handler.ts';
import { acceptanceToItem, declineToItem } from '../../shared/db/customer-responses.ts';
import { type ViewRecord, viewRecordToItem } from '../../shared/db/offer-views.ts';
import { TransactionCanceledError } from '../../shared/db/port.ts';
import type { StoredDelivery } from '../../shared/db/webhook-deliveries.ts';
import { json, publicRoute } from '../../shared/http/route.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { BUSINESS_METRICS, BusinessMetrics } from '../../shared/observability/metrics.ts';
import { apiEvent } from '../support/events.ts';
import { FakeTable, inTurn } from '../support/fake-table.ts';

/** Every JSON line written to stdout or stderr while a test runs (Powertools logs and EMF alike). */
let lines: string[] = [];
let restore: () => void = () => undefined;
const saved = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, trace: process.env._X_AMZN_TRACE_ID };

beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  const level = logger.getLevelName();
  logger.setLogLevel('INFO');
  restore = () => {
    for (const spy of spies) spy.mockRestore();
    logger.setLogLevel(level);
  };
});

afterEach(() => {
  restore();
  for (const [name, value] of [
    ['AWS_LAMBDA_FUNCTION_NAME', saved.functionName],
    ['_X_AMZN_TRACE_ID', saved.trace],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const records = () =>
  lines.flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));
const logLine = (message: string) => records().find((record) => record.message === message);
const emf = () => records().filter((record) => '_aws' in record);

const context = (requestId: string): Context =>
  ({
    functionName: 'purchase-offers-offers',
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:purchase-offers-offers',
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

describe('logs carry the Lambda context and a correlation id', () => {
  it('an HTTP route: function, request id, cold start, X-Ray trace id, and the API request id echoed as x-request-id', async () => {
    // Arrange
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const route = publicRoute({}, async () => {
      logger.info('inside the route');
      return json(200, {});
    });

    // Act
    const response = await route(apiEvent({ routeKey: 'GET /v1/catalog' }), context('lambda-1'));

    // Assert
    expect(response.headers?.['x-request-id']).toBe('req-123');
    for (const message of ['inside the route', 'request']) {
      expect(logLine(message)).toMatchObject({
        correlation_id: 'req-123',
        function_name: 'purchase-offers-offers',
        function_request_id: 'lambda-1',
        function_memory_size: '256',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
        cold_start: expect.any(Boolean),
      });
    }
  });

  it('drops what one request appended before the next, which is no cold start', async () => {
    // Arrange
    const route = publicRoute({}, async ({ requestId }) => {
      if (requestId === 'first') logger.appendKeys({ partnerId: 'p-secret-of-first' });
      logger.info('handled');
      return json(200, {});
    });
    const first = apiEvent();
    first.requestContext.requestId = 'first';
    const second = apiEvent();
    second.requestContext.requestId = 'second';

    // Act
    await route(first, context('lambda-a'));
    await route(second, context('lambda-b'));

    // Assert
    const handled = records().filter((record) => record.message === 'handled');
    expect(handled.map((record) => [record.correlation_id, record.partnerId])).toEqual([
      ['first', 'p-secret-of-first'],
      ['second', undefined],
    ]);
    expect(handled[1]?.cold_start).toBe(false);
  });

  it('the authorizer: the same correlation id as the route it guards', async () => {
    // Arrange
    process.env.TABLE_NAME ??= 'observability-test';
    process.env.AWS_REGION ??= 'eu-west-1';
    const { handler } = await import('../../functions/authorizer/handler.ts');
    const event = {
      type: 'REQUEST',
      routeKey: 'GET /v1/offers',
      headers: {},
      requestContext: { requestId: 'api-req-9' },
    } as unknown as APIGatewayRequestAuthorizerEventV2;

    // Act: no key at all, so the table is never asked.
    const decision = await handler(event, context('lambda-auth'));

    // Assert
    expect(decision.context).toEqual({ denied: 'missing' });
    expect(logLine('api key denied')).toMatchObject({
      correlation_id: 'api-req-9',
      function_request_id: 'lambda-auth',
      reason: 'missing',
    });
  });

  it('a handler without a route, called without a context (local runtime, tests), still logs its correlation id', async () => {
    const handler = withLambdaContext(
      async (event: { id: string }) => {
        logger.info('worked');
        return event.id;
      },
      (event) => event.id,
    );

    await expect(handler({ id: 'evt-1' })).resolves.toBe('evt-1');

    expect(logLine('worked')).toMatchObject({ correlation_id: 'evt-1' });
  });
});

describe('business metrics (EMF on stdout, on Lambda only)', () => {
  const metric = (name: string) => {
    const found = emf().filter((record) => name in record);
    // One value per addMetric: a number, or an array of them when added more than once.
    const values = found.flatMap((record) => [record[name]].flat().map(Number));
    return found.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0);
  };
  const dimensionsOf = (name: string) => {
    const record = emf().find((entry) => name in entry);
    const directive = (record?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] })
      ?.CloudWatchMetrics[0];
    return {
      namespace: directive?.Namespace,
      dimensions: directive?.Dimensions[0]?.slice().sort(),
      values: { service: record?.service, stage: record?.stage },
    };
  };

  let sequence = 0;
  function streamRecord(item: object, eventName: DynamoDBRecord['eventName'] = 'INSERT') {
    sequence += 1;
    return {
      eventID: `event-${sequence}`,
      eventName,
      dynamodb: { SequenceNumber: String(sequence), NewImage: marshall(item as Record<string, unknown>) as never },
    } satisfies DynamoDBRecord;
  }
  const acceptance = (n: number) =>
    acceptanceToItem(
      {
        summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
        submissionId: `sub-a${n}`,
        companyName: 'Fabrikam Ltda',
        contactName: 'Ana Souza',
        email: 'ana@fabrikam.example',
        items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 12 }],
        delegatedAdmin: true,
        acceptedAt: '2026-11-30T00:00:01.000Z',
      },
      'p-1',
    );
  const decline = (n: number) =>
    declineToItem(
      { summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX', submissionId: `sub-d${n}`, declinedAt: '2026-11-30T00:00:00.000Z' },
      'p-1',
    );
  const newOffer = (n: number) => ({ PK: `OFFER#${n}`, SK: 'OFFER', entity: 'offer', partnerId: 'p-1' });
  const publisher = (failing: (index: number) => boolean = () => false): OfferEventPublisher => ({
    publish: async (events) => events.flatMap((_, index) => (failing(index) ? [index] : [])),
  });

  it('offer events: offers created, acceptances and declines, named and dimensioned for the dashboard', async () => {
    // Arrange
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'purchase-offers-offer-events';
    const handler = offerEventsHandler(
      publisher(),
      () => undefined,
      async () => undefined,
      () => undefined,
      new BusinessMetrics('prod'),
    );

    // Act
    await handler({
      Records: [
        streamRecord(newOffer(1)),
        streamRecord(newOffer(1), 'MODIFY'),
        streamRecord(acceptance(1)),
        streamRecord(acceptance(2)),
        streamRecord(decline(1)),
        streamRecord(newOffer(2)),
      ],
    });

    // Assert
    expect(metric(BUSINESS_METRICS.offersCreated)).toBe(2);
    expect(metric(BUSINESS_METRICS.acceptances)).toBe(2);
    expect(metric(BUSINESS_METRICS.declines)).toBe(1);
    expect(dimensionsOf(BUSINESS_METRICS.acceptances)).toEqual({
      namespace: 'PurchaseOffers',
      dimensions: ['service', 'stage'],
      values: { service: 'purchase-offers', stage: 'prod' },
    });
  });

  it('offer events: records from the first failed one on are not counted, as Lambda hands them over again', async () => {
    // Arrange: the second acceptance cannot be published.
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'purchase-offers-offer-events';
    const handler = offerEventsHandler(
      publisher((index) => index === 1),
      () => undefined,
      async () => undefined,
      () => undefined,
      new BusinessMetrics('prod'),
    );

    // Act
    const result = await handler({
      Records: [
        streamRecord(acceptance(1)),
        streamRecord(newOffer(3)),
        streamRecord(acceptance(2)),
        streamRecord(decline(2)),
      ],
    });

    // Assert
    expect(result.batchItemFailures).toHaveLength(1);
    expect(metric(BUSINESS_METRICS.acceptances)).toBe(1);
    expect(metric(BUSINESS_METRICS.offersCreated)).toBe(1);
    expect(metric(BUSINESS_METRICS.declines)).toBeUndefined();
  });

  it('nothing is written outside Lambda, where EMF lines would be noise', async () => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    const handler = offerEventsHandler(
      publisher(),
      () => undefined,
      async () => undefined,
      () => undefined,
      new BusinessMetrics('dev'),
    );

    await handler({ Records: [streamRecord(acceptance(9))] });

    expect(emf()).toEqual([]);
  });

  it('offer views: exactly the views added to counters, not the records counted before', async () => {
    // Arrange
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'purchase-offers-offer-views';
    const summaryId = 'ABCD-EFGH-JKMN-PQRS-TVWX';
    const table = new FakeTable();
    // The second record was counted by an earlier delivery of the batch.
    table.answers.transactWrite = inTurn(
      () => {
        throw new TransactionCanceledError([{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }]);
      },
      () => undefined,
    );
    const views: ViewRecord[] = [1, 2, 3].map((n) => ({
      summaryId,
      viewId: `view-${n}`,
      shard: n,
      viewedAt: '2026-11-30T00:00:00.000Z',
    }));
    const handler = offerViewsHandler(
      () => table,
      () => new Date('2026-11-30T00:00:05.000Z'),
      new BusinessMetrics('prod'),
    );
    const event = {
      Records: views.map((view, n) => ({
        eventName: 'INSERT' as const,
        dynamodb: { SequenceNumber: String(n), NewImage: marshall(viewRecordToItem(view)) as never },
      })),
    };

    // Act
    const answer = await handler(event);

    // Assert
    expect(answer.batchItemFailures).toEqual([]);
    expect(metric(BUSINESS_METRICS.offerViews)).toBe(2);
  });

  it('webhook deliveries: each failed attempt, and each dead-lettered delivery', async () => {
    // Arrange: two attempts fail; the second failure disables the endpoint, so its delivery is dead-lettered.
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'purchase-offers-webhook-deliveries';
    const at = Date.parse('2026-11-30T00:00:00.000Z');
    const endpoint = {
      endpointId: 'we_1',
      partnerId: 'p1',
      url: 'https://hooks.partner.example/in',
      events: ['offer.accepted'],
      status: 'enabled',
      secrets: [{ secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}`, createdAt: '2026-01-01T00:00:00.000Z' }],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    const delivery = (deliveryId: string, attempts: number): StoredDelivery => ({
      deliveryId,
      endpointId: 'we_1',
      partnerId: 'p1',
      eventId: 'evt_1',
      eventType: 'offer.accepted',
      status: 'pending',
      attempts,
      createdAt: new Date(at).toISOString(),
      updatedAt: new Date(at).toISOString(),
      event: { id: 'evt_1', type: 'offer.accepted', createdAt: new Date(at).toISOString(), data: {} },
    });
    const stored: Record<string, StoredDelivery> = {
      wd_first: delivery('wd_first', 0),
      wd_last: delivery('wd_last', 0),
    };
    let failures = 0;
    const handler = deliveriesHandler(
      () =>
        ({
          deliveries: {
            get: async (_partnerId: string, _endpointId: string, deliveryId: string) => stored[deliveryId],
            recordAttempt: async () => true,
          },
          endpoints: { get: async () => endpoint },
          health: { succeeded: async () => undefined, failed: async () => ++failures === 2 },
          queue: { enqueue: async () => undefined, deadLetter: async () => undefined },
          now: () => new Date(at),
          random: () => 0.5,
          post: async () => ({ ok: false, status: 503, latencyMs: 3 }),
        }) as never,
      new BusinessMetrics('prod'),
    );
    const message = (deliveryId: string) => ({
      messageId: `m-${deliveryId}`,
      body: JSON.stringify({ partnerId: 'p1', endpointId: 'we_1', deliveryId }),
    });

    // Act
    await handler({ Records: [message('wd_first'), message('wd_last')] } as unknown as SQSEvent);

    // Assert
    expect(metric(BUSINESS_METRICS.webhookDeliveryFailures)).toBe(2);
    expect(metric(BUSINESS_METRICS.webhookDeliveriesDeadLettered)).toBe(1);
    expect(records().find((record) => record.message === 'webhook dead-lettered')?.correlation_id).toBe('wd_last');
  });

  it('office sync: the lag is the time since the previous successful run ended', async () => {
    // Arrange
    const recorded: string[] = [];
    const store = {
      getSyncState: async () => ({ cursor: 'c-1', lastSuccessAt: '2026-11-30T00:00:00.000Z' }),
      recordRunSucceeded: async (_cursor: string, _stats: unknown, _invalid: unknown, at: string) =>
        void recorded.push(at),
    };
    const directory = { listOffices: async () => ({ offices: [], invalid: [], cursor: 'c-2' }) };

    // Act
    const result = await runScheduledSync({
      directory,
      store: store as never,
      now: () => new Date('2026-11-30T00:10:30.000Z'),
    });

    // Assert
    expect(result.lagSeconds).toBe(630);
    expect(recorded).toEqual(['2026-11-30T00:10:30.000Z']);
  });
});
