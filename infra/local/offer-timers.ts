import { type OfferTimerInput, type OfferTimers, scheduleName } from '../../shared/webhooks/offer-timers.ts';

/**
 * The local stand-in for EventBridge Scheduler's one-time offer schedules: timers wait in memory
 * until their due time (by `now`, which tests move) and are then handed to the same offer timers
 * handler as on AWS. A firing that throws is tried again `retryAfterMs` later.
 */
export class LocalOfferTimers implements OfferTimers {
  /** By schedule name, as Scheduler names them. */
  readonly pending = new Map<string, { input: OfferTimerInput; dueAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly retryAfterMs = 60_000,
  ) {}

  async create(timers: readonly OfferTimerInput[]): Promise<void> {
    for (const timer of timers) {
      const name = scheduleName(timer.summaryId, timer.kind);
      if (!this.pending.has(name)) this.pending.set(name, { input: timer, dueAt: Date.parse(timer.dueAt) });
    }
  }

  async cancel(summaryId: string): Promise<void> {
    this.pending.delete(scheduleName(summaryId, 'expiring'));
    this.pending.delete(scheduleName(summaryId, 'expired'));
  }

  /** Fires every timer due now, oldest first; resolves with how many fired. */
  async runDue(handler: (input: OfferTimerInput) => Promise<unknown>): Promise<number> {
    const due = [...this.pending.entries()]
      .filter(([, timer]) => timer.dueAt <= this.now())
      .sort(([, a], [, b]) => a.dueAt - b.dueAt);
    for (const [name, timer] of due) {
      // Deleted after it ran, as ActionAfterCompletion DELETE does.
      this.pending.delete(name);
      try {
        await handler(timer.input);
      } catch {
        this.pending.set(name, { ...timer, dueAt: this.now() + this.retryAfterMs });
      }
    }
    return due.length;
  }
}
