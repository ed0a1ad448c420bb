import { randomUUID } from 'node:crypto';
import { DomainError, NotFoundError } from '../../shared/domain/errors.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { partnerLastSyncedAt } from '../../shared/domain/office.ts';
import { mayCreateOffers } from '../../shared/domain/partner.ts';
import { normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { mapError } from '../../shared/http/problem.ts';
import type { ApiResult } from '../../shared/http/types.ts';
import { toFieldErrors } from '../../shared/http/validation.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { SUBMISSION_ID_PATTERN } from '../../shared/offer-page/submission-token.ts';
import { html } from '../../shared/render/html.ts';
import { buildOfferMessage } from '../../shared/render/offer-message.ts';
import { offerUrl } from '../../shared/render/offer-view.ts';
import { deactivateBody, messageQuery, reviseOfferBody, TEXT_LIMITS } from '../../shared/schemas/offers.ts';
import {
  cannotCreateOffersPage,
  loadOfferFormContext,
  type OfferFormContext,
  postedKey,
  toSendPage,
} from './create-offer.ts';
import { consolePage } from './layout.ts';
import {
  chosenSkus,
  errorsFromDomain,
  errorsFromIssues,
  type FormErrors,
  type FormValues,
  listedLocation,
  NO_ERRORS,
  renderOfferForm,
} from './offer-form.ts';
import { OFFER_FORM_TEXT } from './offer-form-text.ts';
import {
  consoleHref,
  type FieldProblem,
  messageLocales,
  notFoundMain,
  offerDetailMain,
  reviseBodyFromForm,
  reviseFormValues,
} from './offer-views.ts';
import { OFFERS_TEXT } from './offers-text.ts';
import {
  customerResponses,
  offerCreator,
  offerQueries,
  officeStore,
  PUBLIC_BASE_URL,
  partnerStore,
} from './services.ts';
import type { ConsolePage, ConsoleRequest } from './session.ts';

/** Acceptances and declines shown per page of the offer page. */
export const RESPONSES_PER_PAGE = 50;

/**
 * The partner's offer named in the path, or undefined: another partner's offer, an unknown one and
 * a malformed summary ID are all "not found" (the same rule as the API's 404).
 */
async function ownOffer({ event, session }: ConsoleRequest): Promise<Offer | undefined> {
  const summaryId = event.pathParameters?.summaryId ?? '';
  try {
    return await offerQueries.get(session.partnerId, summaryId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

const formContext = (partnerId: string) =>
  loadOfferFormContext({ partners: partnerStore, offices: officeStore }, partnerId);

/** The console's 404 page: never a 403, so a partner learns nothing of others' offers. */
export function offerNotFoundPage({ locale, session }: Pick<ConsoleRequest, 'locale' | 'session'>): ApiResult {
  return consolePage(404, { locale, session, title: OFFERS_TEXT[locale].notFound.title, main: notFoundMain(locale) });
}

/** A page cursor of the acceptances or declines: a submission id, else the first page. */
function responseCursor(value: string | undefined): string | undefined {
  return value !== undefined && SUBMISSION_ID_PATTERN.test(value) ? value : undefined;
}

/** The page of acceptances and declines the request's cursors name, read side by side. */
function readResponses(request: ConsoleRequest, summaryId: string) {
  const query = request.event.queryStringParameters ?? {};
  const acceptancesAfter = responseCursor(query.acceptances);
  const declinesAfter = responseCursor(query.declines);
  return Promise.all([
    customerResponses.listAcceptances(summaryId, {
      limit: RESPONSES_PER_PAGE,
      ...(acceptancesAfter ? { after: acceptancesAfter } : {}),
    }),
    customerResponses.listDeclines(summaryId, {
      limit: RESPONSES_PER_PAGE,
      ...(declinesAfter ? { after: declinesAfter } : {}),
    }),
  ]);
}

async function detailPage(
  request: ConsoleRequest,
  offer: Offer,
  status: number,
  extra: { notice?: 'deactivated'; deactivation?: { message: string; problem: FieldProblem } } = {},
  responses: ReturnType<typeof readResponses> = readResponses(request, offer.summaryId),
): Promise<ApiResult> {
  const { event, session, locale } = request;
  const query = event.queryStringParameters ?? {};
  const acceptancesAfter = responseCursor(query.acceptances);
  const declinesAfter = responseCursor(query.declines);
  const [acceptances, declines] = await responses;
  const url = offerUrl(PUBLIC_BASE_URL, offer.summaryId);
  return consolePage(status, {
    locale,
    session,
    title: OFFERS_TEXT[locale].detail.title(offer.summaryId),
    main: offerDetailMain({
      locale,
      offer,
      url,
      now: new Date(),
      csrfToken: session.csrfToken,
      messages: messageLocales(offer).map((messageLocale) => buildOfferMessage(offer, messageLocale, url)),
      acceptances: {
        items: acceptances.acceptances,
        ...(acceptancesAfter ? { after: acceptancesAfter } : {}),
        ...(acceptances.next ? { nextCursor: acceptances.next } : {}),
      },
      declines: {
        items: declines.declines,
        ...(declinesAfter ? { after: declinesAfter } : {}),
        ...(declines.next ? { nextCursor: declines.next } : {}),
      },
      ...extra,
    }),
  });
}

/** GET /console/offers/{summaryId}: counters, details, lines, link and QR code, responses, message, revise, deactivate. */
export const offerDetail: ConsolePage = async (request) => {
  // The responses are read alongside the offer (one round trip, not two); for an offer that turns
  // out not to be the partner's they are dropped unread by anyone.
  const summaryId = normalizeSummaryId(request.event.pathParameters?.summaryId ?? '');
  const responses = summaryId ? readResponses(request, summaryId) : undefined;
  responses?.catch(() => undefined);
  const offer = await ownOffer(request);
  if (!offer) return offerNotFoundPage(request);
  const notice = request.event.queryStringParameters?.notice === 'deactivated' ? 'deactivated' : undefined;
  return detailPage(request, offer, 200, notice ? { notice } : {}, responses);
};

/**
 * GET /console/offers/{summaryId}/qr.svg: the offer link as a QR code (the encoder is loaded on
 * first use, as in the partner API). Never cached: it is behind the partner's session.
 */
export const offerQrCode: ConsolePage = async (request) => {
  const offer = await ownOffer(request);
  if (!offer) return offerNotFoundPage(request);
  const { qrSvg } = await import('../../shared/render/qr.ts');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    },
    body: qrSvg(offerUrl(PUBLIC_BASE_URL, offer.summaryId)),
  };
};

/**
 * The message's HTML document on its own, as a mail app would show it. It needs its inline styles,
 * which the console's CSP forbids, and the console may not frame it (frame-src 'none'): so it is
 * its own page under a CSP that sandboxes it (no script, no form, an opaque origin) and allows only
 * inline styles and https images.
 */
export const MESSAGE_PREVIEW_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** GET /console/offers/{summaryId}/message.html?locale=: the message's HTML (the offer's language unless `locale` names the other). */
export const offerMessagePreview: ConsolePage = async (request) => {
  const offer = await ownOffer(request);
  if (!offer) return offerNotFoundPage(request);
  const parsed = messageQuery.safeParse({ locale: request.event.queryStringParameters?.locale });
  const locale: Locale = (parsed.success ? parsed.data.locale : undefined) ?? offer.locale;
  const message = buildOfferMessage(offer, locale, offerUrl(PUBLIC_BASE_URL, offer.summaryId));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-language': locale,
      'content-security-policy': MESSAGE_PREVIEW_CSP,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
    body: message.html,
  };
};

/**
 * POST /console/offers/{summaryId}/deactivate: the same service and body rule as the partner API
 * (`message` optional, an empty field meaning none), then 303 back to the offer page with a notice.
 * A message that breaks the rule shows the offer page again with the error next to the field.
 */
export const deactivateOffer: ConsolePage = async (request) => {
  const { session, locale } = request;
  const offer = await ownOffer(request);
  if (!offer) return offerNotFoundPage(request);
  const message = request.form?.message ?? '';
  const parsed = deactivateBody.safeParse(message.trim() === '' ? {} : { message });
  if (!parsed.success) {
    const rule = toFieldErrors('body', parsed.error.issues)[0]?.rule ?? 'invalid';
    return detailPage(request, offer, 400, {
      deactivation: {
        message,
        problem: {
          id: 'message',
          rule,
          message: OFFERS_TEXT[locale].detail.errors.deactivationMessage(TEXT_LIMITS.deactivationMessage),
        },
      },
    });
  }
  await offerQueries.deactivate(session.partnerId, offer.summaryId, parsed.data.message);
  return {
    statusCode: 303,
    headers: {
      location: consoleHref(`/console/offers/${offer.summaryId}`, locale, { notice: 'deactivated' }),
      'cache-control': 'no-store',
    },
    body: '',
  };
};

/**
 * The revise form: the create wizard's form (renderOfferForm) prefilled from the offer, posting to
 * the offer's revise path, with its own idempotency key so a double submit makes one revision.
 */
async function reviseFormPage(
  request: ConsoleRequest,
  offer: Offer,
  statusCode: number,
  options: { values?: FormValues; errors?: FormErrors; key?: string; notice?: string; context?: OfferFormContext } = {},
): Promise<ApiResult> {
  const { locale, session } = request;
  const { partner, offices, freshness } = options.context ?? (await formContext(session.partnerId));
  if (partner && !mayCreateOffers(partner)) return cannotCreateOffersPage(request, partner);
  const t = OFFERS_TEXT[locale].revise;
  const main = renderOfferForm(options.values ?? reviseFormValues(offer), options.errors ?? NO_ERRORS, {
    locale,
    csrfToken: session.csrfToken,
    action: consoleHref(`/console/offers/${offer.summaryId}/revise`, locale),
    idempotencyKey: options.key ?? `console-${randomUUID()}`,
    offices,
    lastSyncedAt: partnerLastSyncedAt(freshness, offices.length > 0),
    certified: partner?.delegatedAdminCertified === true,
    now: new Date(),
    sync: false,
    revising: true,
    title: t.title(offer.summaryId),
    step: t.step(offer.summaryId),
    submitLabel: t.submit,
    ...(options.notice ? { notice: options.notice } : {}),
  });
  return consolePage(statusCode, { locale, session, title: t.title(offer.summaryId), main });
}

/** An offer is revised once: its revision is the one to revise. */
function alreadyRevisedPage(request: ConsoleRequest, offer: Offer & { revisedBy: string }): ApiResult {
  const { locale, session } = request;
  const t = OFFERS_TEXT[locale].revise;
  return consolePage(409, {
    locale,
    session,
    title: t.alreadyRevisedTitle,
    main: html`<h1>${t.alreadyRevisedTitle}</h1><p>${t.alreadyRevised(offer.summaryId)}</p>
<p><a class="button" href="${consoleHref(`/console/offers/${offer.revisedBy}`, locale)}">${t.goToRevision}</a></p>`,
  });
}

/** GET /console/offers/{summaryId}/revise: the form prefilled from the offer. */
export const reviseOfferForm: ConsolePage = async (request) => {
  // The form's context is read alongside the offer (one round trip instead of two); for an unknown
  // offer those reads are wasted, which only a wrong link costs.
  const [offer, context] = await Promise.all([ownOffer(request), formContext(request.session.partnerId)]);
  if (!offer) return offerNotFoundPage(request);
  if (offer.revisedBy !== undefined) return alreadyRevisedPage(request, { ...offer, revisedBy: offer.revisedBy });
  return reviseFormPage(request, offer, 200, { context });
};

/**
 * POST /console/offers/{summaryId}/revise: the form through POST …/revise's own schema and the
 * same OfferCreateService.revise, with the form's idempotency key; each broken rule comes back
 * next to its field. On success, 303 to the new offer's send page. Choosing another usage location
 * (or posting a form listed for another one) only lists its subscriptions, as on create.
 */
export const submitReviseOffer: ConsolePage = async (request) => {
  const { locale, session } = request;
  const offer = await ownOffer(request);
  if (!offer) return offerNotFoundPage(request);
  const values = request.form ?? {};
  const key = postedKey(values);
  const keep = key ? { key } : {};
  const chosen = listedLocation(values) ?? '';
  if (values.action === 'choose' || (chosen !== '' && (values.shownLocation ?? '') !== chosen)) {
    return reviseFormPage(request, offer, 200, {
      values,
      ...keep,
      ...(values.action === 'choose' ? {} : { notice: OFFER_FORM_TEXT[locale].locationChanged }),
    });
  }
  const skus = chosenSkus(values);
  const parsed = reviseOfferBody.safeParse(reviseBodyFromForm(values, offer));
  if (!parsed.success) {
    return reviseFormPage(request, offer, 400, {
      values,
      errors: errorsFromIssues(parsed.error.issues, skus, locale),
      ...keep,
    });
  }
  try {
    return toSendPage(await offerCreator.revise(session.partnerId, offer.summaryId, parsed.data, key), locale);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.type === 'offer-not-found') return offerNotFoundPage(request);
    const errors =
      error.type === 'offer-already-revised'
        ? { fields: {}, form: OFFERS_TEXT[locale].revise.alreadyRevised(offer.summaryId) }
        : errorsFromDomain(error, skus, locale);
    // A key already spent on other changes cannot make this revision: the form gets a new key.
    const next = error.type === 'idempotency-key-reused' ? {} : keep;
    return reviseFormPage(request, offer, mapError(error, '').problem.status, { values, errors, ...next });
  }
};
