import { optionalEnv, requiredEnv } from '../../shared/config/env.ts';
import { DynamoCustomerResponseStore, VIEW_CACHE_MS, VIEW_WAIT_MS } from '../../shared/db/customer-responses.ts';
import { isTransientFailure, liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { errorForLog } from '../../shared/db/errors.ts';
import { DynamoViewLog } from '../../shared/db/offer-views.ts';
import { type Decline, OfferBusyError, type RecordedResponse } from '../../shared/domain/acceptance.ts';
import { type Offer, offerStatus } from '../../shared/domain/offer.ts';
import { normalizeSummaryId, summaryIdFromLink } from '../../shared/domain/summary-id.ts';
import type { ErrorPolicy } from '../../shared/http/chain.ts';
import { readFormBody, type UnreadableForm } from '../../shared/http/form-body.ts';
import { isCrossSitePost } from '../../shared/http/origin.ts';
import { htmlRouteGroup } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import { isLocale, type Locale, negotiateLocale } from '../../shared/i18n/locale.ts';
import { logger } from '../../shared/observability/logger.ts';
import { messagePage, pageResponse } from '../../shared/offer-page/layout.ts';
import { canonicalOfferRedirect, offerPageRedirect, tokenFromLink } from '../../shared/offer-page/links.ts';
import { PAGE_TEXT } from '../../shared/offer-page/page-text.ts';
import { issueToken, submissionIdOf, TOKEN_PATTERN } from '../../shared/offer-page/submission-token.ts';
import { buildCheckoutUrl, parseCheckoutTemplate } from './checkout.ts';
import { acceptanceOf } from './evidence.ts';
import { parseAcceptForm, parseDeclineForm } from './form.ts';
import { FORM_TEXT } from './form-text.ts';
import { acceptedPage, declinedPage, offerPage, replacedPage, statusPage } from './pages.ts';
import { checkPostedToken, FormTokenKeysUnavailableError, tokenKeysFromEnv } from './token-keys.ts';
import { isAutomatedAnswer, isAutomatedVisitor } from './visitors.ts';

// Read once per execution environment: a bad template fails the cold start, not a customer.
// Acceptance and decline events are published from the table's stream, not from here. The table is
// reached through DynamoDbLite, not the AWS SDK: this function's cold start is what customers wait
// for, and the SDK was most of its bundle and init (test/bench/RESULTS.md). A view's record goes
// out on the same connections with one attempt, no longer than the view waits for it (VIEW_WAIT_MS).
const viewWaitMs = boundedSetting('OFFER_VIEW_WAIT_MS', VIEW_WAIT_MS, 10_000);
const table = liteTableFromEnv();
const store = new DynamoCustomerResponseStore(table, {
  views: new DynamoViewLog(table.withLimits({ timeoutMs: viewWaitMs, maxAttempts: 1 })),
  viewWaitMs,
  viewCacheMs: boundedSetting('OFFER_VIEW_CACHE_SECONDS', VIEW_CACHE_MS / 1000, 60) * 1000,
});
const checkout = parseCheckoutTemplate(requiredEnv('CHECKOUT_URL_TEMPLATE'));
// Form posts must come from this origin (or the one the request was addressed to).
const publicBaseUrl = optionalEnv('PUBLIC_BASE_URL');
// The keys that sign submission tokens; on AWS their first read starts here, during the cold start.
const tokenKeys = tokenKeysFromEnv();

/**
 * A number from the environment, `fallback` when unset; the stack sets neither of these, so the
 * defaults hold on AWS. OFFER_VIEW_CACHE_SECONDS (0 turns the view cache off) and
 * OFFER_VIEW_WAIT_MS are for the integration tests, which change an offer and look at its page at
 * once, and whose DynamoDB Local on a busy machine can take longer than a view waits.
 */
function boundedSetting(name: string, fallback: number, max: number): number {
  const value = optionalEnv(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > max) {
    throw new Error(`${name} must be a number from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

function page(statusCode: number, body: string, headers: Record<string, string> = {}): ApiResult {
  return pageResponse(statusCode, body, { headers });
}

/**
 * The offer's language, unless the visitor asks for another: `?lang=`/the form's `lang` first, then
 * Accept-Language, which keeps the offer's language whenever it accepts it and never gets a
 * language it refused with q=0.
 */
function pageLocale(event: ApiEvent, offerLocale: Locale | undefined, chosen?: string): Locale {
  if (chosen && isLocale(chosen)) return chosen;
  const accepted = event.headers?.['accept-language'];
  if (offerLocale === undefined) return negotiateLocale(accepted);
  return negotiateLocale(accepted, offerLocale, { keepFallbackIfAccepted: true });
}

function notFound(event: ApiEvent): ApiResult {
  return page(404, messagePage(pageLocale(event, undefined), 'notFound'));
}

function inactive(offer: Offer, locale: Locale, now: Date): ApiResult | undefined {
  // A revised offer's link leads to its replacement, whatever else became of it.
  if (offer.revisedBy !== undefined) return page(410, replacedPage({ ...offer, revisedBy: offer.revisedBy }, locale));
  const status = offerStatus(offer, now);
  return status === 'active' ? undefined : page(410, statusPage(offer, status, locale));
}

function redirect(location: string): ApiResult {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

/** `?lang=<chosen>` when the customer chose a language we have (a page's switch, the form's `lang`); else nothing. */
function langQuery(chosen: string | undefined): string {
  return chosen && isLocale(chosen) ? `?lang=${chosen}` : '';
}

/**
 * The acceptance's confirmation page: addressed by the form's token, which only its holder has,
 * in the language the customer chose on the form.
 */
function confirmationPath(summaryId: string, token: string, chosenLang?: string): string {
  return `/o/${summaryId}/accepted/${token}${langQuery(chosenLang)}`;
}

/**
 * What a submission that was answered before gets, whichever form it came from: the confirmation
 * page for an acceptance, the thank-you page for a decline.
 */
function recordedOutcome(
  offer: Offer,
  response: RecordedResponse,
  token: string,
  locale: Locale,
  chosenLang: string | undefined,
): ApiResult {
  return response.kind === 'acceptance'
    ? redirect(confirmationPath(offer.summaryId, token, chosenLang))
    : page(200, declinedPage(offer, locale));
}

/** `countable` is false for HEAD: link checkers and mail scanners send it, people never do. */
async function viewOffer(event: ApiEvent, countable = true): Promise<ApiResult> {
  const code = event.pathParameters?.code ?? '';
  const summaryId = summaryIdFromLink(code);
  // A malformed code costs no request: whether a string is shaped like a summary ID is public
  // (anyone can check it), so answering it sooner than an unknown one tells nothing.
  if (summaryId === undefined) return notFound(event);
  // A pasted or typed variant (`CODE)`, lower case, no hyphens) moves to the canonical link
  // before anything is read or counted; the decision rests on the code's spelling alone.
  if (summaryId !== code) return canonicalOfferRedirect(summaryId, event);
  const offer = await store.viewOffer(summaryId, countable && !isAutomatedVisitor(event.headers ?? {}));
  if (!offer) return notFound(event);
  const locale = pageLocale(event, offer.locale, event.queryStringParameters?.lang);
  const now = new Date();
  const gone = inactive(offer, locale, now);
  if (gone) return gone;
  const submissionToken = issueToken(await tokenKeys.get(), offer.summaryId, now);
  return page(200, offerPage({ offer, locale, submissionToken, now }));
}

/** The same status and headers as GET, no body, and never a counted view. */
async function headOffer(event: ApiEvent): Promise<ApiResult> {
  return { ...(await viewOffer(event, false)), body: '' };
}

/**
 * Other customers' answers kept winning the write: nothing was recorded. The same form comes back,
 * filled in and with the same submission token (a resubmission records once), with a 503 and
 * Retry-After: the customer only has to submit again.
 */
async function unlessBusy<T>(
  record: () => Promise<T>,
  retry: { offer: Offer; locale: Locale; fields: Record<string, string>; submissionToken: string; declining: boolean },
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

type Answer = 'accept' | 'decline';

/** A posted answer whose token checked out, still to be validated and recorded. */
interface CheckedAnswer {
  readonly offer: Offer;
  readonly fields: Record<string, string>;
  readonly locale: Locale;
  readonly now: Date;
  readonly token: string;
  readonly submissionId: string;
  /** The form's `lang` field as posted (valid or not). */
  readonly chosenLang: string | undefined;
}

/**
 * Everything a posted answer goes through before its fields are validated, in this order:
 * 1. a post the browser says came from another site: 403, nothing read;
 * 2. no such offer: 404;
 * 3. a submission answered before (replay, double click, the form's other button): its recorded
 *    outcome, even if the offer has become inactive since (perhaps through that very answer), and
 *    even if the key that signed its token has been rotated out: the lookup runs before the
 *    signature is checked, under the submission id the token derives to (a hash of the whole
 *    token, so a forged token finds nothing);
 * 4. an inactive offer: its status page;
 * 5. a body that is not our form, or a token that is missing, forged, for another offer or
 *    expired: the form again, filled in, with a fresh token and a form-level message (a token
 *    none of the keys verifies first gets one re-read of the keys, checkPostedToken, in case
 *    another instance signed it with a key rotated in since this one read them);
 * 6. a client classified as automated (isAutomatedAnswer): the form again with a message,
 *    nothing recorded.
 * Either the page to answer with, or the answer to validate and record.
 */
async function checkAnswer(event: ApiEvent, answer: Answer): Promise<{ done: ApiResult } | CheckedAnswer> {
  const headers = event.headers ?? {};
  if (isCrossSitePost(headers, publicBaseUrl)) {
    logger.warn('cross-site form post refused', { answer });
    return { done: page(403, messagePage(pageLocale(event, undefined), 'crossSite')) };
  }
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  const read = readFormBody(event.body, event.isBase64Encoded, event.headers?.['content-type']);
  const now = new Date();
  const keys = await tokenKeys.get();
  const token = read.fields.submission;
  const shaped = token !== undefined && TOKEN_PATTERN.test(token);
  const [offer, earlier] = await Promise.all([
    summaryId ? store.readOffer(summaryId) : undefined,
    summaryId && shaped ? store.findResponse(summaryId, submissionIdOf(token)) : undefined,
  ]);
  if (!offer) return { done: notFound(event) };
  const chosenLang = read.fields.lang;
  const locale = pageLocale(event, offer.locale, chosenLang);
  const declining = answer === 'decline';
  const again = (statusCode: number, formError: string) => {
    const submissionToken = issueToken(keys, offer.summaryId, now);
    const form = { values: read.fields, errors: {} };
    return { done: page(statusCode, offerPage({ offer, locale, submissionToken, form, formError, declining })) };
  };
  if (earlier && token) return { done: recordedOutcome(offer, earlier, token, locale, chosenLang) };
  const inactivePage = inactive(offer, locale, now);
  if (inactivePage) return { done: inactivePage };
  if (!read.ok) return again(UNREADABLE_STATUS[read.problem], PAGE_TEXT[locale].errors[read.problem]);
  const checked = await checkPostedToken(tokenKeys, keys, token, offer.summaryId, now);
  if (checked.status === 'invalid' || !token) return again(422, PAGE_TEXT[locale].errors.stale);
  if (checked.status === 'expired') return again(422, PAGE_TEXT[locale].errors.expired);
  if (isAutomatedAnswer(headers)) {
    logger.info('automated answer not recorded', { answer });
    return again(200, PAGE_TEXT[locale].errors.automated);
  }
  return { offer, fields: read.fields, locale, now, token, submissionId: checked.submissionId, chosenLang };
}

/** What the store said about a response it was asked to record (other than "recorded"). */
function notRecorded(
  event: ApiEvent,
  outcome:
    | { kind: 'not-found' }
    | { kind: 'not-active'; offer: Offer }
    | { kind: 'replayed'; response: RecordedResponse },
  { offer, locale, now, token, chosenLang }: CheckedAnswer,
): ApiResult {
  switch (outcome.kind) {
    case 'not-found':
      return notFound(event);
    case 'not-active':
      return inactive(outcome.offer, locale, now) ?? page(409, statusPage(outcome.offer, 'exhausted', locale));
    case 'replayed':
      return recordedOutcome(offer, outcome.response, token, locale, chosenLang);
  }
}

async function accept(event: ApiEvent): Promise<ApiResult> {
  const checked = await checkAnswer(event, 'accept');
  if ('done' in checked) return checked.done;
  const { offer, fields, locale, now, token, submissionId, chosenLang } = checked;
  const form = parseAcceptForm(fields, offer, PAGE_TEXT[locale], FORM_TEXT[locale]);
  if (!form.ok) {
    const formError = form.formError ? { formError: form.formError } : {};
    // The token stays: nothing was recorded, and the corrected form is the same submission.
    return page(422, offerPage({ offer, locale, submissionToken: token, form, ...formError }));
  }
  const acceptance = acceptanceOf(offer, form.value, { submissionId, now });
  const outcome = await unlessBusy(() => store.accept(acceptance, offer.partnerId, now, offer), {
    offer,
    locale,
    fields,
    submissionToken: token,
    declining: false,
  });
  if (!('kind' in outcome)) return outcome; // the busy page
  // Recorded: on to the confirmation page, a same-origin GET (see pageCsp).
  if (outcome.kind === 'recorded') return redirect(confirmationPath(offer.summaryId, token, chosenLang));
  return notRecorded(event, outcome, checked);
}

async function decline(event: ApiEvent): Promise<ApiResult> {
  const checked = await checkAnswer(event, 'decline');
  if ('done' in checked) return checked.done;
  const { offer, fields, locale, now, token, submissionId } = checked;
  const form = parseDeclineForm(fields, offer, PAGE_TEXT[locale]);
  if (!form.ok) {
    const formError = form.formError ? { formError: form.formError } : {};
    return page(422, offerPage({ offer, locale, submissionToken: token, form, declining: true, ...formError }));
  }
  const record: Decline = { summaryId: offer.summaryId, submissionId, declinedAt: now.toISOString(), ...form.value };
  const outcome = await unlessBusy(() => store.decline(record, offer.partnerId, now), {
    offer,
    locale,
    fields,
    submissionToken: token,
    declining: true,
  });
  if (!('kind' in outcome)) return outcome; // the busy page
  if (outcome.kind === 'recorded') return page(200, declinedPage(offer, locale));
  return notRecorded(event, outcome, checked);
}

/**
 * `GET /o/{code}/accepted/{token}`: the confirmation of a recorded acceptance, read from the table
 * each time (so it can be revisited) and never a counted view. The token is not verified with the
 * keys, so the page outlives key rotations: the acceptance is looked up under the submission id
 * the token derives to, which only the token that was recorded leads to.
 */
async function viewAccepted(event: ApiEvent): Promise<ApiResult> {
  const summaryId = normalizeSummaryId(event.pathParameters?.code ?? '');
  const token = event.pathParameters?.token ?? '';
  if (!summaryId) return notFound(event);
  if (!TOKEN_PATTERN.test(token)) {
    // A pasted confirmation link with punctuation stuck to it (`TOKEN)`, `TOKEN%2E`): its canonical link.
    const pasted = tokenFromLink(token);
    if (!pasted) return notFound(event);
    return offerPageRedirect({ status: 301, path: `/o/${summaryId}/accepted/${pasted}` }, event);
  }
  const submissionId = submissionIdOf(token);
  const [offer, acceptance] = await Promise.all([
    store.readOffer(summaryId),
    store.findAcceptance(summaryId, submissionId),
  ]);
  if (!offer || !acceptance) return notFound(event);
  const locale = pageLocale(event, offer.locale, event.queryStringParameters?.lang);
  const checkoutUrl = buildCheckoutUrl(checkout, {
    advisorCode: offer.partner.advisorCode,
    summaryId: offer.summaryId,
    items: acceptance.items,
    delegatedAdmin: acceptance.delegatedAdmin,
  });
  const path = confirmationPath(offer.summaryId, token);
  return page(200, acceptedPage({ offer, acceptance, locale, checkoutUrl, path }));
}

/**
 * The forms' addresses opened in a browser (a refresh after an error page, history, a copied
 * address): back to the offer page, which has the forms, keeping a valid `?lang=`. Nothing is read
 * or counted here.
 */
async function formAddressVisited(event: ApiEvent): Promise<ApiResult> {
  const code = event.pathParameters?.code ?? '';
  const summaryId = normalizeSummaryId(code);
  return redirect(`/o/${summaryId ?? encodeURIComponent(code)}${langQuery(event.queryStringParameters?.lang)}`);
}

const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Pages fail as pages, never as a JSON problem: DynamoDB slow or unavailable (its retries spent) is
 * a 503 "try again" page; anything else a generic 500 page that leaks nothing.
 */
function htmlErrors(): ErrorPolicy {
  return {
    onError: (request) => {
      const locale = pageLocale(request.event, undefined);
      const keysUnavailable = request.error instanceof FormTokenKeysUnavailableError;
      if (isTransientFailure(request.error) || keysUnavailable) {
        // The keys' error names SSM's answer (e.g. ParameterNotFound), never a value.
        logger.warn(keysUnavailable ? 'form token keys unavailable' : 'table unavailable', {
          errorName: (request.error as Error).name,
          ...(keysUnavailable ? { error: (request.error as Error).message } : {}),
        });
        request.response = page(503, messagePage(locale, 'busy'), {
          'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
        });
        return;
      }
      logger.error('unhandled error', { error: errorForLog(request.error) });
      request.response = page(500, messagePage(locale, 'error'));
    },
  };
}

export const handler = htmlRouteGroup('offerPage', htmlErrors(), {
  'GET /o/{code}': viewOffer,
  'HEAD /o/{code}': headOffer,
  'POST /o/{code}/accept': accept,
  'POST /o/{code}/decline': decline,
  'GET /o/{code}/accept': formAddressVisited,
  'HEAD /o/{code}/accept': formAddressVisited,
  'GET /o/{code}/decline': formAddressVisited,
  'HEAD /o/{code}/decline': formAddressVisited,
  'GET /o/{code}/accepted/{token}': viewAccepted,
});
