import { findSubscription } from '../catalog/catalog.ts';
import { PRICE_LIST_VERSION, unitPrice } from '../catalog/price-lists.ts';
import { checkQuantityRules, QUANTITY_RULES, type QuantityViolation } from '../catalog/quantity-rules.ts';
import {
  BILLING_FREQUENCIES,
  type BillingFrequency,
  COMMITMENT_TERMS,
  type CommitmentTerm,
  DEFAULT_TERM,
  isBillingFrequency,
  isCommitmentTerm,
  TERM_BILLING_FREQUENCIES,
  termsFor,
} from '../catalog/terms.ts';
import type { Locale } from '../i18n/locale.ts';
import { retry } from '../retry.ts';
import {
  ConflictError,
  type DomainLocation,
  ForbiddenError,
  type RuleViolation,
  UnprocessableError,
} from './errors.ts';
import {
  epochSeconds,
  IDEMPOTENCY_WINDOW_SECONDS,
  type IdempotencyRecord,
  isLive,
  requestHash,
} from './idempotency.ts';
import {
  type LinePrice,
  type LineTermOption,
  lineTerm,
  MAX_OFFER_LIFETIME_DAYS,
  type Offer,
  type OfferCreationContext,
  type OfferCustomization,
  type OfferLine,
  type OfferStore,
  type OfferWriteOutcome,
} from './offer.ts';
import { offerNotFound } from './offer-queries.ts';
import type { Office } from './office.ts';
import { MAX_CUSTOMERS_FOR_OFFERS, mayCreateOffers, type Partner } from './partner.ts';
import { generateSummaryId, normalizeSummaryId } from './summary-id.ts';

export const MIN_ITEMS = 1;
export const MAX_ITEMS = 20;

/** Another term a line lets the customer choose, as sent; a billing frequency left out is the term's up-front one. */
export interface TermChoiceInput {
  readonly term: string;
  readonly billingFrequency?: string;
}

/**
 * A subscription line as sent. `term` left out is P1Y (DEFAULT_TERM); `billingFrequency` left out
 * is the term's up-front billing (P1M monthly, P1Y annual, P3Y triennial). Both are checked against
 * the catalog here, not by the schema, so an unknown value is a 422 naming the rule.
 */
export interface OfferLineInput {
  readonly sku: string;
  readonly licenses: number;
  readonly term?: string;
  readonly billingFrequency?: string;
  readonly termChoices?: readonly TermChoiceInput[];
}

/** A validated create request (shape checked by shared/schemas/offers.ts; business rules here). */
export interface CreateOfferInput {
  readonly officeId: string;
  readonly usageLocation: string;
  readonly items: readonly OfferLineInput[];
  readonly delegatedAdmin: boolean;
  readonly locale: Locale;
  readonly customization?: OfferCustomization;
  readonly expiresAt?: string;
  readonly maxAcceptances?: number;
  readonly reference?: string;
  /** Absent: false. */
  readonly requireCustomerAgreement?: boolean;
}

/**
 * The changes a revision sends: any create field; each one sent replaces the revised offer's value
 * whole (`items` the whole list), each one left out keeps it.
 */
export type ReviseOfferInput = Partial<CreateOfferInput>;

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
  readonly store: Pick<OfferStore, 'loadCreationContext' | 'create' | 'getIdempotencyRecord' | 'getOffer' | 'revise'>;
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
const REVISE_OPERATION = 'revise-offer';
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

type ItemProblem = RuleViolation & {
  readonly type: 'sku-not-sold' | 'duplicate-sku' | 'licenses-out-of-range' | 'term-not-sold';
};

const ITEM_PROBLEM_TITLES: Record<ItemProblem['type'], string> = {
  'sku-not-sold': 'Subscription not sold in the usage location',
  'duplicate-sku': 'Subscription listed twice',
  'licenses-out-of-range': 'License count out of range',
  'term-not-sold': 'Term or billing not sold for the subscription',
};

/** A term and the billing frequency within it. */
export interface TermOption {
  readonly term: CommitmentTerm;
  readonly billingFrequency: BillingFrequency;
}

/** A line that passed the item rules: its term and billing resolved, its other choices deduplicated. */
export interface CheckedLine extends TermOption {
  readonly sku: string;
  readonly licenses: number;
  /** The other terms the customer may choose, in the order sent, without the line's own or repeats. */
  readonly termChoices: readonly TermOption[];
}

const sameOption = (a: TermOption, b: TermOption) => a.term === b.term && a.billingFrequency === b.billingFrequency;

/**
 * A term and billing as sent, checked against the catalog for `sku`: a known term (`unknown_term`),
 * sold for the SKU (`term_not_sold_for_sku`), a known billing frequency (`unknown_billing_frequency`)
 * allowed on that term (`billing_not_allowed_on_term`). Defaults: P1Y, the term's up-front billing.
 */
function resolveTerm(
  sku: string,
  name: string,
  sent: { term?: string; billingFrequency?: string },
  at: (field: 'term' | 'billingFrequency') => DomainLocation,
): TermOption | ItemProblem[] {
  const term = sent.term ?? DEFAULT_TERM;
  const problem = (field: 'term' | 'billingFrequency', rule: string, message: string): ItemProblem[] => [
    { type: 'term-not-sold', at: at(field), rule, message },
  ];
  if (!isCommitmentTerm(term)) {
    return problem('term', 'unknown_term', `must be one of ${COMMITMENT_TERMS.join(', ')} (ISO 8601 durations)`);
  }
  if (sent.billingFrequency !== undefined && !isBillingFrequency(sent.billingFrequency)) {
    return problem('billingFrequency', 'unknown_billing_frequency', `must be one of ${BILLING_FREQUENCIES.join(', ')}`);
  }
  const sold = termsFor(sku);
  if (!sold.includes(term)) {
    return problem('term', 'term_not_sold_for_sku', `${name} is sold on ${sold.join(', ')} only, not on ${term}`);
  }
  const allowed = TERM_BILLING_FREQUENCIES[term];
  const billingFrequency = (sent.billingFrequency ?? allowed[0]) as BillingFrequency;
  if (!allowed.includes(billingFrequency)) {
    return problem(
      'billingFrequency',
      'billing_not_allowed_on_term',
      `must be one of ${allowed.join(', ')} on a ${term} term`,
    );
  }
  return { term, billingFrequency };
}

/** The line's term and its other choices, or the problems with them. */
function checkTerms(subscription: number, item: OfferLineInput, name: string): CheckedLine | ItemProblem[] {
  const own = resolveTerm(item.sku, name, item, (field) => ({ subscription, field }));
  if (Array.isArray(own)) return own;
  const problems: ItemProblem[] = [];
  const others: TermOption[] = [];
  (item.termChoices ?? []).forEach((choice, termChoice) => {
    const option = resolveTerm(item.sku, name, choice, (field) => ({ subscription, termChoice, field }));
    if (Array.isArray(option)) problems.push(...option);
    else if (!sameOption(option, own) && !others.some((other) => sameOption(other, option))) others.push(option);
  });
  if (problems.length > 0) return problems;
  return { sku: item.sku, licenses: item.licenses, ...own, termChoices: others };
}

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
 * SKU's limits, its term and billing (and each term choice) sold for the SKU; then the vendor's
 * quantity rules across lines (checkQuantities). One bad subscription leaves the detail to its
 * violation (the HTTP layer names the field); several get a detail that points to the list.
 * Returns the lines with their terms resolved.
 */
export function checkItems(usageLocation: string, items: readonly OfferLineInput[]): CheckedLine[] {
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
  const checked: CheckedLine[] = [];
  const seen = new Set<string>();
  items.forEach((item, subscription) => {
    if (seen.has(item.sku)) {
      problems.push({
        type: 'duplicate-sku',
        at: { subscription, field: 'sku' },
        rule: 'duplicate_sku',
        message: `lists ${item.sku} a second time; list each subscription once with its total licenses`,
      });
      return;
    }
    seen.add(item.sku);
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
    const line = checkTerms(subscription, item, sold.name);
    if (Array.isArray(line)) problems.push(...line);
    else checked.push(line);
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
  checkQuantities(checked);
  return checked;
}

/** The vendor rule's id as a rule name: `business-family-seat-cap` → `business_family_seat_cap`. */
const ruleName = (violation: QuantityViolation) => violation.ruleId.replaceAll('-', '_');

/**
 * The vendor's quantity rules across lines (shared/catalog/quantity-rules.ts): 422
 * `quantity-limit-exceeded` naming every line that counts towards a broken rule (its license
 * count), the limit and the total; the `quantityLimits` extension carries them as data. Messages
 * name the other lines by SKU (unique here: repeated SKUs are rejected before this check); the
 * HTTP layer adds the field paths.
 */
export function checkQuantities(lines: readonly { sku: string; licenses: number }[]): void {
  const violations = checkQuantityRules(lines);
  if (violations.length === 0) return;
  const detail = violations
    .map((violation) => {
      const rule = QUANTITY_RULES.find((candidate) => candidate.id === violation.ruleId);
      const where = violation.lines.map((line) => line.sku).join(', ');
      return `${rule?.description ?? violation.ruleId} Subscriptions ${where} hold ${violation.total} together; lower their licenses to ${violation.limit} in all.`;
    })
    .join(' ');
  throw new UnprocessableError(
    'quantity-limit-exceeded',
    'Too many licenses across subscriptions',
    detail,
    violations.flatMap((violation) =>
      violation.lines.map((line) => ({
        at: { subscription: line.index, field: 'licenseCount' as const },
        rule: ruleName(violation),
        message: `counts towards at most ${violation.limit} licenses in total with ${violation.lines
          .filter((other) => other.index !== line.index)
          .map((other) => other.sku)
          .join(', ')} (${violation.total} now)`,
      })),
    ),
    {
      quantityLimits: violations.map((violation) => ({
        rule: ruleName(violation),
        limit: violation.limit,
        total: violation.total,
        items: violation.lines.map((line) => line.index),
      })),
    },
  );
}

function linePrice(usageLocation: string, sku: string, option: TermOption): LinePrice | undefined {
  const price = unitPrice({ market: usageLocation, sku, ...option });
  if (price.status !== 'priced') return undefined;
  return {
    currency: price.currency,
    monthlyUnitMinor: price.monthlyUnitMinor,
    perBillingPeriodMinor: price.perBillingPeriodMinor,
    billingPeriodMonths: price.billingPeriodMonths,
  };
}

function priced(usageLocation: string, sku: string, option: TermOption): LineTermOption {
  const price = linePrice(usageLocation, sku, option);
  return { term: option.term, billingFrequency: option.billingFrequency, ...(price ? { unitPrice: price } : {}) };
}

/**
 * A checked line as the offer stores it: its term, billing and unit price snapshot from the usage
 * location's price list (absent when none is sourced), and, when the customer may choose, every
 * option priced, the line's own first.
 */
export function offerLine(usageLocation: string, line: CheckedLine): OfferLine {
  const own = priced(usageLocation, line.sku, line);
  return {
    sku: line.sku,
    licenses: line.licenses,
    ...own,
    ...(line.termChoices.length > 0
      ? { choices: [own, ...line.termChoices.map((option) => priced(usageLocation, line.sku, option))] }
      : {}),
  };
}

/** A stored line as a revision's input: its term and its other choices, as if sent again. */
function lineAsInput(line: OfferLine): OfferLineInput {
  const own = lineTerm(line);
  const others = (line.choices ?? []).filter((choice) => !sameOption(choice, own));
  return {
    sku: line.sku,
    licenses: line.licenses,
    ...own,
    ...(others.length > 0
      ? { termChoices: others.map(({ term, billingFrequency }) => ({ term, billingFrequency })) }
      : {}),
  };
}

/** The revised offer's values with the revision's changes over them (a field sent replaces it whole). */
export function mergeRevision(old: Offer, changes: ReviseOfferInput): CreateOfferInput {
  const expiresAt = changes.expiresAt ?? old.expiresAt;
  const maxAcceptances = changes.maxAcceptances ?? old.maxAcceptances;
  const reference = changes.reference ?? old.reference;
  return {
    officeId: changes.officeId ?? old.officeId,
    usageLocation: changes.usageLocation ?? old.usageLocation,
    items: changes.items ?? old.items.map(lineAsInput),
    delegatedAdmin: changes.delegatedAdmin ?? old.delegatedAdmin,
    locale: changes.locale ?? old.locale,
    customization: changes.customization ?? old.customization,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(maxAcceptances !== undefined ? { maxAcceptances } : {}),
    ...(reference !== undefined ? { reference } : {}),
    requireCustomerAgreement: changes.requireCustomerAgreement ?? old.requireCustomerAgreement ?? false,
  };
}

/** 409 `offer-already-revised`: an offer is revised once; the newer revision is the one to revise. */
export function alreadyRevised(summaryId: string, revisedBy: string | undefined): ConflictError {
  return new ConflictError(
    'offer-already-revised',
    'Offer already revised',
    revisedBy !== undefined
      ? `Offer ${summaryId} was already revised by ${revisedBy}; revise ${revisedBy} instead (GET /v1/offers/${revisedBy}).`
      : `Offer ${summaryId} was already revised; revise its newest revision instead.`,
    [],
    revisedBy !== undefined ? { revisedBy } : {},
  );
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

/** How a new offer is written: a plain create, or a revision that also retires the offer it replaces. */
type OfferWrite = (offer: Offer, record: IdempotencyRecord | undefined) => Promise<OfferWriteOutcome>;

/** The partner-facing create and revise use cases: business rules, the idempotency key, the atomic write. */
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
   * @throws ForbiddenError, UnprocessableError for a partner, office, item, term, quantity or
   *   expiry rule the request breaks, or an idempotency key used for another body;
   *   DuplicateReferenceError (from the store); ConflictError `concurrent-request` when concurrent
   *   writes kept contending.
   */
  async create(partnerId: string, input: CreateOfferInput, idempotencyKey?: string): Promise<CreateOfferResult> {
    const now = this.now();
    const keyed =
      idempotencyKey === undefined
        ? undefined
        : { key: idempotencyKey, hash: requestHash(input), operation: CREATE_OPERATION };
    const context = await this.store.loadCreationContext(partnerId, input.officeId, idempotencyKey);
    if (keyed && context.idempotency && isLive(context.idempotency, now)) {
      return replay(context.idempotency, keyed);
    }
    const build = this.prepare(partnerId, input, context, now);
    return this.write(partnerId, keyed, now, build, (offer, record) => this.store.create(offer, record));
  }

  /**
   * A new offer from the partner's offer `summaryIdInput` with `changes` over its values, under the
   * same rules and Idempotency-Key semantics as create; written in one transaction with the old
   * offer's retirement (deactivated, `revisedBy` the new one), so a failed revise leaves nothing.
   *
   * @throws NotFoundError `offer-not-found` (unknown, malformed or another partner's);
   *   ConflictError `offer-already-revised` naming the newer revision; whatever create throws.
   */
  async revise(
    partnerId: string,
    summaryIdInput: string,
    changes: ReviseOfferInput,
    idempotencyKey?: string,
  ): Promise<CreateOfferResult> {
    const summaryId = normalizeSummaryId(summaryIdInput);
    const old = summaryId ? await this.store.getOffer(summaryId) : undefined;
    if (!old || old.partnerId !== partnerId) throw offerNotFound(summaryIdInput);

    const now = this.now();
    const input = mergeRevision(old, changes);
    const keyed =
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            // The revised offer is part of the request: the same changes to another offer are another request.
            hash: requestHash({ revise: old.summaryId, changes }),
            operation: REVISE_OPERATION,
          };
    const context = await this.store.loadCreationContext(partnerId, input.officeId, idempotencyKey);
    if (keyed && context.idempotency && isLive(context.idempotency, now)) {
      return replay(context.idempotency, keyed);
    }
    if (old.revisedBy !== undefined) throw alreadyRevised(old.summaryId, old.revisedBy);
    const build = this.prepare(partnerId, input, context, now);
    return this.write(
      partnerId,
      keyed,
      now,
      (summaryId) => ({ ...build(summaryId), revisionOf: old.summaryId }),
      async (offer, record) => {
        const outcome = await this.store.revise(old, offer, record);
        if (!outcome.ok && outcome.reason === 'already-revised') throw alreadyRevised(old.summaryId, outcome.revisedBy);
        if (!outcome.ok && outcome.reason === 'not-found') throw offerNotFound(summaryIdInput);
        return outcome as OfferWriteOutcome;
      },
    );
  }

  /** Checks the request's rules and returns how to build the new offer under a summary ID. */
  private prepare(
    partnerId: string,
    input: CreateOfferInput,
    context: OfferCreationContext,
    now: Date,
  ): (summaryId: string) => Offer {
    const partner = checkPartner(context.partner, input);
    const office = checkOffice(context.office, input.officeId);
    const lines = checkItems(input.usageLocation, input.items);
    const expiresAt = checkExpiry(input.expiresAt, now);
    const items = lines.map((line) => offerLine(input.usageLocation, line));
    return (summaryId) => ({
      summaryId,
      partnerId,
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
      officeId: office.officeId,
      officeName: office.name,
      usageLocation: input.usageLocation,
      items,
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
      priceListVersion: PRICE_LIST_VERSION,
      requireCustomerAgreement: input.requireCustomerAgreement ?? false,
    });
  }

  /** Writes the offer with its idempotency record, retrying a taken summary ID and contention. */
  private write(
    partnerId: string,
    keyed: Keyed | undefined,
    now: Date,
    build: (summaryId: string) => Offer,
    store: OfferWrite,
  ): Promise<CreateOfferResult> {
    const attempt = async (): Promise<CreateOfferResult> => {
      const offer = build(this.newSummaryId());
      const answer = this.deps.answer(offer, now);
      const record: IdempotencyRecord | undefined = keyed
        ? {
            partnerId,
            key: keyed.key,
            operation: keyed.operation,
            requestHash: keyed.hash,
            statusCode: answer.statusCode,
            responseBody: answer.responseBody,
            ...(answer.location !== undefined ? { location: answer.location } : {}),
            createdAt: offer.createdAt,
            expiresAtEpoch: epochSeconds(now) + IDEMPOTENCY_WINDOW_SECONDS,
          }
        : undefined;

      const outcome = await store(offer, record);
      if (outcome.ok) return { kind: 'created', offer, answer };
      if (outcome.reason === 'summary-id-taken') throw new SummaryIdTaken();
      // The key may be taken by a request that has committed meanwhile: its answer is ours.
      if (keyed) {
        const existing = await this.store.getIdempotencyRecord(partnerId, keyed.key);
        if (existing && isLive(existing, this.now())) return replay(existing, keyed);
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

/** An Idempotency-Key with the hash of its request and the operation it is used for. */
interface Keyed {
  readonly key: string;
  readonly hash: string;
  readonly operation: string;
}

function replay(record: IdempotencyRecord, keyed: Pick<Keyed, 'hash' | 'operation'>): CreateOfferResult {
  if (record.operation !== keyed.operation || record.requestHash !== keyed.hash) throw keyReused();
  return {
    kind: 'replayed',
    answer: {
      statusCode: record.statusCode,
      responseBody: record.responseBody,
      ...(record.location !== undefined ? { location: record.location } : {}),
    },
  };
}
