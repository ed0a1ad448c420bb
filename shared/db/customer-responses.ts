import {
  type Acceptance,
  type AcceptancePage,
  type AcceptanceReader,
  type CustomerResponseStore,
  type Decline,
  type DeclinePage,
  OfferBusyError,
  type OfferEvent,
  type RecordedResponse,
  type RecordOutcome,
} from '../domain/acceptance.ts';
import type { Offer } from '../domain/offer.ts';
import { logger } from '../observability/logger.ts';
import { retry } from '../retry.ts';
import {
  OFFER_OPEN_CONDITION,
  OPEN_OFFER_KEYS_REMOVAL,
  offerCountersKeys,
  offerFromItem,
  offerKeys,
} from './offers.ts';
import { type Item, isConditionFailed, isTransactionCanceled, type Table } from './port.ts';

/**
 * Acceptances and declines live in their offer's partition (PK `OFFER#<summaryId>`), keyed by the
 * form's submission id (SK `ACCEPT#<submissionId>` / `DECLINE#<submissionId>`, entity `acceptance` /
 * `decline`). Each is written in one transaction with the offer item's `acceptances` / `declines`
 * counter and a claim on the submission (SK `SUBMISSION#<submissionId>`, entity `submission`, naming
 * the response kind), put only if absent: whichever answer comes first takes the submission, so a
 * replay records nothing twice and one form cannot both accept and decline. Views are not counted
 * here: a view is a record of its own (shared/db/offer-views.ts), added to the offer's views
 * counter later, which the transactions never touch. An acceptance item is the customer's evidence snapshot, stored whole as recorded
 * (names, lines with their terms and prices, versions, the agreement attestation) and never
 * updated: its one write is the conditional put below, and readers get back exactly what was put.
 */
export const customerResponseKeys = {
  acceptanceSk: (submissionId: string) => `ACCEPT#${submissionId}`,
  declineSk: (submissionId: string) => `DECLINE#${submissionId}`,
  submissionSk: (submissionId: string) => `SUBMISSION#${submissionId}`,
  acceptancePrefix: 'ACCEPT#',
  declinePrefix: 'DECLINE#',
};

/** The claim on a submission: which kind of answer took it. */
interface SubmissionClaimItem {
  PK: string;
  SK: string;
  entity: 'submission';
  kind: RecordedResponse['kind'];
  submissionId: string;
}

function claimItem(summaryId: string, submissionId: string, kind: RecordedResponse['kind']): SubmissionClaimItem {
  return {
    PK: offerKeys.pk(summaryId),
    SK: customerResponseKeys.submissionSk(submissionId),
    entity: 'submission',
    kind,
    submissionId,
  };
}

/**
 * Response items also name the partner whose offer they answer: the table stream turns new ones
 * into events for that partner (offerEventFromItem below) without reading the offer.
 */
type AcceptanceItem = Acceptance & { PK: string; SK: string; entity: 'acceptance'; partnerId: string };
type DeclineItem = Decline & { PK: string; SK: string; entity: 'decline'; partnerId: string };

export function acceptanceToItem(acceptance: Acceptance, partnerId: string): AcceptanceItem {
  return {
    PK: offerKeys.pk(acceptance.summaryId),
    SK: customerResponseKeys.acceptanceSk(acceptance.submissionId),
    entity: 'acceptance',
    partnerId,
    ...acceptance,
  };
}

export function acceptanceFromItem(item: Item): Acceptance {
  const { PK: _pk, SK: _sk, entity: _entity, partnerId: _partnerId, ...acceptance } = item as unknown as AcceptanceItem;
  return acceptance;
}

export function declineToItem(decline: Decline, partnerId: string): DeclineItem {
  return {
    PK: offerKeys.pk(decline.summaryId),
    SK: customerResponseKeys.declineSk(decline.submissionId),
    entity: 'decline',
    partnerId,
    ...decline,
  };
}

export function declineFromItem(item: Item): Decline {
  const { PK: _pk, SK: _sk, entity: _entity, partnerId: _partnerId, ...decline } = item as unknown as DeclineItem;
  return decline;
}

/**
 * The event a stored acceptance or decline item stands for (the table stream hands over the new
 * item); undefined for any other item. The item's `partnerId` says whose offer it answered.
 */
export function offerEventFromItem(item: object): OfferEvent | undefined {
  const { partnerId, entity, ...response } = item as Item;
  if (typeof partnerId !== 'string') return undefined;
  if (entity === 'acceptance') {
    return { type: 'OfferAccepted', partnerId, acceptance: acceptanceFromItem(response) };
  }
  if (entity === 'decline') return { type: 'OfferDeclined', partnerId, decline: declineFromItem(response) };
  return undefined;
}

/**
 * How one answer is written. The offer accepts answers while it exists and is open (not deactivated,
 * not expired: a condition on the offer item, checked without writing it) and not exhausted (on
 * the counters item, `remaining > 0`, checked and decremented in the same transaction: the last
 * acceptance is race-free). The acceptance that takes the last remaining place (`remaining = 1`)
 * also marks the offer item exhausted and removes it from the open-offers index; every other answer
 * leaves the offer item (and so every index) untouched.
 */
type Plan =
  | { readonly kind: 'decline' }
  | { readonly kind: 'accept'; readonly limited: boolean; readonly last: boolean };

function counterUpdate(plan: Plan): { UpdateExpression: string; ConditionExpression: string } {
  if (plan.kind === 'decline') {
    return {
      UpdateExpression: 'ADD declines :one',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(remaining) OR remaining > :zero)',
    };
  }
  if (!plan.limited) {
    return {
      UpdateExpression: 'ADD acceptances :one',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(remaining)',
    };
  }
  return {
    UpdateExpression: 'ADD acceptances :one, remaining :minusOne',
    ConditionExpression: plan.last ? 'remaining = :one' : 'remaining > :one',
  };
}

/** What a failed counters condition says about the plan: another plan to try, or none (exhausted, gone). */
function replan(plan: Plan, counters: Item | undefined): Plan | undefined {
  if (plan.kind !== 'accept' || !counters) return undefined;
  const remaining = counters.remaining;
  if (typeof remaining !== 'number') return plan.limited ? { kind: 'accept', limited: false, last: false } : undefined;
  if (remaining === 1 && !(plan.limited && plan.last)) return { kind: 'accept', limited: true, last: true };
  if (remaining > 1 && !plan.limited) return { kind: 'accept', limited: true, last: false };
  return undefined;
}

/** The plan the counters item calls for; undefined when it takes no answer (no place left). */
function planFor(kind: Plan['kind'], counters: Item): Plan | undefined {
  const remaining = counters.remaining;
  if (kind === 'decline') return remaining === 0 ? undefined : { kind };
  if (typeof remaining !== 'number') return { kind, limited: false, last: false };
  if (remaining === 1) return { kind, limited: true, last: true };
  return remaining > 1 ? { kind, limited: true, last: false } : undefined;
}

const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * The counters item of an offer stored before answer counters had their own item: `acceptances`
 * and `declines` copied from the offer item, `remaining` from its `maxAcceptances`. Written by the
 * answer path on first need and by the ops backfill, each only if still absent.
 */
export function legacyCountersItem(offerItem: Item): Item {
  const summaryId = String(offerItem.summaryId);
  const acceptances = count(offerItem.acceptances);
  const max = typeof offerItem.maxAcceptances === 'number' ? offerItem.maxAcceptances : undefined;
  return {
    PK: offerCountersKeys.pk(summaryId),
    SK: offerCountersKeys.sk(),
    entity: 'offerCounters',
    summaryId,
    acceptances,
    declines: count(offerItem.declines),
    ...(max !== undefined ? { remaining: Math.max(0, max - acceptances) } : {}),
  };
}

/**
 * Plans tried in one attempt: a wrong guess about the limit or the last place costs one more, and
 * an older offer's missing counters item one more.
 */
const MAX_PLANS = 4;

/** Attempts of one accept/decline transaction before giving up with OfferBusyError. */
export const MAX_CONFLICT_ATTEMPTS = 10;
const CONFLICT_BACKOFF_BASE_MS = 40;
const CONFLICT_MAX_BACKOFF_MS = 1_000;
/** Conflict retries stop after this long too, so the customer gets an answer, not a timeout. */
export const CONFLICT_BUDGET_MS = 3_000;

export interface CustomerResponseStoreOptions {
  /** Backoff between conflicting attempts; tests pass a no-op. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds, for the conflict budget and the view cache; tests pass a fake clock. */
  readonly clock?: () => number;
  /** Where counted views are recorded (the page: DynamoViewLog); none: views are not recorded. */
  readonly views?: ViewRecorder;
  /** How long a view waits for its record (ms); VIEW_WAIT_MS unless given. */
  readonly viewWaitMs?: number;
  /** How long an offer read for views is reused (ms); VIEW_CACHE_MS unless given. */
  readonly viewCacheMs?: number;
}

/** Records one counted view (shared/db/offer-views.ts DynamoViewLog on AWS). */
export interface ViewRecorder {
  record(summaryId: string, now: Date): Promise<void>;
}

/**
 * A view waits at most this long (ms) for its record: DynamoDB answers a PutItem in single-digit
 * milliseconds, and the page client connects within this on a cold start too.
 */
export const VIEW_WAIT_MS = 200;
/**
 * An offer read for a view is reused for this long (ms) by the same execution environment: a
 * popular link reads its offer once per environment per 5 s instead of once per view. Answers are
 * unaffected: accept and decline read the offer strongly consistent and write under its status.
 */
export const VIEW_CACHE_MS = 5_000;
/** At most this many offers cached per environment (each a few KB). */
const VIEW_CACHE_ENTRIES = 500;

function isTransactionConflict(error: unknown): boolean {
  return isTransactionCanceled(error) && error.CancellationReasons.some((r) => r.Code === 'TransactionConflict');
}

/**
 * The customer page's store (the page function gives it the DynamoDbLite adapter, keeping the AWS
 * SDK out of its bundle), and the partner's list of an offer's acceptances (offers-read, on the SDK
 * adapter).
 */
export class DynamoCustomerResponseStore implements CustomerResponseStore, AcceptanceReader {
  /** Offers read for views, by summary ID, in insertion order (the oldest is evicted first). */
  private readonly cache = new Map<string, { offer: Offer; until: number }>();

  constructor(
    private readonly table: Table,
    private readonly options: CustomerResponseStoreOptions = {},
  ) {}

  private now(): number {
    return this.options.clock?.() ?? Date.now();
  }

  /**
   * The offer as a page view shows it, and for a person (`countView`) the view recorded, never
   * counted here (shared/db/offer-views.ts). The offer comes from this environment's cache (at
   * most VIEW_CACHE_MS old), else from an eventually consistent GetItem, else (missing: a link
   * opened right after its offer was created) a strongly consistent one. The view is recorded only
   * for an offer that exists, and waited for at most `viewWaitMs`: a slow or failing record is
   * logged and the page still served, uncounted.
   */
  async viewOffer(summaryId: string, countView: boolean): Promise<Offer | undefined> {
    const offer = await this.cachedOffer(summaryId);
    if (offer && countView) await this.recordView(summaryId);
    return offer;
  }

  /** The offer, strongly consistent and uncached: what answers (accept, decline) and their pages read. */
  async readOffer(summaryId: string): Promise<Offer | undefined> {
    const item = await this.table.get({
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    });
    return item ? offerFromItem(item) : undefined;
  }

  private async cachedOffer(summaryId: string): Promise<Offer | undefined> {
    const now = this.now();
    const cached = this.cache.get(summaryId);
    if (cached && cached.until > now) return cached.offer;
    const key = { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() };
    const item = (await this.table.get({ Key: key })) ?? (await this.table.get({ Key: key, ConsistentRead: true }));
    if (!item) return undefined;
    const offer = offerFromItem(item);
    this.cache.delete(summaryId);
    if (this.cache.size >= VIEW_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(summaryId, { offer, until: now + (this.options.viewCacheMs ?? VIEW_CACHE_MS) });
    return offer;
  }

  private async recordView(summaryId: string): Promise<void> {
    const views = this.options.views;
    if (!views) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.viewWaitMs ?? VIEW_WAIT_MS);
    });
    const recorded = views.record(summaryId, new Date(this.now())).then(
      () => 'recorded' as const,
      (error: unknown) => {
        logger.warn('offer view not recorded', { error: errorName(error) });
        return 'failed' as const;
      },
    );
    const outcome = await Promise.race([recorded, late]);
    clearTimeout(timer);
    if (outcome === 'late')
      logger.warn('offer view not recorded in time', { waitedMs: this.options.viewWaitMs ?? VIEW_WAIT_MS });
  }

  /**
   * What the submission was answered with, if anything: the claim (strongly consistent: a double
   * click's second post must see the first), then the response it names.
   */
  async findResponse(summaryId: string, submissionId: string): Promise<RecordedResponse | undefined> {
    const claim = await this.table.get({
      Key: { PK: offerKeys.pk(summaryId), SK: customerResponseKeys.submissionSk(submissionId) },
      ConsistentRead: true,
    });
    if (!claim) return undefined;
    return claim.kind === 'decline'
      ? this.readResponse(summaryId, submissionId, 'decline')
      : this.readResponse(summaryId, submissionId, 'acceptance');
  }

  /** One recorded acceptance (its confirmation page), read without the claim. */
  async findAcceptance(summaryId: string, submissionId: string): Promise<Acceptance | undefined> {
    const response = await this.readResponse(summaryId, submissionId, 'acceptance');
    return response?.kind === 'acceptance' ? response.acceptance : undefined;
  }

  private async readResponse(
    summaryId: string,
    submissionId: string,
    kind: RecordedResponse['kind'],
  ): Promise<RecordedResponse | undefined> {
    const sk =
      kind === 'acceptance'
        ? customerResponseKeys.acceptanceSk(submissionId)
        : customerResponseKeys.declineSk(submissionId);
    const item = await this.table.get({ Key: { PK: offerKeys.pk(summaryId), SK: sk }, ConsistentRead: true });
    if (!item) return undefined;
    return kind === 'acceptance'
      ? { kind, acceptance: acceptanceFromItem(item) }
      : { kind, decline: declineFromItem(item) };
  }

  /**
   * `offer`: the offer as the caller read it, if it did: its maxAcceptances (never changed after
   * creation) and, when it is exact, its acceptances make the first transaction the right one; a
   * wrong guess (another acceptance took the place meanwhile) costs one more transaction, never a
   * wrong count.
   */
  accept(
    acceptance: Acceptance,
    partnerId: string,
    now: Date,
    offer?: Pick<Offer, 'maxAcceptances' | 'acceptances'>,
  ): Promise<RecordOutcome<Acceptance>> {
    const max = offer?.maxAcceptances;
    const plan: Plan = {
      kind: 'accept',
      limited: max !== undefined,
      last: max !== undefined && (offer?.acceptances ?? 0) + 1 >= max,
    };
    return this.record(acceptance, plan, acceptanceToItem(acceptance, partnerId), now);
  }

  decline(decline: Decline, partnerId: string, now: Date): Promise<RecordOutcome<Decline>> {
    return this.record(decline, { kind: 'decline' }, declineToItem(decline, partnerId), now);
  }

  /**
   * Concurrent transactions on one offer's counters cancel each other with TransactionConflict; neither
   * the SDK nor DynamoDbLite retries those, so retry here with jittered backoff (a popular offer's
   * burst of accepts). After MAX_CONFLICT_ATTEMPTS, OfferBusyError: nothing was recorded and the
   * customer may retry.
   */
  private async record<T extends Acceptance | Decline>(
    record: T,
    plan: Plan,
    item: AcceptanceItem | DeclineItem,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    return retry(() => this.recordOnce(record, plan, item, now), {
      maxAttempts: MAX_CONFLICT_ATTEMPTS,
      budgetMs: CONFLICT_BUDGET_MS,
      maxBackoffMs: CONFLICT_MAX_BACKOFF_MS,
      decide: (error) => (isTransactionConflict(error) ? { backoffBaseMs: CONFLICT_BACKOFF_BASE_MS } : undefined),
      exhausted: (error, attempts) => new OfferBusyError(attempts, { cause: error }),
      ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      ...(this.options.clock ? { now: this.options.clock } : {}),
    });
  }

  private async recordOnce<T extends Acceptance | Decline>(
    record: T,
    firstPlan: Plan,
    item: AcceptanceItem | DeclineItem,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    const kind = item.entity;
    let plan: Plan | undefined = firstPlan;
    for (let tried = 0; plan && tried < MAX_PLANS; tried++) {
      const closesOffer = plan.kind === 'accept' && plan.last;
      const offerKey = { PK: offerKeys.pk(record.summaryId), SK: offerKeys.sk() };
      const offerOpen = {
        ConditionExpression: OFFER_OPEN_CONDITION,
        ExpressionAttributeValues: { ':now': now.toISOString() },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      };
      try {
        await this.table.transactWrite([
          closesOffer
            ? {
                Update: {
                  Key: offerKey,
                  UpdateExpression: `SET exhaustedAt = :now ${OPEN_OFFER_KEYS_REMOVAL}`,
                  ...offerOpen,
                },
              }
            : { ConditionCheck: { Key: offerKey, ...offerOpen } },
          {
            Update: {
              Key: { PK: offerCountersKeys.pk(record.summaryId), SK: offerCountersKeys.sk() },
              ...counterUpdate(plan),
              ExpressionAttributeValues: {
                ':one': 1,
                ...(plan.kind === 'decline' ? { ':zero': 0 } : {}),
                ...(plan.kind === 'accept' && plan.limited ? { ':minusOne': -1 } : {}),
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Put: { Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
          {
            Put: {
              Item: claimItem(record.summaryId, record.submissionId, kind),
              ConditionExpression: 'attribute_not_exists(PK)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ]);
        return { kind: 'recorded', record };
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        // The reasons come back in request order, with the failed items' old values.
        const [offerReason, countersReason, responseReason, claimReason] = error.CancellationReasons;
        if (claimReason?.Code === 'ConditionalCheckFailed' || responseReason?.Code === 'ConditionalCheckFailed') {
          // Another post with this submission got there first (the same answer, or the other one).
          const first = await this.findResponse(record.summaryId, record.submissionId);
          if (first) return { kind: 'replayed', response: first };
        }
        if (offerReason?.Code === 'ConditionalCheckFailed') {
          return offerReason.Item
            ? { kind: 'not-active', offer: offerFromItem(offerReason.Item) }
            : { kind: 'not-found' };
        }
        if (countersReason?.Code !== 'ConditionalCheckFailed') {
          // Anything else (throttling, a conflicting concurrent transaction) is for the caller to retry.
          throw error;
        }
        let counters = countersReason.Item;
        if (!counters) {
          // No counters item: an offer stored before answer counters had their own item (or no offer).
          counters = await this.countersForLegacyOffer(record.summaryId);
          if (!counters) return { kind: 'not-found' };
          plan = planFor(plan.kind, counters);
        } else plan = replan(plan, counters);
        if (!plan) {
          // No place left: read the offer for the answer.
          const offerItem = await this.table.get({ Key: offerKey, ConsistentRead: true });
          return offerItem
            ? { kind: 'not-active', offer: offerFromItem(offerItem, 0, counters) }
            : { kind: 'not-found' };
        }
      }
    }
    throw new OfferBusyError(MAX_PLANS);
  }

  /**
   * The counters item of an offer that has none, created from its offer item on
   * attribute_not_exists (so a concurrent answer's creation, or the backfill's, wins and is read
   * back). Undefined when there is no offer item either.
   */
  private async countersForLegacyOffer(summaryId: string): Promise<Item | undefined> {
    const countersKey = { PK: offerCountersKeys.pk(summaryId), SK: offerCountersKeys.sk() };
    const offerItem = await this.table.get({
      Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() },
      ConsistentRead: true,
    });
    if (!offerItem) return undefined;
    const counters = legacyCountersItem(offerItem);
    try {
      await this.table.put({ Item: counters, ConditionExpression: 'attribute_not_exists(PK)' });
      logger.info('offer counters created from a legacy offer item', { summaryId });
      return counters;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return this.table.get({ Key: countersKey, ConsistentRead: true });
    }
  }

  /** An offer's acceptances in submission-id order, a page at a time (the partner's list). */
  async listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage> {
    const { records, next } = await this.listResponses(summaryId, customerResponseKeys.acceptancePrefix, page);
    const acceptances = records.map(acceptanceFromItem);
    return next ? { acceptances, next } : { acceptances };
  }

  /** An offer's declines in submission-id order, a page at a time (the partner console's offer page). */
  async listDeclines(summaryId: string, page: { limit: number; after?: string }): Promise<DeclinePage> {
    const { records, next } = await this.listResponses(summaryId, customerResponseKeys.declinePrefix, page);
    const declines = records.map(declineFromItem);
    return next ? { declines, next } : { declines };
  }

  /** One Query of the offer's partition for the responses under `prefix` (their SK ends in the submission id). */
  private async listResponses(
    summaryId: string,
    prefix: string,
    page: { limit: number; after?: string },
  ): Promise<{ records: Item[]; next?: string }> {
    const pk = offerKeys.pk(summaryId);
    const { Items, LastEvaluatedKey } = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      Limit: page.limit,
      ...(page.after ? { ExclusiveStartKey: { PK: pk, SK: `${prefix}${page.after}` } } : {}),
    });
    const last = Items.at(-1);
    return LastEvaluatedKey && last ? { records: Items, next: String(last.submissionId) } : { records: Items };
  }
}

/**
 * Logs name the error, never its message, and never the summary ID: it is the customer's link
 * credential (access logs leave offer paths out for the same reason), and DynamoDB's messages can
 * echo keys.
 */
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
