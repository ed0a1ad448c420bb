import {
  type Acceptance,
  type AcceptancePage,
  type AcceptanceReader,
  type CustomerResponseStore,
  type Decline,
  OfferBusyError,
  type OfferEvent,
  type RecordedResponse,
  type RecordOutcome,
} from '../domain/acceptance.ts';
import type { Offer } from '../domain/offer.ts';
import { logger } from '../observability/logger.ts';
import { retry } from '../retry.ts';
import { OFFER_STATUS_CONDITIONS, offerFromItem, offerKeys, offerViewsKeys, viewsFromItem } from './offers.ts';
import { type Item, isTransactionCanceled, type Table } from './port.ts';

/**
 * Acceptances and declines live in their offer's partition (PK `OFFER#<summaryId>`), keyed by the
 * form's submission id (SK `ACCEPT#<submissionId>` / `DECLINE#<submissionId>`, entity `acceptance` /
 * `decline`). Each is written in one transaction with the offer item's `acceptances` / `declines`
 * counter and a claim on the submission (SK `SUBMISSION#<submissionId>`, entity `submission`, naming
 * the response kind), put only if absent: whichever answer comes first takes the submission, so a
 * replay records nothing twice and one form cannot both accept and decline. Views are not counted
 * here on the offer item but on its views counter item (offerViewsKeys), which the transactions
 * never touch. An acceptance item is the customer's evidence snapshot, stored whole as recorded
 * (names, lines with their terms and prices, versions, the agreement attestation) and never
 * updated: its one write is the conditional put below, and readers get back exactly what was put.
 */
export const customerResponseKeys = {
  acceptanceSk: (submissionId: string) => `ACCEPT#${submissionId}`,
  declineSk: (submissionId: string) => `DECLINE#${submissionId}`,
  submissionSk: (submissionId: string) => `SUBMISSION#${submissionId}`,
  acceptancePrefix: 'ACCEPT#',
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
 * The offer accepts responses while it exists and is active, enforced atomically with the counter;
 * `acceptances < maxAcceptances` in the active condition makes the last acceptance race-free.
 */
const OFFER_ACCEPTS_RESPONSES = `attribute_exists(PK) AND ${OFFER_STATUS_CONDITIONS.active}`;

/** Attempts of one accept/decline transaction before giving up with OfferBusyError. */
export const MAX_CONFLICT_ATTEMPTS = 10;
const CONFLICT_BACKOFF_BASE_MS = 40;
const CONFLICT_MAX_BACKOFF_MS = 1_000;
/** Conflict retries stop after this long too, so the customer gets an answer, not a timeout. */
export const CONFLICT_BUDGET_MS = 3_000;

export interface CustomerResponseStoreOptions {
  /** Backoff between conflicting attempts; tests pass a no-op. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds, for the conflict budget; tests pass a fake clock. */
  readonly clock?: () => number;
}

function isTransactionConflict(error: unknown): boolean {
  return isTransactionCanceled(error) && error.CancellationReasons.some((r) => r.Code === 'TransactionConflict');
}

/**
 * The customer page's store (the page function gives it the DynamoDbLite adapter, keeping the AWS
 * SDK out of its bundle), and the partner's list of an offer's acceptances (offers-read, on the SDK
 * adapter).
 */
export class DynamoCustomerResponseStore implements CustomerResponseStore, AcceptanceReader {
  constructor(
    private readonly table: Table,
    private readonly options: CustomerResponseStoreOptions = {},
  ) {}

  /**
   * The offer (GetItem, strongly consistent: a link opened right after it was created must work)
   * and, for a person, `ADD views :one` on its counter item, sent together so a view costs one
   * round trip. The counter update is conditioned on the counter existing, so an unknown code
   * writes nothing; it never touches the offer item, so it cannot conflict with an accept
   * transaction. A failed count is logged and the page is still served.
   */
  async viewOffer(summaryId: string, countView: boolean): Promise<Offer | undefined> {
    const read = this.table.get({ Key: { PK: offerKeys.pk(summaryId), SK: offerKeys.sk() }, ConsistentRead: true });
    const count = countView ? this.countView(summaryId) : Promise.resolve(0);
    const [offerRead, counted] = await Promise.allSettled([read, count]);
    if (offerRead.status === 'rejected') throw offerRead.reason;
    const item = offerRead.value;
    if (!item) return undefined;
    if (counted.status === 'fulfilled') return offerFromItem(item, counted.value);
    logger.warn('offer view not counted', { error: errorName(counted.reason) });
    return offerFromItem(item);
  }

  /** The counter after this view. */
  private async countView(summaryId: string): Promise<number> {
    const counter = await this.table.update({
      Key: { PK: offerViewsKeys.pk(summaryId), SK: offerViewsKeys.sk() },
      UpdateExpression: 'ADD #views :one',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#views': 'views' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    });
    return viewsFromItem(counter);
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

  accept(acceptance: Acceptance, partnerId: string, now: Date): Promise<RecordOutcome<Acceptance>> {
    return this.record(acceptance, 'acceptances', acceptanceToItem(acceptance, partnerId), now);
  }

  decline(decline: Decline, partnerId: string, now: Date): Promise<RecordOutcome<Decline>> {
    return this.record(decline, 'declines', declineToItem(decline, partnerId), now);
  }

  /**
   * Concurrent transactions on one offer item cancel each other with TransactionConflict; neither
   * the SDK nor DynamoDbLite retries those, so retry here with jittered backoff (a popular offer's
   * burst of accepts). After MAX_CONFLICT_ATTEMPTS, OfferBusyError: nothing was recorded and the
   * customer may retry.
   */
  private async record<T extends Acceptance | Decline>(
    record: T,
    counter: 'acceptances' | 'declines',
    item: AcceptanceItem | DeclineItem,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    return retry(() => this.recordOnce(record, counter, item, now), {
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
    counter: 'acceptances' | 'declines',
    item: AcceptanceItem | DeclineItem,
    now: Date,
  ): Promise<RecordOutcome<T>> {
    const kind = item.entity;
    try {
      await this.table.transactWrite([
        {
          Update: {
            Key: { PK: offerKeys.pk(record.summaryId), SK: offerKeys.sk() },
            UpdateExpression: 'ADD #counter :one',
            ConditionExpression: OFFER_ACCEPTS_RESPONSES,
            ExpressionAttributeNames: { '#counter': counter },
            ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            Item: item,
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
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
      const [offerReason, responseReason, claimReason] = error.CancellationReasons;
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
      // Anything else (throttling, a conflicting concurrent transaction) is for the caller to retry.
      throw error;
    }
  }

  /** An offer's acceptances in submission-id order, a page at a time (the partner's list). */
  async listAcceptances(summaryId: string, page: { limit: number; after?: string }): Promise<AcceptancePage> {
    const pk = offerKeys.pk(summaryId);
    const { Items, LastEvaluatedKey } = await this.table.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': customerResponseKeys.acceptancePrefix },
      Limit: page.limit,
      ...(page.after ? { ExclusiveStartKey: { PK: pk, SK: customerResponseKeys.acceptanceSk(page.after) } } : {}),
    });
    const acceptances = Items.map(acceptanceFromItem);
    const last = acceptances.at(-1);
    return LastEvaluatedKey && last ? { acceptances, next: last.submissionId } : { acceptances };
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
