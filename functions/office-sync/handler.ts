import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { optionalEnv, requiredEnv } from '../../shared/config/env.ts';
import { errorForLog, sanitizedError } from '../../shared/db/errors.ts';
import { DynamoOfficeStore } from '../../shared/db/offices.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';
import { TooManyRequestsError } from '../../shared/domain/errors.ts';
import { PROBLEM_TYPE_PREFIX, problemResponse } from '../../shared/http/problem.ts';
import { json, partnerRoute } from '../../shared/http/route.ts';
import { routeGroup } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import {
  isPartnerSyncRequest,
  type PartnerSyncOutcome,
  type PartnerSyncRequest,
} from '../../shared/lambda/office-sync-request.ts';
import { logger, withLambdaContext } from '../../shared/observability/logger.ts';
import { officeView, sortOffices } from '../../shared/render/office-view.ts';
import { credentialFromEnv } from './directory/credential.ts';
import { DirectoryError } from './directory/directory.ts';
import { HttpDirectory } from './directory/http-directory.ts';
import { OFFICE_SYNC_METRICS } from './metrics.ts';
import { runScheduledSync, type SyncLog, syncPartnerOffices } from './sync.ts';

/**
 * The office sync function: the only one holding the directory credential and write access to
 * offices. EventBridge Scheduler invokes it for the incremental run; the HTTP API invokes it for
 * `POST /v1/offices/sync` (a partner's own offices, now).
 */
const store = new DynamoOfficeStore(sdkTableFromEnv());
const baseUrl = requiredEnv('DIRECTORY_BASE_URL');
const credential = credentialFromEnv();
const timeoutMs = Number(optionalEnv('DIRECTORY_TIMEOUT_MS') ?? 5000);
const pageSize = Number(optionalEnv('DIRECTORY_PAGE_SIZE') ?? 500);
const onRetry = (info: { attempt: number; delayMs: number; reason: string }) =>
  logger.warn('directory request retried', info);
const log: SyncLog = {
  info: (message, data) => logger.info(message, data ?? {}),
  warn: (message, data) => logger.warn(message, data ?? {}),
  error: (message, data) => logger.error(message, data ?? {}),
};

/** The scheduled run may use most of the function's time; an HTTP caller will not wait that long. */
const scheduledDirectory = new HttpDirectory({ baseUrl, credential, timeoutMs, pageSize, onRetry });
const onDemandDirectory = new HttpDirectory({
  baseUrl,
  credential,
  timeoutMs,
  pageSize,
  onRetry,
  maxAttempts: 3,
  maxRetryAfterSeconds: 5,
});
const ON_DEMAND_BUDGET_MS = Number(optionalEnv('ON_DEMAND_SYNC_BUDGET_MS') ?? 20_000);
/** Time kept back at the end of a scheduled run to record its outcome. */
const SCHEDULED_RESERVE_MS = 15_000;

/** Metrics are published from Lambda only (EMF on stdout would be noise locally). */
const metrics = process.env.AWS_LAMBDA_FUNCTION_NAME
  ? new Metrics({ namespace: OFFICE_SYNC_METRICS.namespace, serviceName: OFFICE_SYNC_METRICS.service })
  : undefined;

export async function scheduledRun(context: Pick<Context, 'getRemainingTimeInMillis'>) {
  const budget = Math.max(1_000, context.getRemainingTimeInMillis() - SCHEDULED_RESERVE_MS);
  try {
    const result = await runScheduledSync(
      { directory: scheduledDirectory, store, log },
      { signal: AbortSignal.timeout(budget) },
    );
    metrics?.addMetric(OFFICE_SYNC_METRICS.succeeded, MetricUnit.Count, 1);
    metrics?.addMetric(OFFICE_SYNC_METRICS.written, MetricUnit.Count, result.written);
    metrics?.addMetric(OFFICE_SYNC_METRICS.invalid, MetricUnit.Count, result.invalid);
    if (result.lagSeconds !== undefined)
      metrics?.addMetric(OFFICE_SYNC_METRICS.lag, MetricUnit.Seconds, result.lagSeconds);
    const { invalidRecords: _invalid, ...summary } = result;
    return summary;
  } catch (error) {
    metrics?.addMetric(OFFICE_SYNC_METRICS.failed, MetricUnit.Count, 1);
    // Thrown on: the invocation fails, Lambda retries it and then sends the event to the
    // dead-letter queue. Never the original error: Lambda logs a thrown error whole and copies its
    // message into the DLQ message, and an SDK error may quote the signed request.
    throw sanitizedError(error);
  } finally {
    metrics?.publishStoredMetrics();
  }
}

export const postSync = partnerRoute({}, async ({ partnerId, requestId }): Promise<ApiResult> => {
  try {
    const result = await syncPartnerOffices({ directory: onDemandDirectory, store, log }, partnerId, {
      signal: AbortSignal.timeout(ON_DEMAND_BUDGET_MS),
    });
    const freshness = { onDemandAt: result.syncedAt };
    return json(200, {
      syncedAt: result.syncedAt,
      stats: {
        received: result.received,
        written: result.written,
        unchanged: result.skipped,
        invalid: result.invalid,
        deactivated: result.deactivatedMissing,
      },
      offices: sortOffices(result.offices).map((office) => officeView(office, freshness)),
    });
  } catch (error) {
    // Told apart by origin, not by name: the directory client wraps all of its failures (its budget
    // running out included) in DirectoryError, while the table's timeouts are TimeoutError /
    // AbortError too and go on to partnerRoute's 503 service-unavailable (Retry-After 5).
    if (!(error instanceof DirectoryError)) throw error;
    logger.warn('on-demand office sync could not reach the directory', { partnerId, error: errorForLog(error) });
    return problemResponse(
      {
        type: `${PROBLEM_TYPE_PREFIX}directory-unavailable`,
        title: 'Partner network directory unavailable',
        status: 503,
        detail:
          'The partner network directory did not answer in time. Your offices are still synced every few minutes; retry later.',
        requestId,
      },
      { 'retry-after': String(Math.max(60, error.retryAfterSeconds ?? 0)) },
    );
  }
});

export const api = routeGroup('officeSync', { 'POST /v1/offices/sync': postSync });

/**
 * The console's "sync now" (a Lambda Invoke with a PartnerSyncRequest): the same sync and the same
 * once-a-minute rule as POST /v1/offices/sync, answered as an outcome instead of HTTP. A table
 * failure is not an outcome: it fails the invocation, redacted as the scheduled run's errors are.
 */
export async function partnerSync(request: PartnerSyncRequest): Promise<PartnerSyncOutcome> {
  try {
    const result = await syncPartnerOffices({ directory: onDemandDirectory, store, log }, request.partnerId, {
      signal: AbortSignal.timeout(Math.min(request.budgetMs, ON_DEMAND_BUDGET_MS)),
    });
    return {
      outcome: 'synced',
      syncedAt: result.syncedAt,
      written: result.written,
      deactivated: result.deactivatedMissing,
    };
  } catch (error) {
    if (error instanceof TooManyRequestsError) {
      return { outcome: 'rate-limited', retryAfterSeconds: error.retryAfterSeconds };
    }
    if (error instanceof DirectoryError) {
      logger.warn('on-demand office sync could not reach the directory', {
        partnerId: request.partnerId,
        error: errorForLog(error),
      });
      return { outcome: 'directory-unavailable', retryAfterSeconds: Math.max(60, error.retryAfterSeconds ?? 0) };
    }
    throw sanitizedError(error);
  }
}

function isApiEvent(event: unknown): event is ApiEvent {
  return typeof event === 'object' && event !== null && 'routeKey' in event && 'requestContext' in event;
}

async function invoked(event: unknown, context: Context): Promise<unknown> {
  if (isApiEvent(event)) return api(event, context);
  if (isPartnerSyncRequest(event)) return partnerSync(event);
  return scheduledRun(context);
}

/** An HTTP request is correlated by its API Gateway request id, anything else by Lambda's request id. */
export const handler = withLambdaContext(invoked, (event, context) =>
  isApiEvent(event) ? event.requestContext.requestId : context.awsRequestId,
);
