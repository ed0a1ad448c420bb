import { request } from 'node:http';
import type { Offer } from '../../shared/domain/offer.ts';

/**
 * What a customer's browser sends when the link is opened from a mail app: a desktop user agent and
 * the fetch metadata of a top-level navigation. Counted as a person, not a bot.
 */
export const BROWSER = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
};

/** A customer's answer to the fixture offer (test/support/offer-fixtures.ts): every field valid. */
export function acceptFields(submission: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    submission,
    company: 'Tailwind Traders',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    'licenses.M365_BUSINESS_STANDARD': '12',
    'licenses.TEAMS_ESSENTIALS': '3',
    delegatedAdmin: 'yes',
    ...extra,
  };
}

/**
 * A request exactly as given, redirects not followed. Node's fetch cannot stand in for a browser
 * here: it overwrites `Sec-Fetch-Mode` with `cors`, which is what scripts send, not navigations.
 */
export function browserRequest(
  url: string,
  {
    method = 'GET',
    headers = BROWSER,
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            responseHeaders.append(name, one);
          }
        }
        const status = res.statusCode ?? 500;
        const content = method === 'HEAD' || status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(content, { status, headers: responseHeaders }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A customer's browser against one running gateway: open the link, post its forms. */
export function customerAt(baseUrl: string) {
  const view = (offer: Pick<Offer, 'summaryId'>, headers: Record<string, string> = BROWSER) =>
    browserRequest(`${baseUrl}/o/${offer.summaryId}`, { headers });
  return {
    view,
    /** Opens the page as a person (one view) and returns the submission id its form carries. */
    async openForm(offer: Pick<Offer, 'summaryId'>): Promise<string> {
      const page = await (await view(offer)).text();
      return /name="submission" value="([^"]+)"/.exec(page)?.[1] ?? '';
    },
    post(offer: Pick<Offer, 'summaryId'>, verb: 'accept' | 'decline', fields: Record<string, string>) {
      // A form on the page posting to its own origin, as the browser announces it.
      return browserRequest(`${baseUrl}/o/${offer.summaryId}/${verb}`, {
        method: 'POST',
        headers: {
          ...BROWSER,
          'sec-fetch-site': 'same-origin',
          origin: baseUrl,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(fields).toString(),
      });
    },
  };
}
