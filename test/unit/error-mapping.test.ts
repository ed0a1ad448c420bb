import { MethodNotAllowedError, TooManyRequestsError, UnprocessableError } from '../../shared/domain/errors.ts';
import { cappedErrors, mapError, RequestError, ServiceUnavailableError } from '../../shared/http/problem.ts';

describe('errors as HTTP problems: statuses and headers', () => {
  it('answers too many requests with 429 and the error’s Retry-After in seconds', () => {
    const mapped = mapError(new TooManyRequestsError('sync-too-soon', 'Sync too soon', 'Wait.', 30), 'r');

    expect(mapped.problem).toMatchObject({ status: 429, type: 'urn:purchase-offers:problem:sync-too-soon' });
    expect(mapped.headers).toEqual({ 'retry-after': '30' });
  });

  it('answers a broken business rule with 422', () => {
    expect(mapError(new UnprocessableError('office-not-usable', 'Office', 'd'), 'r').problem.status).toBe(422);
  });

  it('says which method a path does not take and which ones it does', () => {
    const { problem } = mapError(new MethodNotAllowedError('DELETE', ['GET', 'POST']), 'r');

    expect(problem).toMatchObject({
      title: 'Method not allowed',
      detail: 'DELETE is not supported here; this path takes GET, POST.',
    });
  });

  it('answers an unreachable table with 503, Retry-After 5 and what a retry of a create does', () => {
    const mapped = mapError(new ServiceUnavailableError(), 'req-9');

    expect(mapped).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:service-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail:
          'Our database did not answer in time. Retry after 5 seconds; a create retried with the same Idempotency-Key is never applied twice.',
        requestId: 'req-9',
      },
      headers: { 'retry-after': '5' },
      unexpected: false,
    });
  });

  it('answers anything else with a 500 that tells nothing of the error but the request id', () => {
    const mapped = mapError(new Error('secret table name in a stack trace'), 'req-9');

    expect(mapped).toEqual({
      problem: {
        type: 'urn:purchase-offers:problem:internal-error',
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side. Retry later, and quote the request id if it persists.',
        requestId: 'req-9',
      },
      headers: {},
      unexpected: true,
    });
  });
});

describe('errors in logs', () => {
  it('name their class, and the unreachable table says so by default', () => {
    const unavailable = new ServiceUnavailableError();
    const request = new RequestError(415, 'unsupported-media-type', 'Unsupported media type', 'Send JSON.');

    expect([unavailable.name, unavailable.message]).toEqual(['ServiceUnavailableError', 'The table did not answer']);
    expect([request.name, request.message]).toEqual(['RequestError', 'Send JSON.']);
  });
});

describe('field paths in problem errors', () => {
  it('keeps a path of exactly 200 characters whole and cuts one of 201 to 200 and "…"', () => {
    const whole = `body.${'x'.repeat(195)}`;
    const over = `${whole}y`;

    const { errors } = cappedErrors([
      { field: whole, rule: 'unrecognized_key', message: 'is not a recognised field' },
      { field: over, rule: 'unrecognized_key', message: 'is not a recognised field' },
    ]);

    expect(errors?.map((error) => error.field)).toEqual([whole, `${whole}…`]);
  });
});
