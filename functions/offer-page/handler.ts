import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '../../shared/config/env.ts';
import { buildCheckoutUrl, parseCheckoutTemplate } from '../../shared/customer/checkout.ts';
import { publisherFromEnv } from '../../shared/customer/events.ts';
import { PAGE_TEXT } from '../../shared/customer/page-text.ts';
import { declinedPage, messagePage, offerPage, pageCsp, statusPage } from '../../shared/customer/pages.ts';
import { isAutomatedVisitor, newSubmissionId } from '../../shared/customer/visitors.ts';
import { tableFromEnv } from '../../shared/db/client.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import { type Offer, offerStatus } from '../../shared/domain/offer.ts';
import { normalizeSummaryId } from '../../shared/domain/summary-id.ts';
import { accessLog, securityHeaders } from '../../shared/http/middleware.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { isLocale, type Locale, negotiateLocale } from '../../shared/i18n/locale.ts';
import { logger } from '../../shared/observability/logger.ts';
import { parseAcceptForm, parseDeclineForm } from './form.ts';

// Read once per execution environment: a bad template fails the cold start, not a customer.
const store = new DynamoCustomerResponseStore(tableFromEnv());
const checkout = parseCheckoutTemplate(requiredEnv('CHECKOUT_URL_TEMPLATE'));
const events = publisherFromEnv();
const CSP = pageCsp(checkout.origin);
const MAX_FORM_BYTES = 16 * 1024;

function page(statusCode: number, body: string): ApiResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
      // Personalised and stateful: never stored by browsers or shared caches.
      'cache-control': 'no-store, private',
      vary: 'Accept-Language',
    },
    body,
  };
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

function readForm(event: ApiEvent): Record<string, string> | undefined {
  if (!event.body) return {};
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_FORM_BYTES) return undefined;
  return Object.fromEntries(new URLSearchParams(raw));
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

async function viewOffer(event: ApiEvent): Promise<ApiResult> {
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  // Unknown and malformed codes take the same path as known ones: one request, then a page.
  const offer = await store.viewOffer(
    summaryId ?? '0000-0000-0000-0000-0000',
    !isAutomatedVisitor(event.headers ?? {}),
  );
  if (!offer || !summaryId) return notFound(event);
  const locale = pageLocale(event, offer.locale, event.queryStringParameters?.lang);
  const now = new Date();
  return inactive(offer, locale, now) ?? page(200, offerPage({ offer, locale, submissionId: newSubmissionId(now) }));
}

/** The offer behind a posted form, plus the parsed form fields and the page language. */
async function formContext(event: ApiEvent) {
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  const fields = readForm(event);
  const offer = summaryId ? await store.viewOffer(summaryId, false) : undefined;
  const locale = pageLocale(event, offer?.locale, fields?.lang);
  return { offer, fields, locale };
}

async function accept(event: ApiEvent): Promise<ApiResult> {
  const { offer, fields, locale } = await formContext(event);
  if (!offer) return notFound(event);
  if (!fields)
    return page(
      413,
      offerPage({ offer, locale, submissionId: newSubmissionId(), formError: PAGE_TEXT[locale].errors.stale }),
    );
  const now = new Date();
  const form = parseAcceptForm(fields, offer, PAGE_TEXT[locale]);
  if (!form.ok) {
    const submissionId = fields.submission && !form.formError ? fields.submission : newSubmissionId(now);
    return (
      inactive(offer, locale, now) ??
      page(
        422,
        offerPage({ offer, locale, submissionId, form, ...(form.formError ? { formError: form.formError } : {}) }),
      )
    );
  }
  const acceptance: Acceptance = { summaryId: offer.summaryId, acceptedAt: now.toISOString(), ...form.value };
  const outcome = await store.accept(acceptance, now);
  switch (outcome.kind) {
    case 'not-found':
      return notFound(event);
    case 'not-active':
      return inactive(outcome.offer, locale, now) ?? page(409, statusPage(outcome.offer, 'exhausted', locale));
    case 'replayed':
      return redirectToCheckout(offer, outcome.record);
    case 'recorded':
      await publishQuietly(() => events.publish({ type: 'OfferAccepted', partnerId: offer.partnerId, acceptance }));
      return redirectToCheckout(offer, acceptance);
  }
}

async function decline(event: ApiEvent): Promise<ApiResult> {
  const { offer, fields, locale } = await formContext(event);
  if (!offer) return notFound(event);
  const now = new Date();
  const form = fields ? parseDeclineForm(fields, offer, PAGE_TEXT[locale]) : undefined;
  if (!form?.ok) {
    const formError = form?.formError ?? (form ? undefined : PAGE_TEXT[locale].errors.stale);
    return (
      inactive(offer, locale, now) ??
      page(
        422,
        offerPage({
          offer,
          locale,
          submissionId: newSubmissionId(now),
          ...(form ? { form } : {}),
          ...(formError ? { formError } : {}),
        }),
      )
    );
  }
  const record = { summaryId: offer.summaryId, declinedAt: now.toISOString(), ...form.value };
  const outcome = await store.decline(record, now);
  switch (outcome.kind) {
    case 'not-found':
      return notFound(event);
    case 'not-active':
      return inactive(outcome.offer, locale, now) ?? page(409, statusPage(outcome.offer, 'exhausted', locale));
    case 'replayed':
      return page(200, declinedPage(offer, locale));
    case 'recorded':
      await publishQuietly(() =>
        events.publish({ type: 'OfferDeclined', partnerId: offer.partnerId, decline: record }),
      );
      return page(200, declinedPage(offer, locale));
  }
}

/** The response is recorded; a failed notification must not turn the customer's success into an error. */
async function publishQuietly(publish: () => Promise<void>): Promise<void> {
  try {
    await publish();
  } catch (error) {
    logger.error('offer event not published', error as Error);
  }
}

/** Pages fail as pages: a generic HTML error that leaks nothing, never a JSON problem. */
function htmlErrors(): MiddlewareObj<ApiEvent, ApiResult, Error, Context> {
  return {
    onError: (request) => {
      logger.error('unhandled error', request.error as Error);
      request.response = page(500, messagePage(pageLocale(request.event, undefined), 'error'));
    },
  };
}

const ROUTES: Record<string, (event: ApiEvent) => Promise<ApiResult>> = {
  'GET /o/{code}': viewOffer,
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
