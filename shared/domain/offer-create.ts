import { findSubscription } from '../catalog/catalog.ts';
import type { Locale } from '../i18n/locale.ts';
import { retry } from '../retry.ts';
import { ConflictError, ForbiddenError, type RuleViolation, UnprocessableError } from './errors.ts';
import {
  epochSeconds,
  IDEMPOTENCY_WINDOW_SECONDS,
  type IdempotencyRecord,
  isLive,
  requestHash,
} from './idempotency.ts';
import {
  MAX_OFFER_LIFETIME_DAYS,
  type Offer,
  type OfferCustomization,
  type OfferLine,
  type OfferStore,
} from './offer.ts';
import type { Office } from './office.ts';
import { MAX_CUSTOMERS_FOR_OFFERS, mayCreateOffers, type Partner } from './partner.ts';
import { generateSummaryId } from './summary-id.ts';

export const MIN_ITEMS = 1;
export const MAX_ITEMS = 20;

/** A validated create request (shape checked by shared/schemas/offers.ts; business rules here). */
export interface CreateOfferInput {
  readonly officeId: string;
  readonly usageLocation: string;
  readonly items: readonly OfferLine[];
  readonly delegatedAdmin: boolean;
  readonly locale: Locale;
  readonly customization?: OfferCustomization;
  readonly expiresAt?: string;
  readonly maxAcceptances?: number;
  readonly reference?: string;
}

/**
 * The first answer to a create, as the caller rendered it for the new offer. It is stored in the
 * idempotency record in the same write as the offer, so a retry with the same key gets it back
 * verbatim; this module only stores and returns it, never reads or builds it.
 */
export type RecordedAnswer = Pick<IdempotencyRecord, 'statusCode' | 'responseBody' | 'location'>;

/** What a create did: made the offer now, or found that an earlier request with the same key had. */
export type CreateOfferResult =
  | { readonly kind: 'created'; readonly offer: Offer; readonly answer: RecordedAnswer }
  | { readonly kind: 'replayed'; readonly answer: RecordedAnswer };

export interface OfferCreateDeps {
  readonly store: Pick<OfferStore, 'loadCreationContext' | 'create' | 'getIdempotencyRecord'>;
  /** Renders the answer to a create for a new offer, given the instant it was created at. */
  readonly answer: (offer: Offer, now: Date) => RecordedAnswer;
  readonly now?: () => Date;
  readonly newSummaryId?: () => string;
  /** The catalog version the items are checked against, recorded on the offer. */
  readonly catalogVersion?: string;
  /** Waits between attempts when concurrent requests contend for the same items; tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter of those waits; tests pass a fixed one. */
  readonly random?: () => number;
}

const CREATE_OPERATION = 'create-offer';
const MAX_WRITE_ATTEMPTS = 6;

// Why the table did not apply a create, when another attempt can get past it.
class SummaryIdTaken extends Error {}
class Contention extends Error {}

/**
 * A taken summary ID is retried at once with a new one. Contention (a concurrent transaction on the
 * same items) waits 10–50 ms, doubling with each attempt, with jitter so the contenders spread out.
 */
function retryWrite(random: () => number) {
  return (error: unknown, attempt: number): { delayMs: number } | undefined => {
    if (error instanceof SummaryIdTaken) return { delayMs: 0 };
    if (error instanceof Contention) return { delayMs: Math.round((10 + random() * 40) * 2 ** (attempt - 1)) };
    return undefined;
  };
}

function concurrentRequest(): ConflictError {
  return new ConflictError(
    'concurrent-request',
    'Concurrent request',
    'Another request for the same offer is being processed. Retry in a moment with the same Idempotency-Key.',
  );
}

type ItemProblem = RuleViolation & { readonly type: 'sku-not-sold' | 'duplicate-sku' | 'licenses-out-of-range' };

const ITEM_PROBLEM_TITLES: Record<ItemProblem['type'], string> = {
  'sku-not-sold': 'Subscription not sold in the usage location',
  'duplicate-sku': 'Subscription listed twice',
  'licenses-out-of-range': 'License count out of range',
};

/** The partner rules, in the order a partner can act on them. Pure: throws the first failure. */
export function checkPartner(partner: Partner | undefined, input: Pick<CreateOfferInput, 'delegatedAdmin'>): Partner {
  if (!partner) {
    throw new ForbiddenError(
      'partner-profile-missing',
      'Partner profile missing',
      'Your API key is valid but no partner profile is on record for it. Contact support.',
    );
  }
  if (!mayCreateOffers(partner)) {
    throw new ForbiddenError(
      'too-many-customers',
      'Offers are for smaller partners',
      `Only partners that manage fewer than ${MAX_CUSTOMERS_FOR_OFFERS} customers may create purchase offers; you manage ${partner.customerCount}.`,
    );
  }
  if (input.delegatedAdmin && !partner.delegatedAdminCertified) {
    throw new ForbiddenError(
      'delegated-admin-not-certified',
      'Not certified for delegated administration',
      'Only partners certified for delegated administration may offer it. Send delegatedAdmin: false, or complete the certification first.',
      [
        {
          at: { field: 'delegatedAdministration' },
          rule: 'certification_required',
          message: 'may be true only for partners certified for delegated administration',
        },
      ],
    );
  }
  return partner;
}

export function checkOffice(office: Office | undefined, officeId: string): Office {
  if (!office?.active) {
    const unknown = !office;
    throw new UnprocessableError(
      'office-not-usable',
      'Office not usable',
      unknown
        ? `Office "${officeId}" is not one of your synced offices. New offices can take up to 24 hours to appear in the partner network directory; GET /v1/offices lists the ones you can use, and POST /v1/offices/sync refreshes them.`
        : `Office "${officeId}" is inactive in the partner network directory; choose an active office (GET /v1/offices).`,
      [
        {
          at: { field: 'office' },
          rule: unknown ? 'unknown_office' : 'office_inactive',
          message: unknown ? 'is not one of your synced offices' : 'is an inactive office',
        },
      ],
    );
  }
  return office;
}

/**
 * 1..20 subscriptions, each SKU sold in the usage location, no SKU twice, licenses within the
 * SKU's limits. One bad subscription leaves the detail to its violation (the HTTP layer names
 * the field); several get a detail that points to the list.
 */
export function checkItems(usageLocation: string, items: readonly OfferLine[]): void {
  if (items.length < MIN_ITEMS || items.length > MAX_ITEMS) {
    throw new UnprocessableError(
      'item-count-out-of-range',
      'Wrong number of items',
      `An offer has ${MIN_ITEMS} to ${MAX_ITEMS} items; this one has ${items.length}.`,
      [
        {
          at: { field: 'subscriptions' },
          rule: items.length < MIN_ITEMS ? 'too_few_items' : 'too_many_items',
          message: `must have ${MIN_ITEMS} to ${MAX_ITEMS} items`,
        },
      ],
    );
  }
  const problems: ItemProblem[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, subscription) => {
    const first = seen.get(item.sku);
    if (first !== undefined) {
      problems.push({
        type: 'duplicate-sku',
        at: { subscription, field: 'sku' },
        rule: 'duplicate_sku',
        message: `repeats ${item.sku} from items[${first}]; list each subscription once with its total licenses`,
      });
      return;
    }
    seen.set(item.sku, subscription);
    const sold = findSubscription(item.sku);
    if (!sold) {
      problems.push({
        type: 'sku-not-sold',
        at: { subscription, field: 'sku' },
        rule: 'unknown_sku',
        message: `${item.sku} is not in the catalog; see GET /v1/catalog?usageLocation=${usageLocation}`,
      });
      return;
    }
    if (!sold.countries.includes(usageLocation)) {
      problems.push({
        type: 'sku-not-sold',
        at: { subscription, field: 'sku' },
        rule: 'not_sold_in_usage_location',
        message: `${sold.name} is not sold in ${usageLocation}; see GET /v1/catalog?usageLocation=${usageLocation}`,
      });
      return;
    }
    if (item.licenses < sold.minLicenses || item.licenses > sold.maxLicenses) {
      problems.push({
        type: 'licenses-out-of-range',
        at: { subscription, field: 'licenseCount' },
        rule: 'licenses_out_of_range',
        message: `must be between ${sold.minLicenses} and ${sold.maxLicenses} for ${sold.name}`,
      });
    }
  });
  const first = problems[0];
  if (first) {
    // The problem type is the first item's problem; the violations name every item to fix, each with its rule.
    throw new UnprocessableError(
      first.type,
      ITEM_PROBLEM_TITLES[first.type],
      problems.length === 1 ? undefined : `${problems.length} items need fixing; see errors.`,
      problems.map(({ at, rule, message }) => ({ at, rule, message })),
    );
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * In the future and at most MAX_OFFER_LIFETIME_DAYS ahead. The cap is not only a product rule: an
 * instant past year 9999 (say "9999-12-31T23:59:59-14:00") turns into "+010000-…" in toISOString,
 * which sorts before every "2…" date, so the text comparisons in list filters and the acceptance
 * condition would call the offer expired while offerStatus() calls it active.
 */
export function checkExpiry(expiresAt: string | undefined, now: Date): string | undefined {
  if (expiresAt === undefined) return undefined;
  const at = Date.parse(expiresAt);
  if (!(at > now.getTime())) {
    throw new UnprocessableError(
      'invalid-expiry',
      'Invalid expiry',
      `expiresAt (${expiresAt}) must be in the future.`,
      [{ at: { field: 'expiry' }, rule: 'in_future', message: 'must be in the future' }],
    );
  }
  const latest = new Date(now.getTime() + MAX_OFFER_LIFETIME_DAYS * DAY_MS);
  if (at > latest.getTime()) {
    throw new UnprocessableError(
      'invalid-expiry',
      'Invalid expiry',
      `expiresAt (${expiresAt.slice(0, 40)}) is too far ahead: an offer may stay open for at most ${MAX_OFFER_LIFETIME_DAYS} days, so expire it by ${latest.toISOString()} at the latest, or leave expiresAt out and deactivate the offer when you no longer want it.`,
      [
        {
          at: { field: 'expiry' },
          rule: 'too_far',
          message: `must be at most ${MAX_OFFER_LIFETIME_DAYS} days from now`,
        },
      ],
    );
  }
  // Stored in UTC ISO form so that stored expiries compare as text (status filters in DynamoDB);
  // the cap above keeps the year at four digits, where text order is time order.
  return new Date(at).toISOString();
}

function keyReused(): UnprocessableError {
  return new UnprocessableError(
    'idempotency-key-reused',
    'Idempotency-Key reused with another request',
    'This Idempotency-Key was used in the last 24 hours for a different request body. Send a new key for a new offer, or the same body to get the first response again.',
    [{ at: { field: 'idempotencyKey' }, rule: 'reused_with_different_body', message: 'was used for another request' }],
  );
}

/** The partner-facing create use case: business rules, the idempotency key, the atomic write. */
export class OfferCreateService {
  private readonly store: OfferCreateDeps['store'];
  private readonly now: () => Date;
  private readonly newSummaryId: () => string;

  constructor(private readonly deps: OfferCreateDeps) {
    this.store = deps.store;
    this.now = deps.now ?? (() => new Date());
    this.newSummaryId = deps.newSummaryId ?? generateSummaryId;
  }

  /**
   * @throws ForbiddenError, UnprocessableError for a partner, office, item or expiry rule the
   *   request breaks, or an idempotency key used for another body; DuplicateReferenceError (from
   *   the store); ConflictError `concurrent-request` when concurrent writes kept contending.
   */
  async create(partnerId: string, input: CreateOfferInput, idempotencyKey?: string): Promise<CreateOfferResult> {
    const now = this.now();
    const keyed = idempotencyKey === undefined ? undefined : { key: idempotencyKey, hash: requestHash(input) };
    const context = await this.store.loadCreationContext(partnerId, input.officeId, idempotencyKey);
    if (keyed && context.idempotency && isLive(context.idempotency, now)) {
      return replay(context.idempotency, keyed.hash);
    }

    const partner = checkPartner(context.partner, input);
    const office = checkOffice(context.office, input.officeId);
    checkItems(input.usageLocation, input.items);
    const expiresAt = checkExpiry(input.expiresAt, now);

    const attempt = async (): Promise<CreateOfferResult> => {
      const offer: Offer = {
        summaryId: this.newSummaryId(),
        partnerId,
        ...(input.reference !== undefined ? { reference: input.reference } : {}),
        officeId: office.officeId,
        officeName: office.name,
        usageLocation: input.usageLocation,
        items: input.items.map(({ sku, licenses }) => ({ sku, licenses })),
        delegatedAdmin: input.delegatedAdmin,
        locale: input.locale,
        customization: input.customization ?? {},
        partner: {
          name: partner.name,
          advisorCode: partner.advisorCode,
          contact: partner.contact,
          ...(partner.logoUrl !== undefined ? { logoUrl: partner.logoUrl } : {}),
        },
        createdAt: now.toISOString(),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
        ...(input.maxAcceptances !== undefined ? { maxAcceptances: input.maxAcceptances } : {}),
        views: 0,
        acceptances: 0,
        declines: 0,
        ...(this.deps.catalogVersion !== undefined ? { catalogVersion: this.deps.catalogVersion } : {}),
      };
      const answer = this.deps.answer(offer, now);
      const record: IdempotencyRecord | undefined = keyed
        ? {
            partnerId,
            key: keyed.key,
            operation: CREATE_OPERATION,
            requestHash: keyed.hash,
            statusCode: answer.statusCode,
            responseBody: answer.responseBody,
            ...(answer.location !== undefined ? { location: answer.location } : {}),
            createdAt: offer.createdAt,
            expiresAtEpoch: epochSeconds(now) + IDEMPOTENCY_WINDOW_SECONDS,
          }
        : undefined;

      const outcome = await this.store.create(offer, record);
      if (outcome.ok) return { kind: 'created', offer, answer };
      if (outcome.reason === 'summary-id-taken') throw new SummaryIdTaken();
      // The key may be taken by a request that has committed meanwhile: its answer is ours.
      if (keyed) {
        const existing = await this.store.getIdempotencyRecord(partnerId, keyed.key);
        if (existing && isLive(existing, this.now())) return replay(existing, keyed.hash);
      }
      throw new Contention();
    };
    return retry(attempt, {
      maxAttempts: MAX_WRITE_ATTEMPTS,
      decide: retryWrite(this.deps.random ?? Math.random),
      exhausted: concurrentRequest,
      ...(this.deps.sleep ? { sleep: this.deps.sleep } : {}),
    });
  }
}

function replay(record: IdempotencyRecord, hash: string): CreateOfferResult {
  if (record.operation !== CREATE_OPERATION || record.requestHash !== hash) throw keyReused();
  return {
    kind: 'replayed',
    answer: {
      statusCode: record.statusCode,
      responseBody: record.responseBody,
      ...(record.location !== undefined ? { location: record.location } : {}),
    },
  };
}
