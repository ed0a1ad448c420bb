import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * One structured JSON logger per function. Service name and level come from the standard
 * Powertools variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL) set by the CDK construct.
 * Never pass request headers or bodies to it: they carry API keys and customer data.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'purchase-offers' });

/**
 * What ties an invocation's log lines to the request or message it handles (`correlation_id`):
 * the API Gateway request id for HTTP routes and the authorizer (echoed as `x-request-id`), the
 * delivery id for a webhook delivery, the webhook event id for an offer timer, the first stream
 * record's event id for a stream batch, Lambda's request id for a scheduled run. Undefined: none.
 */
export type CorrelationIdOf<E> = (event: E, context: Context) => string | undefined;

/**
 * The first middy step of every function: each log line of the invocation carries the Lambda
 * context (`cold_start`, `function_name`, `function_request_id`, memory and ARN; `xray_trace_id`
 * comes from Lambda's `_X_AMZN_TRACE_ID`) and the correlation id, and keys appended during the
 * invocation (such as the partner) are dropped when it ends, so they never leak into the next one.
 * A missing context (a local run or a test calling the handler bare) logs without it.
 *
 * Powertools' injectLambdaContext ends each invocation (`resetKeys`); its start is replaced by
 * `addContext` alone, because it also (1) resets the log level to the configured one at every
 * invocation, for debug sampling we do not use, undoing a level set at run time, and (2) logs the
 * whole event when POWERTOOLS_LOGGER_LOG_EVENT is set: API keys and customer data included.
 */
export function lambdaContext<E, R>(correlationIdOf?: CorrelationIdOf<E>): MiddlewareObj<E, R, Error, Context> {
  const inject = injectLambdaContext(logger, { resetKeys: true });
  return {
    before: (request) => {
      request.context ??= {} as Context;
      logger.addContext(request.context);
      const correlationId = correlationIdOf?.(request.event, request.context);
      if (correlationId) logger.setCorrelationId(correlationId);
    },
    after: (request) => inject.after?.(request as never),
    onError: (request) => inject.onError?.(request as never),
  };
}

/**
 * A handler that is not an HTTP route (stream, queue, schedule, authorizer) with lambdaContext as
 * its one middy step. The context stays optional, as the local runtime and tests call some
 * handlers with the event alone.
 */
export function withLambdaContext<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  correlationIdOf?: CorrelationIdOf<E>,
): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R, Error, Context>()
    .use(lambdaContext<E, R>(correlationIdOf))
    .handler((event, context) => handler(event, context));
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
