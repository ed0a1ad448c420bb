import { randomUUID } from 'node:crypto';
import { errorForLog, isServiceUnavailable } from '../../shared/db/errors.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import type { CreateOfferResult, OfferCreateService } from '../../shared/domain/offer-create.ts';
import { type Office, partnerLastSyncedAt, type SyncFreshness } from '../../shared/domain/office.ts';
import { mayCreateOffers, type Partner } from '../../shared/domain/partner.ts';
import { mapError, SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../shared/http/problem.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { type PartnerSyncOutcome, requestPartnerSync } from '../../shared/lambda/office-sync-request.ts';
import { logger } from '../../shared/observability/logger.ts';
import { summaryIdOfAnswer } from '../../shared/render/created-offer-answer.ts';
import { html } from '../../shared/render/html.ts';
import { createOfferHeaders } from '../../shared/schemas/offers.ts';
import { consolePage } from './layout.ts';
import {
  errorsFromDomain,
  type FormErrors,
  type FormValues,
  initialValues,
  listedLocation,
  localized,
  NO_ERRORS,
  OFFER_FORM_SCRIPT,
  parseOfferForm,
  renderOfferForm,
} from './offer-form.ts';
import { OFFER_FORM_TEXT } from './offer-form-text.ts';
import { offerCreator, officeStore, partnerStore } from './services.ts';
import type { ConsolePage, ConsoleRequest } from './session.ts';

/**
 * Page 1 of the create wizard: GET shows the form, POST either lists the subscriptions of the
 * usage location chosen ("choose") or creates the offer through OfferCreateService, the partner
 * API's own use case, with the form's idempotency key, then 303s to page 2 (send-offer.ts).
 * POST /console/offices/sync asks the office sync function for the partner's on-demand sync and
 * 303s to the create page with the outcome (`?sync=done&written=N&deactivated=M`); a refusal
 * (429, once a minute) or an outage (503) is answered with the form and its notice directly.
 */
export interface CreateOfferDeps {
  readonly creator: Pick<OfferCreateService, 'create'>;
  readonly partners: { get(partnerId: string): Promise<Partner | undefined> };
  readonly offices: {
    listForPartner(partnerId: string): Promise<Office[]>;
    syncFreshness(partnerId: string): Promise<SyncFreshness>;
  };
  /** The partner's on-demand office sync (the once-a-minute rule is the office sync's). */
  readonly requestSync: (partnerId: string) => Promise<PartnerSyncOutcome>;
  readonly now?: () => Date;
  /** A new form's idempotency key. */
  readonly newKey?: () => string;
}

/** What the offer form shows besides its values: who the partner is, its offices and their sync freshness. */
export interface OfferFormContext {
  /** Undefined: no partner profile yet (the form still renders; creating then fails with its problem). */
  readonly partner: Partner | undefined;
  readonly offices: Office[];
  readonly freshness: SyncFreshness;
}

/**
 * The partner, its offices and their sync freshness, read side by side (one round trip); a partner
 * already read (`known`) is not read again. Both the create and the revise forms render from it.
 */
export async function loadOfferFormContext(
  deps: Pick<CreateOfferDeps, 'partners' | 'offices'>,
  partnerId: string,
  known?: Partner,
): Promise<OfferFormContext> {
  const [partner, offices, freshness] = await Promise.all([
    known ? Promise.resolve(known) : deps.partners.get(partnerId),
    deps.offices.listForPartner(partnerId),
    deps.offices.syncFreshness(partnerId),
  ]);
  return { partner, offices, freshness };
}

/**
 * Time the office sync may take when the console asks for it: it answers inside the console
 * function's 10 s timeout (a partner has a handful of offices, one directory page).
 */
export const CONSOLE_SYNC_BUDGET_MS = 7_000;

const COUNT = /^\d{1,6}$/;

/**
 * The outcome of a sync the create page was redirected with (`?sync=done&written=N&deactivated=M`),
 * or undefined when the query carries none (or not as the sync writes it).
 */
export function syncedFlag(
  query: Readonly<Record<string, string | undefined>> | null | undefined,
): { written: number; deactivated: number } | undefined {
  const written = query?.written ?? '';
  const deactivated = query?.deactivated ?? '';
  if (query?.sync !== 'done' || !COUNT.test(written) || !COUNT.test(deactivated)) return undefined;
  return { written: Number(written), deactivated: Number(deactivated) };
}

/** A key the API would take as an Idempotency-Key; anything else is replaced by a new one. */
export function postedKey(values: FormValues): string | undefined {
  const key = values.idempotencyKey;
  return key && createOfferHeaders.safeParse({ 'idempotency-key': key }).success ? key : undefined;
}

/**
 * 303 to page 2 (Send) of the offer a create or revise made, or of the one a replayed form's first
 * answer names (a double submit lands on the same offer). Throws an Error when a replayed answer
 * names no offer (a stored answer that is not a created offer's: a bug, answered as a 500).
 */
export function toSendPage(result: CreateOfferResult, locale: Locale): ApiResult {
  const summaryId = result.kind === 'created' ? result.offer.summaryId : summaryIdOfAnswer(result.answer);
  if (summaryId === undefined) throw new Error('a replayed answer names no offer');
  return {
    statusCode: 303,
    headers: { location: localized(`/console/offers/${summaryId}/send`, locale), 'cache-control': 'no-store' },
    body: '',
  };
}

/**
 * 403: the partner cannot create offers (100 customers or more), shown instead of the create or
 * revise form, with why and a link to the offers it already has.
 */
export function cannotCreateOffersPage(request: ConsoleRequest, partner: Pick<Partner, 'customerCount'>): ApiResult {
  const text = OFFER_FORM_TEXT[request.locale];
  return consolePage(403, {
    locale: request.locale,
    title: text.cannotCreateTitle,
    session: request.session,
    main: html`<h1>${text.cannotCreateTitle}</h1>
<p>${text.cannotCreate(partner.customerCount)}</p>
<p>${text.cannotCreateNext}</p>
<p><a href="${localized('/console/offers', request.locale)}">${text.viewOffers}</a></p>`,
  });
}

/**
 * The create wizard's page 1 and the office sync button, over `deps` (the handler's are the
 * deployed stores and services; tests pass their own): the form (GET), its submit (POST) and
 * POST /console/offices/sync.
 */
export function createOfferPages(deps: CreateOfferDeps): {
  createOfferForm: ConsolePage;
  submitCreateOffer: ConsolePage;
  syncOffices: ConsolePage;
} {
  const now = deps.now ?? (() => new Date());
  const newKey = deps.newKey ?? (() => `console-${randomUUID()}`);

  const formPage = async (
    request: ConsoleRequest,
    statusCode: number,
    options: {
      values?: FormValues;
      errors?: FormErrors;
      notice?: string;
      key?: string;
      partner?: Partner;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResult> => {
    const { partner, offices, freshness } = await loadOfferFormContext(
      deps,
      request.session.partnerId,
      options.partner,
    );
    if (partner && !mayCreateOffers(partner)) return cannotCreateOffersPage(request, partner);
    const text = OFFER_FORM_TEXT[request.locale];
    const values = options.values ?? initialValues(offices, request.locale);
    const main = renderOfferForm(values, options.errors ?? NO_ERRORS, {
      locale: request.locale,
      csrfToken: request.session.csrfToken,
      action: '/console/offers/new',
      idempotencyKey: options.key ?? newKey(),
      offices,
      lastSyncedAt: partnerLastSyncedAt(freshness, offices.length > 0),
      certified: partner?.delegatedAdminCertified === true,
      now: now(),
      ...(options.notice ? { notice: options.notice } : {}),
    });
    return consolePage(
      statusCode,
      {
        locale: request.locale,
        title: text.title,
        session: request.session,
        main: html`${main}`,
        scripts: [OFFER_FORM_SCRIPT],
      },
      options.headers,
    );
  };

  const createOfferForm: ConsolePage = (request) => {
    const synced = syncedFlag(request.event.queryStringParameters);
    const text = OFFER_FORM_TEXT[request.locale];
    return formPage(request, 200, synced ? { notice: text.syncDone(synced.written, synced.deactivated) } : {});
  };

  const submitCreateOffer: ConsolePage = async (request) => {
    const values = request.form ?? {};
    const { locale } = request;
    const text = OFFER_FORM_TEXT[locale];
    const key = postedKey(values);
    const keep = key ? { key } : {};
    // The subscriptions on the page were listed for another usage location than the one now
    // chosen (or the partner asked to list them): show those of the chosen one, create nothing.
    const shownFor = values.shownLocation ?? '';
    const chosen = listedLocation(values) ?? '';
    if (values.action === 'choose' || (chosen !== '' && shownFor !== chosen)) {
      return formPage(request, 200, {
        values,
        ...keep,
        ...(values.action === 'choose' ? {} : { notice: text.locationChanged }),
      });
    }
    const parsed = parseOfferForm(values, locale);
    if (!parsed.ok) return formPage(request, 400, { values, errors: parsed.errors, ...keep });
    try {
      return toSendPage(await deps.creator.create(request.session.partnerId, parsed.body, key), locale);
    } catch (error) {
      if (error instanceof DomainError) {
        if (error.type === 'too-many-customers') return formPage(request, 403, { values });
        const errors = errorsFromDomain(error, parsed.skus, locale);
        // A key already spent on another offer cannot create this one: the form gets a new key.
        const next = error.type === 'idempotency-key-reused' ? {} : keep;
        return formPage(request, mapError(error, '').problem.status, { values, errors, ...next });
      }
      if (isServiceUnavailable(error)) {
        logger.warn('console create: the table did not answer', { error: errorForLog(error) });
        return formPage(request, 503, {
          values,
          errors: { fields: {}, form: text.unavailable },
          ...keep,
          headers: { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
        }).catch(() => {
          throw error;
        });
      }
      throw error;
    }
  };

  const syncOffices: ConsolePage = async (request) => {
    const text = OFFER_FORM_TEXT[request.locale];
    let outcome: PartnerSyncOutcome | undefined;
    try {
      outcome = await deps.requestSync(request.session.partnerId);
    } catch (error) {
      // The invoke failed or the sync hit a table outage: nothing to show but "try later".
      logger.warn('office sync request failed', { error: errorForLog(error) });
      outcome = undefined;
    }
    if (outcome?.outcome === 'synced') {
      // Post/redirect/get: a reload shows the form again instead of asking for another sync.
      const flag = `sync=done&written=${outcome.written}&deactivated=${outcome.deactivated}`;
      return {
        statusCode: 303,
        headers: { location: localized(`/console/offers/new?${flag}`, request.locale), 'cache-control': 'no-store' },
        body: '',
      };
    }
    if (outcome?.outcome === 'rate-limited') {
      return formPage(request, 429, {
        notice: text.syncTooSoon(outcome.retryAfterSeconds),
        headers: { 'retry-after': String(outcome.retryAfterSeconds) },
      });
    }
    const retryAfter = outcome?.retryAfterSeconds ?? 60;
    return formPage(request, 503, {
      notice: text.syncUnavailable,
      headers: { 'retry-after': String(retryAfter) },
    });
  };

  return { createOfferForm, submitCreateOffer, syncOffices };
}

export const { createOfferForm, submitCreateOffer, syncOffices } = createOfferPages({
  creator: offerCreator,
  partners: partnerStore,
  offices: officeStore,
  requestSync: (partnerId) => requestPartnerSync(partnerId, CONSOLE_SYNC_BUDGET_MS),
});
