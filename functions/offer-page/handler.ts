import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '../../shared/config/env.ts';
import { buildCheckoutUrl, parseCheckoutTemplate } from '../../shared/customer/checkout.ts';
import { PAGE_TEXT } from '../../shared/customer/page-text.ts';
import { declinedPage, messagePage, offerPage, pageResponse, statusPage } from '../../shared/customer/pages.ts';
import { isAutomatedVisitor, newSubmissionId } from '../../shared/customer/visitors.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { isTransientFailure, liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { type Acceptance, OfferBusyError } from '../../shared/domain/acceptance.ts';
import { type Offer, offerStatus } from '../../shared/domain/offer.ts';
import { normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { accessLog, securityHeaders } from '../../shared/http/middleware.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { isLocale, type Locale, negotiateLocale } from '../../shared/i18n/locale.ts';
import { logger } from '../../shared/observability/logger.ts';
import { parseAcceptForm, parseDeclineForm, readFormBody, type UnreadableForm } from './form.ts';

// Read once per execution environment: a bad template fails the cold start, not a customer.
// Acceptance and decline events are published from the table's stream, not from here. The table is
// reached through DynamoDbLite, not the AWS SDK: this function's cold start is what customers wait
// for, and the SDK was most of its bundle and init (test/bench/RESULTS.md).
const store = new DynamoCustomerResponseStore(liteTableFromEnv());
const checkout = parseCheckoutTemplate(requiredEnv('CHECKOUT_URL_TEMPLATE'));

function page(statusCode: number, body: string, headers: Record<string, string> = {}): ApiResult {
  return pageResponse(statusCode, body, { checkoutOrigin: checkout.origin, headers });
}

/**
 * The offer's language, unless the visitor asks for another: `?lang=`/the form's `lang` first, then
 * an Accept-Language that does not include the offer's language but does include one we have.
 */
function pageLocale(event: ApiEvent, offerLocale: Locale | undefined, chosen?: string): Locale {
  if (chosen && isLocale(chosen)) return chosen;
  const accepted = event.headers?.['accept-language'];
  if (offerLocale === undefined) return negotiateLocale(accepted);
  const preferred = negotiateLocale(accepted, offerLocale);
  const mentionsOffer = accepted?.toLowerCase().includes(offerLocale.slice(0, 2).toLowerCase()) ?? false;
  return mentionsOffer ? offerLocale : preferred;
}

function notFound(event: ApiEvent): ApiResult {
  return page(404, messagePage(pageLocale(event, undefined), 'notFound'));
}

function inactive(offer: Offer, locale: Locale, now: Date): ApiResult | undefined {
  const status = offerStatus(offer, now);
  return status === 'active' ? undefined : page(410, statusPage(offer, status, locale));
}

function redirectToCheckout(offer: Offer, acceptance: Acceptance): ApiResult {
  const location = buildCheckoutUrl(checkout, {
    advisorCode: offer.partner.advisorCode,
    summaryId: offer.summaryId,
    items: acceptance.items,
    delegatedAdmin: acceptance.delegatedAdmin,
  });
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** `countable` is false for HEAD: link checkers and mail scanners send it, people never do. */
async function viewOffer(event: ApiEvent, countable = true): Promise<ApiResult> {
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  // Unknown and malformed codes take the same path as known ones: one request, then a page.
  const offer = await store.viewOffer(
    summaryId ?? '0000-0000-0000-0000-0000',
    countable && !isAutomatedVisitor(event.headers ?? {}),
  );
  if (!offer || !summaryId) return notFound(event);
  const locale = pageLocale(event, offer.locale, event.queryStringParameters?.lang);
  const now = new Date();
  return inactive(offer, locale, now) ?? page(200, offerPage({ offer, locale, submissionId: newSubmissionId(now) }));
}

/** The same status and headers as GET, no body, and never a counted view. */
async function headOffer(event: ApiEvent): Promise<ApiResult> {
  return { ...(await viewOffer(event, false)), body: '' };
}

/**
 * Other customers' answers kept winning the write: nothing was recorded. The same form comes back,
 * filled in and with the same submission id (a resubmission records once), with a 503 and
 * Retry-After: the customer only has to submit again.
 */
async function unlessBusy<T>(
  record: () => Promise<T>,
  retry: { offer: Offer; locale: Locale; fields: Record<string, string>; submissionId: string; declining: boolean },
): Promise<T | ApiResult> {
  try {
    return await record();
  } catch (error) {
    if (!(error instanceof OfferBusyError)) throw error;
    // No summary id in logs: it is the customer's link credential.
    logger.warn('offer busy', { attempts: error.attempts });
    const { fields, ...input } = retry;
    return page(
      503,
      offerPage({ ...input, form: { values: fields, errors: {} }, formError: PAGE_TEXT[retry.locale].errors.busy }),
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
}

const UNREADABLE_STATUS: Record<UnreadableForm, number> = {
  mediaType: 415,
  encoding: 400,
  tooLarge: 413,
  duplicate: 422,
};

type FormContext =
  | { readonly done: ApiResult }
  | { readonly done?: undefined; offer: Offer; fields: Record<string, string>; locale: Locale; now: Date };

/**
 * The offer behind a posted form, the form's fields and the page language; or the page to answer
 * with when there is no such offer, it no longer takes answers, or the body is not our form.
 */
async function formContext(event: ApiEvent, declining: boolean): Promise<FormContext> {
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  const read = readFormBody(event.body, event.isBase64Encoded, event.headers?.['content-type']);
  const offer = summaryId ? await store.viewOffer(summaryId, false) : undefined;
  if (!offer) return { done: notFound(event) };
  const locale = pageLocale(event, offer.locale, read.fields.lang);
  const now = new Date();
  const gone = inactive(offer, locale, now);
  if (gone) return { done: gone };
  if (!read.ok) {
    const formError = PAGE_TEXT[locale].errors[read.problem];
    const form = { values: read.fields, errors: {} };
    const submissionId = newSubmissionId(now);
    return {
      done: page(
        UNREADABLE_STATUS[read.problem],
        offerPage({ offer, locale, submissionId, form, formError, declining }),
      ),
    };
  }
  return { offer, fields: read.fields, locale, now };
}

async function accept(event: ApiEvent): Promise<ApiResult> {
  const context = await formContext(event, false);
  if (context.done) return context.done;
  const { offer, fields, locale, now } = context;
  const form = parseAcceptForm(fields, offer, PAGE_TEXT[locale]);
  if (!form.ok) {
    const submissionId = fields.submission && !form.formError ? fields.submission : newSubmissionId(now);
    return page(
      422,
      offerPage({ offer, locale, submissionId, form, ...(form.formError ? { formError: form.formError } : {}) }),
    );
  }
  const acceptance: Acceptance = { summaryId: offer.summaryId, acceptedAt: now.toISOString(), ...form.value };
  const outcome = await unlessBusy(() => store.accept(acceptance, offer.partnerId, now), {
    offer,
    locale,
    fields,
    submissionId: acceptance.submissionId,
    declining: false,
  });
  if (!('kind' in outcome)) return outcome; // the busy page
  switch (outcome.kind) {
    case 'not-found':
      return notFound(event);
    case 'not-active':
      return inactive(outcome.offer, locale, now) ?? page(409, statusPage(outcome.offer, 'exhausted', locale));
    case 'replayed':
      return redirectToCheckout(offer, outcome.record);
    case 'recorded':
      return redirectToCheckout(offer, acceptance);
  }
}

async function decline(event: ApiEvent): Promise<ApiResult> {
  const context = await formContext(event, true);
  if (context.done) return context.done;
  const { offer, fields, locale, now } = context;
  const form = parseDeclineForm(fields, offer, PAGE_TEXT[locale]);
  if (!form.ok) {
    return page(
      422,
      offerPage({
        offer,
        locale,
        submissionId: newSubmissionId(now),
        form,
        declining: true,
        ...(form.formError ? { formError: form.formError } : {}),
      }),
    );
  }
  const record = { summaryId: offer.summaryId, declinedAt: now.toISOString(), ...form.value };
  const outcome = await unlessBusy(() => store.decline(record, offer.partnerId, now), {
    offer,
    locale,
    fields,
    submissionId: record.submissionId,
    declining: true,
  });
  if (!('kind' in outcome)) return outcome; // the busy page
  switch (outcome.kind) {
    case 'not-found':
      return notFound(event);
    case 'not-active':
      return inactive(outcome.offer, locale, now) ?? page(409, statusPage(outcome.offer, 'exhausted', locale));
    case 'replayed':
    case 'recorded':
      return page(200, declinedPage(offer, locale));
  }
}

const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Pages fail as pages, never as a JSON problem: DynamoDB slow or unavailable (its retries spent) is
 * a 503 "try again" page; anything else a generic 500 page that leaks nothing.
 */
function htmlErrors(): MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  return {
    onError: (request) => {
      const locale = pageLocale(request.event, undefined);
      if (isTransientFailure(request.error)) {
        logger.warn('table unavailable', { errorName: (request.error as Error).name });
        request.response = page(503, messagePage(locale, 'busy'), {
          'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
        });
        return;
      }
      logger.error('unhandled error', request.error as Error);
      request.response = page(500, messagePage(locale, 'error'));
    },
  };
}

const ROUTES: Record<string, (event: ApiEvent) => Promise<ApiResult>> = {
  'GET /o/{code}': viewOffer,
  'HEAD /o/{code}': headOffer,
  'POST /o/{code}/accept': accept,
  'POST /o/{code}/decline': decline,
};

export const handler = middy<ApiEvent, ApiResult, Error, Context>()
  .use(accessLog())
  .use(securityHeaders())
  .use(htmlErrors())
  .handler(async (event) => {
    const route = ROUTES[event.routeKey];
    if (!route) throw new Error(`No handler for route ${event.routeKey}`);
    return route(event);
  });
