import { type Browser, chromium } from 'playwright-core';
import { countViews, pendingViewRecords } from '../../shared/db/offer-views.ts';
import { sdkTable } from '../../shared/db/sdk-table.ts';

/**
 * What every browser test shares: the `npm start` it runs against (started by test/browser/globalSetup.ts),
 * a partner API call with the demo key, and Chromium launched the same way.
 */
export const LOCAL_BASE_URL = process.env.LOCAL_BASE_URL ?? '';
export const LOCAL_API_KEY = process.env.LOCAL_API_KEY ?? '';

/** A person's desktop browser: headless Chromium would otherwise announce itself as HeadlessChrome. */
export const DESKTOP_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** A partner API call; throws on a non-2xx answer. The body is JSON of any shape: assertions check it. */
export async function partnerApi(path: string, init: { method?: string; body?: unknown; key?: string } = {}) {
  const response = await fetch(LOCAL_BASE_URL + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? LOCAL_API_KEY}`, 'content-type': 'application/json' },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: assertions check the shape
  const body: any = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * The offer's counters from the partner API once every view recorded so far is counted: its
 * pending view records are first added to its counter by the views function's own code (npm
 * start's stream poller does the same within a second or two; a record is counted once either way).
 */
export async function countedCounters(
  summaryId: string,
): Promise<{ views: number; acceptances: number; declines: number }> {
  const table = sdkTable(process.env.LOCAL_TABLE_NAME ?? '', process.env.LOCAL_DDB_ENDPOINT);
  try {
    await countViews(table, await pendingViewRecords(table, summaryId), new Date());
  } finally {
    table.client.destroy();
  }
  return (await partnerApi(`/v1/offers/${summaryId}`)).counters;
}

/** The id of an active office of the partner behind `key` (the seeded demo partner by default). */
export async function activeOfficeId(key = LOCAL_API_KEY): Promise<string> {
  const { offices } = await partnerApi('/v1/offices', { key });
  const office = (offices as { officeId: string; active: boolean }[]).find((o) => o.active);
  if (!office) throw new Error('the partner has no active office');
  return office.officeId;
}

/**
 * A fresh offer through the partner API (the seeded demo partner's unless another key is given),
 * with delegated administration offered: the 201 answer (summaryId, url, …).
 */
export async function apiOffer(extra: Record<string, unknown> = {}, key = LOCAL_API_KEY) {
  return partnerApi('/v1/offers', {
    method: 'POST',
    key,
    body: {
      officeId: await activeOfficeId(key),
      usageLocation: 'BR',
      items: [
        { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
        { sku: 'TEAMS_ESSENTIALS', licenses: 2 },
      ],
      delegatedAdmin: true,
      locale: 'en',
      ...extra,
    },
  });
}

/** Debian's Chromium (or CHROMIUM_PATH), headless, with nothing of its own reaching the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
