import { encodeCursor } from '../../shared/schemas/offers.ts';
import { consolePage } from './layout.ts';
import { offersListMain, readListFilters } from './offer-views.ts';
import { OFFERS_TEXT } from './offers-text.ts';
import { offerQueries } from './services.ts';
import type { ConsolePage } from './session.ts';

/**
 * GET /console/offers: the partner's offers, newest first, as GET /v1/offers lists them (the same
 * query service, schema and cursor). Filters the API does not know (`lang`) are the console's own
 * and left out of the check. A bad filter answers 400 with the filter form showing the rule broken.
 */
export const offersList: ConsolePage = async ({ event, session, locale }) => {
  const { filters, problems, parsed } = readListFilters(event, locale);
  const title = OFFERS_TEXT[locale].list.title;
  if (!parsed) {
    return consolePage(400, { locale, title, session, main: offersListMain({ locale, filters, problems }) });
  }
  const { status, limit, cursor } = parsed;
  // One instant for the filter and every row's status, as the API does.
  const now = new Date();
  const page = await offerQueries.list(session.partnerId, {
    ...(limit !== undefined ? { limit } : {}),
    ...(cursor ? { after: cursor } : {}),
    ...(status ? { status } : {}),
    now,
  });
  return consolePage(200, {
    locale,
    title,
    session,
    main: offersListMain({
      locale,
      filters,
      problems: [],
      page: {
        offers: page.offers,
        ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
        continued: cursor !== undefined,
        now,
      },
    }),
  });
};
