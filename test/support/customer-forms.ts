import type { Offer } from '../../shared/domain/offer.ts';

/** What a customer's browser sends: counted as a person, not a bot. */
export const BROWSER = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
};

/** A customer's answer to the fixture offer (test/support/offer-fixtures.ts): every field valid. */
export function acceptFields(submission: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    submission,
    company: 'Tailwind Traders',
    name: 'Rita Alves',
    email: 'rita@tailwind.example',
    'licenses.M365_BUSINESS_STANDARD': '12',
    'licenses.TEAMS_ESSENTIALS': '3',
    delegatedAdmin: 'yes',
    ...extra,
  };
}

/** A customer's browser against one running gateway: open the link, post its forms. */
export function customerAt(baseUrl: string) {
  const view = (offer: Pick<Offer, 'summaryId'>, headers: Record<string, string> = BROWSER) =>
    fetch(`${baseUrl}/o/${offer.summaryId}`, { headers });
  return {
    view,
    /** Opens the page as a person (one view) and returns the submission id its form carries. */
    async openForm(offer: Pick<Offer, 'summaryId'>): Promise<string> {
      const page = await (await view(offer)).text();
      return /name="submission" value="([^"]+)"/.exec(page)?.[1] ?? '';
    },
    post(offer: Pick<Offer, 'summaryId'>, verb: 'accept' | 'decline', fields: Record<string, string>) {
      return fetch(`${baseUrl}/o/${offer.summaryId}/${verb}`, {
        method: 'POST',
        headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
    },
  };
}
