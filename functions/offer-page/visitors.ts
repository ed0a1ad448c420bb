import { createIsbotFromList, list as isbotPatterns } from 'isbot';

/**
 * Link fetchers that isbot 5.2.3 (checked 2026-11-29) lets through: Microsoft Office's link
 * discovery and previews (`Microsoft Office/16.0 (…Microsoft Outlook…)`, `ms-office`) and Teams'
 * in-app unfurling. A person clicking a link in these apps gets their default browser instead.
 */
const EXTRA_AUTOMATED_AGENTS = ['ms-office', 'microsoft office', 'microsoft outlook', 'teams/'];

const isBotAgent = createIsbotFromList([...isbotPatterns, ...EXTRA_AUTOMATED_AGENTS]);

/** Speculative loads announce themselves: Chromium `Sec-Purpose: prefetch;prerender`, older `Purpose`/`X-Purpose`/`X-Moz`. */
const SPECULATIVE = /prefetch|prerender|preview/i;

/** The user agent is missing or a known bot, previewer, scanner, HTTP library or headless browser, or the load is speculative. */
function isAutomatedClient(headers: Record<string, string | undefined>): boolean {
  const agent = headers['user-agent']?.trim();
  if (!agent || isBotAgent(agent)) return true;
  const purpose = [headers['sec-purpose'], headers.purpose, headers['x-purpose'], headers['x-moz']].join(' ');
  return SPECULATIVE.test(purpose);
}

/**
 * The view rule: whether a request for the offer page comes from software acting on its own rather
 * than from a person's browser; such requests are not counted as views.
 *
 * A person's browser is a request that
 * - has a user agent that isbot (plus EXTRA_AUTOMATED_AGENTS) does not know as a bot, previewer,
 *   scanner, HTTP library or headless browser;
 * - is not a prefetch or prerender;
 * - carries browser fetch metadata for a top-level navigation: `Sec-Fetch-Mode: navigate` and
 *   `Sec-Fetch-Dest: document`. Chromium (76+), Firefox (90+) and Safari (16.4+) send these on
 *   every navigation to an https or loopback origin; mail scanners that borrow a desktop Chrome
 *   user agent do not, and a page embedded in a frame or fetched by a script has another mode or
 *   destination.
 * `Sec-Fetch-User` is not required (a click tracker's script redirect loses it) and any
 * `Sec-Fetch-Site` passes (links come from mail apps, `none`, and webmail, `cross-site`); whether
 * a form post may come from another site is the form's own check.
 */
export function isAutomatedVisitor(headers: Record<string, string | undefined>): boolean {
  if (isAutomatedClient(headers)) return true;
  return headers['sec-fetch-mode'] !== 'navigate' || headers['sec-fetch-dest'] !== 'document';
}

/**
 * The answer rule: whether a posted answer comes from software acting on its own; such answers are
 * not recorded. The user agent and speculative-load checks of the view rule, and fetch metadata
 * only where the browser sends it: a post that says it is not a top-level navigation to a document
 * (a script's `cors`/`no-cors` request, a frame) is refused, but a post without any is a person's.
 * Browsers without fetch metadata (Safari before 16.4, iOS 15, Firefox before 90, older WebViews)
 * must be able to answer; a scanner that never loaded the page has no server-issued token, and a
 * cross-site post is refused on Origin / Sec-Fetch-Site, so metadata adds nothing there.
 */
export function isAutomatedAnswer(headers: Record<string, string | undefined>): boolean {
  if (isAutomatedClient(headers)) return true;
  // An empty header is no metadata either.
  const mode = headers['sec-fetch-mode']?.trim();
  const dest = headers['sec-fetch-dest']?.trim();
  return (!!mode && mode !== 'navigate') || (!!dest && dest !== 'document');
}
