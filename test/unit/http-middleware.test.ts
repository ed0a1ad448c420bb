import { jest } from '@jest/globals';
import * as z from 'zod/mini';
import { generateApiKey } from '../../shared/domain/api-key.ts';
import {
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  UnprocessableError,
} from '../../shared/domain/errors.ts';
import { mapError } from '../../shared/http/problem.ts';
import { json, partnerRoute, publicRoute } from '../../shared/http/route.ts';
import { logger } from '../../shared/observability/logger.ts';
import { usageLocationSchema } from '../../shared/schemas/common.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

const echo = partnerRoute(
  {
    query: z.object({ usageLocation: usageLocationSchema }),
    body: z.strictObject({ name: z.string().check(z.minLength(1), z.maxLength(10)), count: z.number() }),
  },
  async ({ query, body, partnerId }) => json(200, { query, body, partnerId }),
);

const partner = { partnerId: 'p-1' };
const jsonHeaders = { 'content-type': 'application/json' };

function problemOf(result: { headers?: Record<string, unknown>; body?: string }) {
  expect(result.headers?.['content-type']).toBe('application/problem+json');
  return JSON.parse(result.body ?? '{}');
}

describe('partner route middleware', () => {
  it('passes validated, typed input and the partner id to the route', async () => {
    const result = await echo(
      apiEvent({
        authorizer: partner,
        headers: jsonHeaders,
        query: { usageLocation: 'BR' },
        body: '{"name":"a","count":2}',
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({
      query: { usageLocation: 'BR' },
      body: { name: 'a', count: 2 },
      partnerId: 'p-1',
    });
    expect(result.headers?.['x-request-id']).toBe('req-123');
    expect(result.headers?.['x-content-type-options']).toBe('nosniff');
    expect(result.headers?.['strict-transport-security']).toContain('max-age=');
  });

  it('answers 401 problem+json without a partner id, naming the reason', async () => {
    const result = await echo(apiEvent({ authorizer: { denied: 'revoked' } }), lambdaContext);
    expect(result.statusCode).toBe(401);
    const problem = problemOf(result);
    expect(problem.type).toBe('urn:purchase-offers:problem:unauthorized');
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'header.authorization', rule: 'revoked' })]);
    expect(result.headers?.['www-authenticate']).toContain('Bearer');
  });

  it('names every invalid field and its rule in one 400', async () => {
    const result = await echo(
      apiEvent({
        authorizer: partner,
        headers: jsonHeaders,
        query: { usageLocation: 'ZZ' },
        body: '{"name":"much too long a name","extra":1}',
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    const problem = problemOf(result);
    expect(problem).toMatchObject({ status: 400, title: 'Invalid request', requestId: 'req-123' });
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'query.usageLocation', rule: 'unsupported_usage_location' }),
        expect.objectContaining({ field: 'body.name', rule: 'too_big' }),
        expect.objectContaining({ field: 'body.count', rule: 'required' }),
        expect.objectContaining({ field: 'body.extra', rule: 'unrecognized_key' }),
      ]),
    );
  });

  it('tells a wrong-typed field from a missing one', async () => {
    const result = await echo(
      apiEvent({
        authorizer: partner,
        headers: jsonHeaders,
        query: { usageLocation: 'BR' },
        body: '{"name":"a","count":"2"}',
      }),
      lambdaContext,
    );
    expect(problemOf(result).errors).toEqual([
      { field: 'body.count', rule: 'invalid_type', message: 'must be a number' },
    ]);
  });

  it.each([
    [undefined, jsonHeaders, 400, 'missing-body', { field: 'body', rule: 'required', message: 'is required' }],
    ['{"name":', jsonHeaders, 400, 'malformed-json', { field: 'body', rule: 'json', message: 'is not valid JSON' }],
    [
      '{"name":"a","count":1}',
      { 'content-type': 'text/plain' },
      415,
      'unsupported-media-type',
      { field: 'header.content-type', rule: 'media_type', message: 'must be application/json' },
    ],
    [
      JSON.stringify({ name: 'x'.repeat(70_000) }),
      jsonHeaders,
      413,
      'body-too-large',
      { field: 'body', rule: 'max_bytes', message: 'must be at most 65536 bytes' },
    ],
  ])('rejects body %#', async (body, headers, status, type, error) => {
    const result = await echo(
      apiEvent({ authorizer: partner, headers, query: { usageLocation: 'BR' }, ...(body ? { body } : {}) }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(status);
    const problem = problemOf(result);
    expect(problem.type).toBe(`urn:purchase-offers:problem:${type}`);
    expect(problem.errors).toEqual([error]);
  });

  it('names the body and its size limit in a 413', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(70_000) });
    const result = await echo(
      apiEvent({ authorizer: partner, headers: jsonHeaders, query: { usageLocation: 'BR' }, body }),
      lambdaContext,
    );
    expect(problemOf(result).errors).toEqual([expect.objectContaining({ field: 'body', rule: 'max_bytes' })]);
  });

  describe('a write that takes no body', () => {
    /** A body-less action (as rotate-secret or ping): records each run, so a refusal is seen to change nothing. */
    function action() {
      const ran = jest.fn();
      const route = partnerRoute({}, async () => {
        ran();
        return json(200, { done: true });
      });
      return { ran, route };
    }
    const post = (body: string | undefined, headers: Record<string, string> = jsonHeaders, method = 'POST') => ({
      ...apiEvent({ routeKey: `${method} /v1/things/x/act`, authorizer: partner, headers }),
      ...(body === undefined ? {} : { body }),
    });

    it.each([
      ['no body', undefined],
      ['an empty JSON object', '{}'],
      ['JSON null (.NET PostAsJsonAsync with null, JSON.stringify(null))', 'null'],
      ['whitespace', ' \n'],
    ])('runs with %s', async (_case, body) => {
      const { ran, route } = action();

      const result = await route(post(body), lambdaContext);

      expect(result.statusCode).toBe(200);
      expect(ran).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['malformed JSON', '{"a":', jsonHeaders, 400, 'malformed-json', 'body', 'json'],
      ['a field', '{"keepOld":false}', jsonHeaders, 400, 'invalid-request', 'body.keepOld', 'unrecognized_key'],
      ['an array', '[]', jsonHeaders, 400, 'invalid-request', 'body', 'invalid_type'],
      [
        'text',
        'rotate',
        { 'content-type': 'text/plain' },
        415,
        'unsupported-media-type',
        'header.content-type',
        'media_type',
      ],
    ])(
      'refuses %s with a problem naming the field and the rule, without running',
      async (_case, body, headers, status, type, field, rule) => {
        const { ran, route } = action();

        const result = await route(post(body, headers), lambdaContext);

        expect(result.statusCode).toBe(status);
        const problem = problemOf(result);
        expect(problem.type).toBe(`urn:purchase-offers:problem:${type}`);
        expect(problem.errors).toEqual([expect.objectContaining({ field, rule })]);
        expect(ran).not.toHaveBeenCalled();
      },
    );

    it('refuses a malformed body on DELETE too, and ignores one on GET', async () => {
      const { ran, route } = action();

      const deleted = await route(post('{"a":', jsonHeaders, 'DELETE'), lambdaContext);
      const read = await route(post('{"a":', jsonHeaders, 'GET'), lambdaContext);

      expect(deleted.statusCode).toBe(400);
      expect(read.statusCode).toBe(200);
      expect(ran).toHaveBeenCalledTimes(1);
    });

    it('takes a base64-encoded body of whitespace as none, and refuses base64 of anything else', async () => {
      const { ran, route } = action();

      const blank = await route(
        { ...post(Buffer.from('  ').toString('base64')), isBase64Encoded: true },
        lambdaContext,
      );
      const junk = await route(
        {
          ...post(Buffer.from('a=1').toString('base64'), { 'content-type': 'application/x-www-form-urlencoded' }),
          isBase64Encoded: true,
        },
        lambdaContext,
      );

      expect(blank.statusCode).toBe(200);
      expect(junk.statusCode).toBe(415);
      expect(ran).toHaveBeenCalledTimes(1);
    });
  });

  it('turns an unexpected error into a 500 that leaks nothing', async () => {
    const failing = publicRoute({}, async () => {
      throw new Error('secret connection string postgres://user:pw@db');
    });
    const result = await failing(apiEvent(), lambdaContext);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(problemOf(result)).toMatchObject({
      type: 'urn:purchase-offers:problem:internal-error',
      requestId: 'req-123',
    });
    expect(result.headers?.['x-request-id']).toBe('req-123');
  });
});

describe('mapError', () => {
  it('answers a wrong method with 405 and the Allow header', () => {
    const mapped = mapError(new MethodNotAllowedError('DELETE', ['GET', 'POST']), 'r');
    expect(mapped.problem).toMatchObject({ status: 405, type: 'urn:purchase-offers:problem:method-not-allowed' });
    expect(mapped.headers).toEqual({ allow: 'GET, POST' });
  });

  it('adds an error’s extension members to the problem, never over its standard members', () => {
    const error = new ConflictError('duplicate-reference', 'Duplicate', 'd', [], {
      existingSummaryId: 'ABCD',
      status: 200,
      type: 'spoofed',
    });
    const { problem } = mapError(error, 'r');
    expect(problem).toMatchObject({
      existingSummaryId: 'ABCD',
      status: 409,
      type: 'urn:purchase-offers:problem:duplicate-reference',
    });
  });

  it.each([
    [new NotFoundError('offer-not-found', 'Offer not found', 'd'), 404],
    [new ForbiddenError('too-many-customers', 'Not allowed', 'd'), 403],
    [new ConflictError('duplicate-reference', 'Duplicate', 'd'), 409],
    [new UnprocessableError('office-not-usable', 'Office', 'd'), 422],
  ])('maps %p to %i with its own problem type', (error, status) => {
    const mapped = mapError(error, 'r');
    expect(mapped.problem.status).toBe(status);
    expect(mapped.problem.type).toBe(`urn:purchase-offers:problem:${error.type}`);
    expect(mapped.unexpected).toBe(false);
  });
});

describe('logs', () => {
  let lines: string[] = [];
  let restore: () => void = () => undefined;
  beforeEach(() => {
    lines = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    // Powertools writes INFO to stdout and ERROR to stderr.
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

  it('keep API keys and request bodies out, on success, denial and unexpected errors alike', async () => {
    // Arrange
    const key = generateApiKey();
    const secretBody = '{"name":"a","count":1,"password":"hunter2-secret"}';
    const failing = partnerRoute({}, async () => {
      throw new Error('boom');
    });
    const authorized = apiEvent({
      authorizer: partner,
      headers: { ...jsonHeaders, authorization: `Bearer ${key}` },
      query: { usageLocation: 'BR' },
      body: secretBody,
    });

    // Act
    await echo(authorized, lambdaContext);
    await echo(
      apiEvent({ authorizer: { denied: 'unknown' }, headers: { authorization: `Bearer ${key}` } }),
      lambdaContext,
    );
    await failing(authorized, lambdaContext);

    // Assert: the request lines were written, and none holds the key or the body.
    const output = lines.join('');
    expect(output).toContain('"message":"request"');
    expect(output).toContain('unhandled error');
    expect(output).not.toContain(key);
    expect(output).not.toContain(key.slice(4, 20));
    expect(output).not.toContain('hunter2-secret');
    expect(output.toLowerCase()).not.toContain('bearer');
  });
});
