import { describe, expect, it } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { ANSWER_BEFORE_TIMEOUT_MS, HTTP_API_TIMEOUT_MS, httpRoute } from '../../shared/http/chain.ts';
import { problemErrors } from '../../shared/http/middleware.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';

/**
 * Middy's early answer runs on node:timers, which jest's fake timers do not reach, so the deadline
 * is injected instead: the context says only `remainingMs` are left. The waits below bound how long
 * a hanging route may take to answer; they measure nothing.
 */
function contextWithRemaining(remainingMs: number): Context {
  return { ...lambdaContext, getRemainingTimeInMillis: () => remainingMs };
}

const stillWaiting = Symbol('still waiting');

function within<T>(call: Promise<T>, ms: number): Promise<T | typeof stillWaiting> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<typeof stillWaiting>((resolve) => {
    timer = setTimeout(() => resolve(stillWaiting), ms);
  });
  return Promise.race([call, bound]).finally(() => clearTimeout(timer));
}

/** A route whose table calls, each within its own budget, together outlast the function. */
const hangingRoute = () => httpRoute([], problemErrors(), () => new Promise<ApiResult>(() => {}));

/** The 503 problem with Retry-After that every route answers when it runs out of time. */
function expectUnavailableProblem(answer: unknown): void {
  expect(answer).not.toBe(stillWaiting);
  const response = answer as ApiResult;
  expect(response.statusCode).toBe(503);
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  expect(response.headers?.['retry-after']).toBe('5');
  expect(JSON.parse(String(response.body))).toMatchObject({
    type: 'urn:purchase-offers:problem:service-unavailable',
    status: 503,
  });
}

describe('a route still waiting on the table near the function timeout', () => {
  it('answers the 503 problem with Retry-After as soon as only the answer margin is left, not in the last few ms', async () => {
    const call = hangingRoute()(
      apiEvent({ routeKey: 'GET /v1/offers' }),
      contextWithRemaining(ANSWER_BEFORE_TIMEOUT_MS),
    );

    // Middy's default margin (5 ms) would still be waiting here, with the last 5 ms to answer in.
    const answer = await within(call, ANSWER_BEFORE_TIMEOUT_MS / 2);

    expectUnavailableProblem(answer);
  });

  it('leaves a route with more time than the margin waiting', async () => {
    const call = hangingRoute()(
      apiEvent({ routeKey: 'GET /v1/offers' }),
      contextWithRemaining(ANSWER_BEFORE_TIMEOUT_MS + 1_000),
    );

    expect(await within(call, 50)).toBe(stillWaiting);
  });
});

describe('a route of a function whose timeout is longer than API Gateway waits', () => {
  it('answers the 503 problem before API Gateway gives up on it, counted from when API Gateway took the request', async () => {
    // The office sync's 300 s: the function would wait far longer than the HTTP API's 30 s.
    const event = apiEvent({ routeKey: 'POST /v1/offices/sync' });
    const tookRequestAt = Date.now() - (HTTP_API_TIMEOUT_MS - ANSWER_BEFORE_TIMEOUT_MS);
    const call = hangingRoute()(
      { ...event, requestContext: { ...event.requestContext, timeEpoch: tookRequestAt } },
      contextWithRemaining(300_000),
    );

    const answer = await within(call, ANSWER_BEFORE_TIMEOUT_MS / 2);

    expectUnavailableProblem(answer);
  });
});
