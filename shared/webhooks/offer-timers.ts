import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { sdkClientConfig, withOperationBudget } from '../config/aws-sdk.ts';

/**
 * Time-based offer events without scanning offers: each offer with an expiry gets two one-time
 * timers when it is created (EventBridge Scheduler schedules on AWS), `expiring` 24 h before its
 * expiresAt and `expired` at it; both are deleted when the offer ends early (deactivated,
 * exhausted). A timer that fires reads its one offer and sends the event if the offer is still live.
 */
export type OfferTimerKind = 'expiring' | 'expired';

/** What a firing timer carries (the schedule's input on AWS). */
export interface OfferTimerInput {
  readonly summaryId: string;
  readonly kind: OfferTimerKind;
  /** When it was due, ISO 8601: the event's createdAt, so a repeated firing is the same event. */
  readonly dueAt: string;
}

/** `offer.expiring` is sent this long before expiresAt: 24 h. */
export const EXPIRING_NOTICE_MS = 24 * 3_600_000;

/**
 * The timers of an offer expiring at `expiresAt`, created at `now`: `expiring` only when more than
 * 24 h remain (an offer created with less gets `offer.expired` only; its `offer.created` already
 * says when it expires), `expired` when the expiry is still ahead.
 */
export function offerTimersFor(summaryId: string, expiresAt: string, now: Date): OfferTimerInput[] {
  const expiry = Date.parse(expiresAt);
  if (Number.isNaN(expiry) || expiry <= now.getTime()) return [];
  const timers: OfferTimerInput[] = [];
  if (expiry - EXPIRING_NOTICE_MS > now.getTime()) {
    timers.push({ summaryId, kind: 'expiring', dueAt: new Date(expiry - EXPIRING_NOTICE_MS).toISOString() });
  }
  timers.push({ summaryId, kind: 'expired', dueAt: new Date(expiry).toISOString() });
  return timers;
}

export interface OfferTimers {
  /** Creates the timers; one that exists already (a replayed stream record) is left as it is. */
  create(timers: readonly OfferTimerInput[]): Promise<void>;
  /** Deletes the offer's timers; missing ones (fired, or never made) are fine. */
  cancel(summaryId: string): Promise<void>;
}

/** Schedule names: 1–64 of [0-9A-Za-z-_.], unique in the group. Summary IDs are 24 such characters. */
export function scheduleName(summaryId: string, kind: OfferTimerKind): string {
  return `offer-${summaryId}-${kind}`;
}

export interface SchedulerTimersConfig {
  readonly groupName: string;
  /** The offer timers function. */
  readonly targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** Where a firing that kept failing goes. */
  readonly deadLetterArn: string;
}

/** AWS: one-time `at()` schedules in their own group, deleted by Scheduler once they have run. */
export class SchedulerOfferTimers implements OfferTimers {
  constructor(
    private readonly config: SchedulerTimersConfig,
    private readonly client: SchedulerClient = withOperationBudget(new SchedulerClient(sdkClientConfig())),
  ) {}

  async create(timers: readonly OfferTimerInput[]): Promise<void> {
    for (const timer of timers) {
      try {
        await this.client.send(
          new CreateScheduleCommand({
            Name: scheduleName(timer.summaryId, timer.kind),
            GroupName: this.config.groupName,
            // at() takes whole seconds, UTC, without a zone suffix.
            ScheduleExpression: `at(${timer.dueAt.slice(0, 19)})`,
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: this.config.targetArn,
              RoleArn: this.config.roleArn,
              Input: JSON.stringify(timer),
              RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
              DeadLetterConfig: { Arn: this.config.deadLetterArn },
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
    }
  }

  async cancel(summaryId: string): Promise<void> {
    for (const kind of ['expiring', 'expired'] as const) {
      try {
        await this.client.send(
          new DeleteScheduleCommand({ Name: scheduleName(summaryId, kind), GroupName: this.config.groupName }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
  }
}

/** Set by the stack (OFFER_TIMERS_*); undefined without them. */
export function schedulerTimersFromEnv(env: NodeJS.ProcessEnv = process.env): OfferTimers | undefined {
  const { OFFER_TIMERS_GROUP, OFFER_TIMERS_TARGET_ARN, OFFER_TIMERS_ROLE_ARN, OFFER_TIMERS_DLQ_ARN } = env;
  if (!OFFER_TIMERS_GROUP || !OFFER_TIMERS_TARGET_ARN || !OFFER_TIMERS_ROLE_ARN || !OFFER_TIMERS_DLQ_ARN) {
    return undefined;
  }
  return new SchedulerOfferTimers({
    groupName: OFFER_TIMERS_GROUP,
    targetArn: OFFER_TIMERS_TARGET_ARN,
    roleArn: OFFER_TIMERS_ROLE_ARN,
    deadLetterArn: OFFER_TIMERS_DLQ_ARN,
  });
}

/** The local runtime's timers (infra/local/offer-timers.ts), set before handlers load. */
let localTimers: OfferTimers | undefined;
export function setLocalOfferTimers(timers: OfferTimers | undefined): void {
  localTimers = timers;
}

export function offerTimersFromEnv(env: NodeJS.ProcessEnv = process.env): OfferTimers | undefined {
  return schedulerTimersFromEnv(env) ?? localTimers;
}
