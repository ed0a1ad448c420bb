import { createHmac } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { offerCountersKeys, offerKeys } from '../../shared/db/offers.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import {
  issueToken,
  newFormTokenKeysValue,
  parseFormTokenKeys,
  submissionIdOf,
  TOKEN_MAX_AGE_MS,
} from '../../shared/offer-page/submission-token.ts';
import { startLocalApi, table } from '../support/local-api.ts';
import { seedOffer, viewsOf } from '../support/offer-fixtures.ts';
import { acceptFields, BROWSER, browserRequest, customerAt } from '../support/offer-page-forms.ts';
import { AUTOMATED_AGENTS, NO_FETCH_METADATA_AGENTS } from '../support/user-agents.ts';

/** The key the integration run's handlers sign with (globalSetup): tests sign tokens of their own with it. */
const keys = parseFormTokenKeys(process.env.FORM_TOKEN_KEYS ?? '', 'FORM_TOKEN_KEYS');

let api: Awaited<ReturnType<typeof startLocalApi>>;
let customer: ReturnType<typeof customerAt>;
beforeAll(async () => {
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
});
afterAll(() => api.close());

/** Everything stored in the offer's partition besides the offer and its views counter. */
async function answersStored(offer: Offer): Promise<string[]> {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': offerKeys.pk(offer.summaryId) },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.SK)).filter((sk) => !sk.startsWith(offerKeys.skPrefix));
}

async function counters(offer: Offer) {
  const { Items = [] } = await table.client.send(
    new QueryCommand({
      TableName: table.name,
      KeyConditionExpression: 'PK = :pk AND SK = :sk',
      ExpressionAttributeValues: { ':pk': offerCountersKeys.pk(offer.summaryId), ':sk': offerCountersKeys.sk() },
      ConsistentRead: true,
    }),
  );
  return { acceptances: Items[0]?.acceptances ?? 0, declines: Items[0]?.declines ?? 0 };
}

/** A form post as a browser sends it from the page, with other headers on top. */
function postWith(offer: Offer, verb: 'accept' | 'decline', fields: Record<string, string>, headers = {}) {
  return browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${verb}`, {
    method: 'POST',
    headers: {
      ...BROWSER,
      'sec-fetch-site': 'same-origin',
      origin: api.baseUrl,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

function tokenIn(page: string): string {
  return /name="submission" value="([^"]+)"/.exec(page)?.[1] ?? '';
}

describe('submission tokens', () => {
  /** A token of the right shape whose signature was made without our key. */
  function forgedToken(offer: Offer): string {
    const issuedAt = Date.now().toString(36);
    const nonce = 'A'.repeat(22);
    const mac = createHmac('sha256', 'not-our-key')
      .update(`v1\n${offer.summaryId}\n${issuedAt}\n${nonce}`)
      .digest('base64url');
    return `v1.${issuedAt}.${nonce}.${mac}`;
  }

  it.each([
    ['missing', () => ''],
    ['made up by the client (an old-style submission id)', () => `mhx000000${'A'.repeat(22)}`],
    ['forged (signed with another key)', (offer: Offer) => forgedToken(offer)],
    [
      'signed with a key we do not hold',
      (offer: Offer) => issueToken(parseFormTokenKeys(newFormTokenKeysValue(), 'other'), offer.summaryId, new Date()),
    ],
  ])('records nothing for a %s token and gives the form back with a fresh one', async (_label, token) => {
    const offer = await seedOffer();
    const posted = token(offer);

    const accepted = await postWith(offer, 'accept', acceptFields(posted));
    const declined = await postWith(offer, 'decline', { submission: posted, reason: 'No' });

    expect([accepted.status, declined.status]).toEqual([422, 422]);
    const page = await accepted.text();
    expect(page).toContain('This form is out of date.');
    expect(page).toContain('value="Tailwind Traders"');
    expect(tokenIn(page)).not.toBe(posted);
    const declinePage = await declined.text();
    expect(declinePage).toContain('This form is out of date.');
    expect(declinePage).toContain('>No</textarea>');
    expect(tokenIn(declinePage)).not.toBe(posted);
    expect(await answersStored(offer)).toEqual([]);
    expect(await counters(offer)).toEqual({ acceptances: 0, declines: 0 });
  });

  it('records nothing for a token issued for another offer', async () => {
    const offer = await seedOffer();
    const other = await seedOffer();
    const otherToken = await customer.openForm(other);

    const response = await postWith(offer, 'accept', acceptFields(otherToken));

    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('This form is out of date.');
    expect(page).toContain('value="Tailwind Traders"');
    expect(await answersStored(offer)).toEqual([]);
    expect(await answersStored(other)).toEqual([]);
    // The form comes back with a token for this offer: sent again, it is recorded here.
    expect((await postWith(offer, 'accept', acceptFields(tokenIn(page)))).status).toBe(303);
    expect(await counters(offer)).toEqual({ acceptances: 1, declines: 0 });
  });

  it('gives an expired form back filled in, with a fresh token and a plain message, recording nothing', async () => {
    const offer = await seedOffer();
    const old = issueToken(keys, offer.summaryId, new Date(Date.now() - TOKEN_MAX_AGE_MS - 60_000));

    const expired = await postWith(offer, 'accept', acceptFields(old, { company: 'Late Co' }));

    expect(expired.status).toBe(422);
    const page = await expired.text();
    expect(page).toContain('This page was open for more than 24 hours');
    expect(page).toContain('value="Late Co"');
    expect(await answersStored(offer)).toEqual([]);
    // The fresh token works.
    const fresh = tokenIn(page);
    expect(fresh).not.toBe(old);
    expect((await postWith(offer, 'accept', acceptFields(fresh))).status).toBe(303);
    expect(await counters(offer)).toEqual({ acceptances: 1, declines: 0 });
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['an Origin of another site', { 'sec-fetch-site': '', origin: 'https://evil.example' }],
    ['Origin: null', { 'sec-fetch-site': '', origin: 'null' }],
  ])('refuses a post from another site (%s) with a 403 page, recording nothing', async (_label, headers) => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    const accepted = await postWith(offer, 'accept', acceptFields(token), headers);
    const declined = await postWith(offer, 'decline', { submission: token }, headers);

    for (const response of [accepted, declined]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await response.text()).toContain('The form was sent from another website');
    }
    expect(await answersStored(offer)).toEqual([]);
    // The same token from the page itself still answers.
    expect((await postWith(offer, 'accept', acceptFields(token))).status).toBe(303);
  });
});

describe('one form, one answer', () => {
  it('answers a decline posted with an accepted form’s token with the acceptance, recording one answer', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    const accepted = await postWith(offer, 'accept', acceptFields(token));
    const declined = await postWith(offer, 'decline', { submission: token, reason: 'Changed my mind' });

    expect(accepted.status).toBe(303);
    expect(declined.status).toBe(303);
    expect(declined.headers.get('location')).toBe(accepted.headers.get('location'));
    expect(await answersStored(offer)).toEqual(
      [`ACCEPT#${submissionIdOf(token)}`, `SUBMISSION#${submissionIdOf(token)}`].sort(),
    );
    expect(await counters(offer)).toEqual({ acceptances: 1, declines: 0 });
  });

  it('answers an acceptance posted with a declined form’s token with the thank-you page', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    expect((await postWith(offer, 'decline', { submission: token })).status).toBe(200);
    const accepted = await postWith(offer, 'accept', acceptFields(token));

    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('Thank you for your answer');
    expect(await counters(offer)).toEqual({ acceptances: 0, declines: 1 });
  });

  it('records both answers of a simultaneous accept and decline with one token as one', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    await Promise.all([
      postWith(offer, 'accept', acceptFields(token)),
      postWith(offer, 'decline', { submission: token }),
    ]);

    const { acceptances, declines } = await counters(offer);
    expect(acceptances + declines).toBe(1);
    expect(await answersStored(offer)).toHaveLength(2);
  });

  it('answers the replay of the last acceptance with its confirmation, though the offer is now exhausted', async () => {
    const offer = await seedOffer({ maxAcceptances: 1 });
    const token = await customer.openForm(offer);

    const [first, second] = await Promise.all([
      postWith(offer, 'accept', acceptFields(token)),
      postWith(offer, 'accept', acceptFields(token)),
    ]);
    const later = await postWith(offer, 'accept', acceptFields(token));

    expect([first.status, second.status, later.status]).toEqual([303, 303, 303]);
    const confirmation = `/o/${offer.summaryId}/accepted/${token}`;
    expect([first, second, later].map((r) => r.headers.get('location'))).toEqual([
      confirmation,
      confirmation,
      confirmation,
    ]);
    expect(await counters(offer)).toEqual({ acceptances: 1, declines: 0 });
    // A new form is refused: the offer is taken.
    expect((await customer.view(offer)).status).toBe(410);
  });

  it('answers the replay of an answer whose token’s key has been rotated out with its recorded outcome', async () => {
    const offer = await seedOffer();
    const retired = parseFormTokenKeys(newFormTokenKeysValue(), 'retired');
    const token = issueToken(retired, offer.summaryId, new Date());
    // Recorded while `retired` was still configured, as the page records it: under the token's submission id.
    const store = new DynamoCustomerResponseStore(liteTableFromEnv());
    await store.accept(
      {
        summaryId: offer.summaryId,
        submissionId: submissionIdOf(token),
        companyName: 'Tailwind Traders',
        contactName: 'Rita Alves',
        email: 'rita@tailwind.example',
        items: offer.items,
        delegatedAdmin: true,
        acceptedAt: new Date().toISOString(),
      },
      offer.partnerId,
      new Date(),
    );

    const replay = await postWith(offer, 'accept', acceptFields(token));
    const otherButton = await postWith(offer, 'decline', { submission: token });

    const confirmation = `/o/${offer.summaryId}/accepted/${token}`;
    expect([replay.status, otherButton.status]).toEqual([303, 303]);
    expect([replay.headers.get('location'), otherButton.headers.get('location')]).toEqual([confirmation, confirmation]);
    expect(await counters(offer)).toEqual({ acceptances: 1, declines: 0 });
  });

  it('answers a replayed decline with the thank-you page after the offer was deactivated', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);
    await postWith(offer, 'decline', { submission: token });
    const deactivated = await seedOffer({ ...offer, deactivatedAt: new Date().toISOString(), declines: 1 });

    const replay = await postWith(deactivated, 'decline', { submission: token });

    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain('Thank you for your answer');
  });
});

/** A form post from a browser that sends no fetch metadata: its user agent, Origin and the form, nothing else. */
function postWithoutFetchMetadata(
  offer: Offer,
  verb: 'accept' | 'decline',
  fields: Record<string, string>,
  agent: string,
) {
  return browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${verb}`, {
    method: 'POST',
    headers: { 'user-agent': agent, origin: api.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('answers from browsers without fetch metadata', () => {
  it.each(Object.entries(NO_FETCH_METADATA_AGENTS))(
    'records an acceptance and a decline from %s',
    async (_name, agent) => {
      const offer = await seedOffer();
      const acceptToken = await customer.openForm(offer);
      const declineToken = await customer.openForm(offer);

      const accepted = await postWithoutFetchMetadata(offer, 'accept', acceptFields(acceptToken), agent);
      const declined = await postWithoutFetchMetadata(offer, 'decline', { submission: declineToken }, agent);

      expect(accepted.status).toBe(303);
      expect(accepted.headers.get('location')).toBe(`/o/${offer.summaryId}/accepted/${acceptToken}`);
      expect(declined.status).toBe(200);
      expect(await declined.text()).toContain('Thank you for your answer');
      expect(await counters(offer)).toEqual({ acceptances: 1, declines: 1 });
    },
  );

  it('records nothing from a headless browser that sends no fetch metadata either', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    const response = await postWithoutFetchMetadata(
      offer,
      'accept',
      acceptFields(token),
      AUTOMATED_AGENTS.HeadlessChrome ?? '',
    );

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Your answer was not saved');
    expect(await answersStored(offer)).toEqual([]);
  });
});

describe('answers from automated clients', () => {
  it.each([
    ['a headless browser', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0 Safari/537.36' }],
    ['a script’s request (Sec-Fetch-Mode: cors)', { 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' }],
    ['a post from a frame (Sec-Fetch-Dest: iframe)', { 'sec-fetch-dest': 'iframe' }],
    ['a prefetch (Sec-Purpose: prefetch)', { 'sec-purpose': 'prefetch' }],
  ])('records nothing from %s and gives the page back', async (_label, headers) => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);

    const declined = await postWith(offer, 'decline', { submission: token }, headers);
    const accepted = await postWith(offer, 'accept', acceptFields(token), headers);

    for (const response of [declined, accepted]) {
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Your answer was not saved');
    }
    expect(await answersStored(offer)).toEqual([]);
  });
});

describe('the confirmation page', () => {
  it('shows what was accepted and continues to the checkout, without counting a view', async () => {
    const offer = await seedOffer();
    const token = await customer.openForm(offer);
    const accepted = await postWith(offer, 'accept', acceptFields(token, { 'licenses.M365_BUSINESS_STANDARD': '250' }));
    const viewsBefore = await viewsOf(offer.summaryId);

    const response = await browserRequest(new URL(accepted.headers.get('location') ?? '', api.baseUrl).href);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self';");
    expect(response.headers.get('cache-control')).toContain('no-store');
    const page = await response.text();
    expect(page).toContain('You accepted the offer from Fabrikam Partners');
    expect(page).toContain('Microsoft 365 Business Standard: 250 licenses');
    expect(page).toContain('With delegated administration');
    expect(page).toContain('pat@fabrikam.example');
    expect(page).toContain(offer.summaryId);
    expect(page).toContain('administrator account');
    const checkout = 'https://checkout.example.com/buy?advisor=4400001&amp;offer=';
    expect(page).toContain(`<meta http-equiv="refresh" content="5;url=${checkout}`);
    expect(page).toContain(`<a class="button" href="${checkout}`);
    expect(await viewsOf(offer.summaryId)).toBe(viewsBefore);
  });

  it('answers a token that accepted nothing, or another offer’s, with the 404 page', async () => {
    const offer = await seedOffer();
    const other = await seedOffer();
    const token = await customer.openForm(offer);
    await postWith(offer, 'accept', acceptFields(token));
    const unused = await customer.openForm(offer);

    for (const path of [
      `/o/${offer.summaryId}/accepted/${unused}`,
      `/o/${other.summaryId}/accepted/${token}`,
      `/o/${offer.summaryId}/accepted/not-a-token`,
    ]) {
      const response = await browserRequest(`${api.baseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});

describe('the forms’ addresses opened in a browser', () => {
  it.each(['GET', 'HEAD'])('answers %s with a redirect to the offer page', async (method) => {
    const offer = await seedOffer();

    for (const verb of ['accept', 'decline']) {
      const response = await browserRequest(`${api.baseUrl}/o/${offer.summaryId.toLowerCase()}/${verb}`, { method });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/o/${offer.summaryId}`);
    }
    expect(await viewsOf(offer.summaryId)).toBe(0);
  });
});

describe('the customer’s language after answering', () => {
  it('carries the form’s language to the confirmation page, on the first answer and on a replay', async () => {
    const offer = await seedOffer({ locale: 'en' });
    const token = await customer.openForm(offer);

    const accepted = await postWith(offer, 'accept', acceptFields(token, { lang: 'pt-BR' }));
    const replay = await postWith(offer, 'accept', acceptFields(token, { lang: 'pt-BR' }));
    const confirmation = await browserRequest(new URL(accepted.headers.get('location') ?? '', api.baseUrl).href);

    const expected = `/o/${offer.summaryId}/accepted/${token}?lang=pt-BR`;
    expect([accepted.headers.get('location'), replay.headers.get('location')]).toEqual([expected, expected]);
    expect(confirmation.status).toBe(200);
    expect(await confirmation.text()).toContain('<html lang="pt-BR">');
  });

  it('carries no language that is not one of ours', async () => {
    const offer = await seedOffer({ locale: 'en' });
    const token = await customer.openForm(offer);

    const accepted = await postWith(offer, 'accept', acceptFields(token, { lang: 'https://evil.example' }));

    expect(accepted.headers.get('location')).toBe(`/o/${offer.summaryId}/accepted/${token}`);
  });

  it.each(['accept', 'decline'])('keeps a valid ?lang= when the %s form’s address is opened', async (verb) => {
    const offer = await seedOffer();

    const kept = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${verb}?lang=en`);
    const dropped = await browserRequest(`${api.baseUrl}/o/${offer.summaryId}/${verb}?lang=xx`);

    expect(kept.status).toBe(303);
    expect(kept.headers.get('location')).toBe(`/o/${offer.summaryId}?lang=en`);
    expect(dropped.headers.get('location')).toBe(`/o/${offer.summaryId}`);
  });
});
