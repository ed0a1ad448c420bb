import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jest } from '@jest/globals';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { DynamoDbError } from '../../shared/db/dynamodb-lite.ts';
import { errorForLog, isServiceUnavailable, loggableMessage } from '../../shared/db/errors.ts';
import { ConditionFailedError, TransactionCanceledError, UnprocessedKeysError } from '../../shared/db/port.ts';
import { createDocumentClient, createDynamoClient } from '../../shared/db/sdk-table.ts';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import { mapError } from '../../shared/http/problem.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { logger } from '../../shared/observability/logger.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { fakeEndpoint, type Reply } from '../support/fake-endpoint.ts';

const dynamoAnswer =
  (status: number, type: string, message: string): Reply =>
  (_req, res) =>
    res
      .writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));

const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEFAKE-SESSION-TOKEN-0123456789';
/** What DynamoDB says about a bad signature: the canonical request it expected, token included. */
const SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
  "The Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:dynamodb.eu-west-1.amazonaws.com\n" +
  `x-amz-date:20261129T120000Z\nx-amz-security-token:${SESSION_TOKEN}\nx-amz-target:DynamoDB_20120810.GetItem\n\n` +
  "content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n0123abcd'\n\n" +
  "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261129T120000Z\n20261129/eu-west-1/dynamodb/aws4_request\nabcdef'";

describe('isServiceUnavailable and the 503 problem', () => {
  const sdkError = (name: string, extra: Record<string, unknown>) => Object.assign(new Error(name), { name, ...extra });

  it.each([
    ['an SDK timeout', sdkError('TimeoutError', {})],
    ['the operation budget', sdkError('AbortError', {})],
    ['SDK throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })],
    [
      'provisioned throughput',
      sdkError('ProvisionedThroughputExceededException', { $metadata: { httpStatusCode: 400 } }),
    ],
    ['an SDK 5xx', sdkError('InternalServerError', { $fault: 'server', $metadata: { httpStatusCode: 500 } })],
    ['a refused connection', sdkError('Error', { code: 'ECONNREFUSED' })],
    ['a wrapped reset', new Error('socket hang up', { cause: sdkError('Error', { code: 'ECONNRESET' }) })],
    [
      'a socket error the SDK wrapped',
      new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8000'),
    ],
    ['a socket error from another realm', { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
    [
      'a transaction cancelled for throttling',
      sdkError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
      }),
    ],
    ['the small client’s timeout', new DynamoDbError('TimeoutError', 'No answer within 2000 ms')],
    ['the small client’s 503', new DynamoDbError('ServiceUnavailable', 'x', { statusCode: 503 })],
    [
      'the port’s cancellation for a conflict',
      new TransactionCanceledError([{ Code: 'TransactionConflict' }, { Code: 'None' }]),
    ],
    ['keys a batch get left unprocessed', new UnprocessedKeysError(3)],
  ])('answers %s with 503 service-unavailable and Retry-After', (_case, error) => {
    const mapped = mapError(error, 'req-1');

    expect(isServiceUnavailable(error)).toBe(true);
    expect(mapped.problem).toMatchObject({
      type: 'urn:purchase-offers:problem:service-unavailable',
      status: 503,
      requestId: 'req-1',
    });
    expect(mapped.headers['retry-after']).toBe('5');
    expect(mapped.unexpected).toBe(false);
  });

  it.each([
    ['a validation error', sdkError('ValidationException', { $fault: 'client', $metadata: { httpStatusCode: 400 } })],
    ['access denied', new DynamoDbError('AccessDeniedException', 'x', { statusCode: 400 })],
    [
      'a transaction cancelled by a failed condition',
      sdkError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'TransactionConflict' }],
      }),
    ],
    [
      'the port’s cancellation by a failed condition',
      new TransactionCanceledError([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { PK: 'A' } }]),
    ],
    ['the port’s failed condition', new ConditionFailedError({ PK: 'A' })],
    ['a bug', new TypeError('undefined is not a function')],
    ['a bug mentioning a code-like word', new Error('EXPECTED one item, got ECONOMY')],
  ])('keeps %s a 500', (_case, error) => {
    expect(isServiceUnavailable(error)).toBe(false);
    expect(mapError(error, 'req-1').problem.status).toBe(500);
  });

  it('answers a partner route whose key lookup failed with 503 problem+json, not 401', async () => {
    const route = partnerRoute({}, async () => json(200, {}));

    const result = await route(apiEvent({ authorizer: { keyLookupUnavailable: true } }), lambdaContext);

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(result.headers?.['retry-after']).toBe('5');
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      type: 'urn:purchase-offers:problem:service-unavailable',
      status: 503,
    });
  });
});

describe('SDK client limits', () => {
  it('ends a call to a DynamoDB that never answers with a TimeoutError after its attempts', async () => {
    const endpoint = await fakeEndpoint(() => undefined);
    const client = createDocumentClient(endpoint.url, { requestTimeoutMs: 100, maxAttempts: 2 });
    try {
      const failure = await client
        .send(new GetCommand({ TableName: 'T', Key: { PK: 'a', SK: 'b' } }))
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ name: 'TimeoutError' });
      expect(isServiceUnavailable(failure)).toBe(true);
      expect(endpoint.requests()).toBe(2);
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });

  it('aborts an operation that outlasts its budget, retries included', async () => {
    const endpoint = await fakeEndpoint(() => undefined);
    const client = createDynamoClient(endpoint.url, { requestTimeoutMs: 10_000, operationBudgetMs: 150 });
    const document = createDocumentClient(endpoint.url, { requestTimeoutMs: 10_000, operationBudgetMs: 150 });
    try {
      const failure = await document
        .send(new GetCommand({ TableName: 'T', Key: { PK: 'a', SK: 'b' } }))
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ name: 'AbortError' });
      expect(isServiceUnavailable(failure)).toBe(true);
    } finally {
      client.destroy();
      document.destroy();
      await endpoint.close();
    }
  });

  it('retries throttling up to maxAttempts, then fails with it', async () => {
    const endpoint = await fakeEndpoint(dynamoAnswer(400, 'ThrottlingException', 'Rate exceeded'));
    const client = createDocumentClient(endpoint.url);
    try {
      const failure = await client
        .send(new GetCommand({ TableName: 'T', Key: { PK: 'a', SK: 'b' } }))
        .catch((error: unknown) => error);

      expect(failure).toMatchObject({ name: 'ThrottlingException' });
      expect(endpoint.requests()).toBe(3);
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });
});

describe('log safety', () => {
  let lines: string[] = [];
  let restore: () => void = () => undefined;
  beforeEach(() => {
    lines = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    const level = logger.getLevelName();
    logger.setLogLevel('DEBUG');
    restore = () => {
      for (const spy of spies) spy.mockRestore();
      logger.setLogLevel(level);
    };
  });
  afterEach(() => restore());

  it('keeps the first paragraph of a message, without the quoted request or credential strings', () => {
    const message = loggableMessage(
      'Credential should be scoped to a valid region. Credential=ASIAEXAMPLEKEY1234567/20261129/x/dynamodb/aws4_request, Signature=abcdef0123',
    );

    expect(message).not.toContain('ASIAEXAMPLEKEY1234567');
    expect(message).not.toContain('abcdef0123');
    expect(message).toContain('Credential should be scoped to a valid region.');
    expect(loggableMessage(SIGNATURE_MESSAGE)).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  });

  it('errorForLog gives name, code, status and a trimmed message', () => {
    const error = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:1\n\nsecret ${SESSION_TOKEN}`), {
      code: 'ECONNREFUSED',
      $metadata: { httpStatusCode: 503 },
    });

    const logged = errorForLog(error);

    expect(logged).toMatchObject({
      name: 'Error',
      code: 'ECONNREFUSED',
      statusCode: 503,
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(JSON.stringify(logged)).not.toContain(SESSION_TOKEN);
  });

  it('an SDK signature error that quotes the canonical request leaves no session token in the logs', async () => {
    // Arrange: a fake DynamoDB answering like AWS does to a bad signature.
    const endpoint = await fakeEndpoint(dynamoAnswer(400, 'InvalidSignatureException', SIGNATURE_MESSAGE));
    const client = createDocumentClient(endpoint.url);
    const route = partnerRoute({}, async () => {
      await client.send(new GetCommand({ TableName: 'T', Key: { PK: 'a', SK: 'b' } }));
      return json(200, {});
    });
    try {
      // Act
      const result = await route(apiEvent({ authorizer: { partnerId: 'p-1' } }), lambdaContext);

      // Assert: the failure was logged, by name, without the quoted request.
      expect(result.statusCode).toBe(500);
      const output = lines.join('');
      expect(output).toContain('InvalidSignatureException');
      expect(output).not.toContain(SESSION_TOKEN);
      expect(output).not.toContain('Canonical String');
      expect(result.body).not.toContain(SESSION_TOKEN);
    } finally {
      client.destroy();
      await endpoint.close();
    }
  });

  it('the authorizer’s small client logs the same failure without the token, and flags the lookup unavailable', async () => {
    // Arrange
    const endpoint = await fakeEndpoint(dynamoAnswer(400, 'InvalidSignatureException', SIGNATURE_MESSAGE));
    Object.assign(process.env, { TABLE_NAME: 'T', DDB_ENDPOINT: endpoint.url, AWS_REGION: 'local' });
    const { handler } = (await import('../../functions/authorizer/handler.ts')) as {
      handler: (event: APIGatewayRequestAuthorizerEventV2) => Promise<{ isAuthorized: boolean; context: unknown }>;
    };
    try {
      // Act
      const decision = await handler({
        routeKey: 'GET /v1/offers',
        headers: { authorization: `Bearer ${generateApiKey()}` },
        requestContext: { requestId: 'req-9' },
      } as unknown as APIGatewayRequestAuthorizerEventV2);

      // Assert
      expect(decision).toEqual({ isAuthorized: true, context: { keyLookupUnavailable: true } });
      const output = lines.join('');
      expect(output).toContain('InvalidSignatureException');
      expect(output).not.toContain(SESSION_TOKEN);
      expect(output).not.toContain('Canonical String');
    } finally {
      await endpoint.close();
    }
  });
});
