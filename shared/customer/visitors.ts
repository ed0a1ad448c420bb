import { randomBytes } from 'node:crypto';

/**
 * Link previewers (chat apps, mail scanners) and crawlers fetch the page too; counting them would
 * tell a partner the customer looked when nobody did. Matched on the user agent and on prefetch
 * hints; a human browser sends neither.
 */
const AUTOMATED_AGENT =
  /bot\b|crawler|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|slack|discord|skypeuripreview|microsoftpreview|teams|linkedin|pinterest|embedly|quora link|outlook|google-?(?:inspectiontool|read-aloud)|bingpreview|headless|curl\/|wget\/|python-requests|python-urllib|aiohttp|scrapy|go-http-client|java\/|okhttp|axios|node-fetch|undici|^node(?:\/|$)|^deno\/|^bun\/|postmanruntime|httpie|libwww|httpclient|scanner|monitor|proofpoint|mimecast|barracuda/i;

export function isAutomatedVisitor(headers: Record<string, string | undefined>): boolean {
  const agent = headers['user-agent'];
  if (!agent) return true;
  const purpose = `${headers['sec-purpose'] ?? ''} ${headers.purpose ?? ''} ${headers['x-purpose'] ?? ''}`;
  if (/prefetch|preview/i.test(purpose)) return true;
  return AUTOMATED_AGENT.test(agent);
}

/**
 * One id per rendered form: a double click or a resubmitted form carries the same id, so the
 * response is recorded once. Time-first so records sort roughly by when the page was opened.
 */
export function newSubmissionId(now: Date = new Date()): string {
  return now.getTime().toString(36).padStart(9, '0') + randomBytes(16).toString('base64url');
}

export const SUBMISSION_ID_PATTERN = /^[0-9a-z]{9}[A-Za-z0-9_-]{22}$/;
