import { createHandler } from '../../functions/offer-events/handler.ts';
import type { TableStreamPoller } from '../../infra/local/table-stream.ts';
import { DynamoCustomerResponseStore } from '../../shared/db/customer-responses.ts';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { DynamoOfferStore } from '../../shared/db/offers.ts';
import { createDynamoClient } from '../../shared/db/sdk-table.ts';
import type { Acceptance, OfferEvent } from '../../shared/domain/acceptance.ts';
import type { LinePrice, Offer } from '../../shared/domain/offer.ts';
import { submissionIdOf } from '../../shared/offer-page/submission-token.ts';
import { bearer, bodyOf, newPartner, startLocalApi } from '../support/local-api.ts';
import { seedOffer } from '../support/offer-fixtures.ts';
import { acceptFields, browserRequest, customerAt } from '../support/offer-page-forms.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { streamTestTable } from '../support/table-stream.ts';

// The page function reads its checkout template when the local gateway first loads it (on the
// first request of this file): one with every placeholder, the new ones included.
const CHECKOUT_TEMPLATE =
  'https://checkout.example.com/buy?advisor={advisorCode}&offer={summaryId}&items={items}&terms={terms}&lines={lines}&da={delegatedAdmin}';
const configuredTemplate = process.env.CHECKOUT_URL_TEMPLATE;
process.env.CHECKOUT_URL_TEMPLATE = CHECKOUT_TEMPLATE;

const dynamo = createDynamoClient(process.env.DDB_ENDPOINT);
const publisher = new RecordingPublisher();
let api: Awaited<ReturnType<typeof startLocalApi>>;
let stream: TableStreamPoller;
let customer: ReturnType<typeof customerAt>;

beforeAll(async () => {
  api = await startLocalApi();
  customer = customerAt(api.baseUrl);
  stream = await streamTestTable(dynamo, createHandler(publisher));
});
afterAll(async () => {
  await stream.stop();
  dynamo.destroy();
  await api.close();
  process.env.CHECKOUT_URL_TEMPLATE = configuredTemplate;
});

/** A unit price snapshot as the offer holds it (deliberately not today's list price: never re-priced). */
function price(monthlyUnitMinor: number, billingPeriodMonths: number): LinePrice {
  return {
    currency: 'USD',
    monthlyUnitMinor,
    perBillingPeriodMinor: monthlyUnitMinor * billingPeriodMonths,
    billingPeriodMonths,
  };
}

/** A US offer: Business Basic with a term choice, Teams Essentials fixed on P1Y billed monthly. */
function pricedOffer(overrides: Partial<Offer> = {}): Partial<Offer> {
  return {
    usageLocation: 'US',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        licenses: 10,
        term: 'P1Y',
        billingFrequency: 'annual',
        unitPrice: price(577, 12),
        choices: [
          { term: 'P1Y', billingFrequency: 'annual', unitPrice: price(577, 12) },
          { term: 'P1M', billingFrequency: 'monthly', unitPrice: price(692, 1) },
        ],
      },
      { sku: 'TEAMS_ESSENTIALS', licenses: 3, term: 'P1Y', billingFrequency: 'monthly', unitPrice: price(421, 1) },
    ],
    catalogVersion: '2026-11-01',
    priceListVersion: 'US-2026-07-01',
    requireCustomerAgreement: true,
    ...overrides,
  };
}

/** The full answer to pricedOffer: changed counts, the monthly term, every optional field, the box ticked. */
function fullAnswer(submission: string): Record<string, string> {
  const fields = acceptFields(submission, {
    firstName: 'Rita',
    lastName: 'Alves',
    phone: '+1 (425) 555-0100',
    jobTitle: 'Head of IT',
    purchaseOrder: 'PO-2026-0042',
    'licenses.M365_BUSINESS_BASIC': '25',
    'licenses.TEAMS_ESSENTIALS': '4',
    'term.0': 'P1M/monthly',
    customerAgreement: 'yes',
    delegatedAdmin: 'no',
  });
  // The fixture form's Business Standard line is not on this offer.
  delete fields['licenses.M365_BUSINESS_STANDARD'];
  return fields;
}

function expectedSnapshot(offer: Offer, submission: string) {
  return {
    submissionId: submissionIdOf(submission),
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    phone: '+1 (425) 555-0100',
    jobTitle: 'Head of IT',
    purchaseOrder: 'PO-2026-0042',
    items: [
      {
        sku: 'M365_BUSINESS_BASIC',
        name: 'Microsoft 365 Business Basic',
        licenses: 25,
        term: 'P1M',
        billingFrequency: 'monthly',
        unitPrice: price(692, 1),
      },
      {
        sku: 'TEAMS_ESSENTIALS',
        name: 'Microsoft Teams Essentials',
        licenses: 4,
        term: 'P1Y',
        billingFrequency: 'monthly',
        unitPrice: price(421, 1),
      },
    ],
    delegatedAdmin: false,
    acceptedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    catalogVersion: offer.catalogVersion,
    priceListVersion: offer.priceListVersion,
    disclosureVersion: '2026-11-30',
    customerAgreement: {
      agreementUrl: 'https://aka.ms/customeragreement',
      dateAgreed: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      primaryContact: {
        firstName: 'Rita',
        lastName: 'Alves',
        email: 'rita@tailwind.example',
        phone: '+1 (425) 555-0100',
      },
    },
  };
}

async function listAcceptances(offer: Offer, key: string) {
  const response = await fetch(`${api.baseUrl}/v1/offers/${offer.summaryId}/acceptances`, { headers: bearer(key) });
  expect(response.status).toBe(200);
  return (await bodyOf(response)).acceptances as Omit<Acceptance, 'summaryId'>[];
}

async function acceptedEvent(summaryId: string): Promise<OfferEvent | undefined> {
  const mine = () =>
    publisher.events.find((event) => event.type === 'OfferAccepted' && event.acceptance.summaryId === summaryId);
  for (let waited = 0; !mine() && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return mine();
}

/** The offer's acceptance counter, read strongly. */
async function acceptanceCount(offer: Offer): Promise<number> {
  return (await new DynamoOfferStore(liteTableFromEnv()).get(offer.summaryId))?.acceptances ?? -1;
}

describe('the acceptance evidence snapshot', () => {
  it('lists the whole snapshot in GET /v1/offers/{summaryId}/acceptances and carries it in OfferAccepted', async () => {
    // Arrange
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId, ...pricedOffer() });
    const submission = await customer.openForm(offer);

    // Act
    const response = await customer.post(offer, 'accept', fullAnswer(submission));

    // Assert: what the partner lists and what the event says are the same snapshot.
    expect(response.status).toBe(303);
    const [listed, ...more] = await listAcceptances(offer, key);
    expect(more).toEqual([]);
    expect(listed).toEqual(expectedSnapshot(offer, submission));
    expect(listed?.customerAgreement?.dateAgreed).toBe(listed?.acceptedAt.slice(0, 10));
    const event = await acceptedEvent(offer.summaryId);
    expect(event).toEqual({
      type: 'OfferAccepted',
      partnerId: partner.partnerId,
      acceptance: { summaryId: offer.summaryId, ...listed },
    });
  });

  it('still lists an acceptance recorded before the evidence fields existed, as it was recorded', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({ partnerId: partner.partnerId });
    const old: Acceptance = {
      summaryId: offer.summaryId,
      submissionId: `mhx000000${'B'.repeat(22)}`,
      companyName: 'Tailwind Traders',
      contactName: 'Rita Alves',
      email: 'rita@tailwind.example',
      items: [{ sku: 'M365_BUSINESS_STANDARD', licenses: 12 }],
      delegatedAdmin: true,
      acceptedAt: '2026-01-05T10:00:00.000Z',
    };
    await new DynamoCustomerResponseStore(liteTableFromEnv()).accept(old, partner.partnerId, new Date());

    const listed = await listAcceptances(offer, key);

    const { summaryId: _summaryId, ...asRecorded } = old;
    expect(listed).toEqual([asRecorded]);
  });
});

describe('accepting with changed counts: the Business-family seat cap', () => {
  it('answers 200 Business Basic + 200 Business Standard with the limit next to both lines, recording nothing', async () => {
    // Arrange
    const offer = await seedOffer({
      items: [
        { sku: 'M365_BUSINESS_BASIC', licenses: 100 },
        { sku: 'M365_BUSINESS_STANDARD', licenses: 100 },
      ],
      delegatedAdmin: false,
    });
    const submission = await customer.openForm(offer);
    const fields = acceptFields(submission, {
      'licenses.M365_BUSINESS_BASIC': '200',
      'licenses.M365_BUSINESS_STANDARD': '200',
    });
    delete fields['licenses.TEAMS_ESSENTIALS'];
    delete fields.delegatedAdmin;

    // Act
    const response = await customer.post(offer, 'accept', fields);

    // Assert
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    const message =
      'At most 300 licenses in total across the Microsoft 365 Business plans in one organisation: Microsoft 365 Business Basic and Microsoft 365 Business Standard add up to 400.';
    expect(page).toContain(`<p class="error" id="licenses-M365_BUSINESS_BASIC-error">${message}</p>`);
    expect(page).toContain(`<p class="error" id="licenses-M365_BUSINESS_STANDARD-error">${message}</p>`);
    // The counts come back as typed, to be corrected.
    expect(page).toMatch(/name="licenses.M365_BUSINESS_BASIC"[^>]*value="200"/);
    expect(await acceptanceCount(offer)).toBe(0);

    // And the same customer, within the cap, is recorded.
    const corrected = await customer.post(offer, 'accept', {
      ...fields,
      'licenses.M365_BUSINESS_BASIC': '150',
      'licenses.M365_BUSINESS_STANDARD': '150',
    });
    expect(corrected.status).toBe(303);
    expect(await acceptanceCount(offer)).toBe(1);
  });
});

describe('the customer agreement checkbox', () => {
  it('is required and links to the agreement when the offer requires it', async () => {
    // Arrange
    const offer = await seedOffer(pricedOffer());
    const submission = await customer.openForm(offer);
    const { customerAgreement: _ticked, ...unticked } = fullAnswer(submission);

    // Act
    const page = await (await customer.view(offer)).text();
    const refused = await customer.post(offer, 'accept', unticked);

    // Assert
    expect(page).toMatch(
      /<input type="checkbox" id="customer-agreement" name="customerAgreement" value="yes" required/,
    );
    expect(page).toContain('<a href="https://aka.ms/customeragreement"');
    expect(refused.status).toBe(422);
    const answer = await refused.text();
    expect(answer).toContain(
      '<p class="error" id="customer-agreement-error">Tick this box to accept the Microsoft Customer Agreement, or decline the offer.</p>',
    );
    expect(answer).toContain('value="PO-2026-0042"');
    expect(await acceptanceCount(offer)).toBe(0);
  });

  it('is not on the page of an offer that does not require it, and the acceptance records no attestation', async () => {
    const { partner, key } = await newPartner();
    const offer = await seedOffer({
      partnerId: partner.partnerId,
      ...pricedOffer({ requireCustomerAgreement: false }),
    });
    const submission = await customer.openForm(offer);
    const { customerAgreement: _ticked, ...answer } = fullAnswer(submission);

    const page = await (await customer.view(offer)).text();
    const response = await customer.post(offer, 'accept', answer);

    expect(page).not.toContain('name="customerAgreement"');
    expect(response.status).toBe(303);
    const [listed] = await listAcceptances(offer, key);
    expect(listed).toBeDefined();
    expect(listed && 'customerAgreement' in listed).toBe(false);
  });
});

describe('the checkout URL', () => {
  it('fills {terms} and {lines} with each accepted line’s term and billing, {items} as before', async () => {
    // Arrange
    const offer = await seedOffer(pricedOffer());
    const submission = await customer.openForm(offer);
    const accepted = await customer.post(offer, 'accept', fullAnswer(submission));
    expect(accepted.status).toBe(303);

    // Act
    const confirmation = await browserRequest(`${api.baseUrl}${accepted.headers.get('location')}`);

    // Assert
    const page = await confirmation.text();
    const href = /<a class="button" href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const url = new URL(href);
    expect(url.origin).toBe('https://checkout.example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      advisor: offer.partner.advisorCode,
      offer: offer.summaryId,
      items: 'M365_BUSINESS_BASIC:25,TEAMS_ESSENTIALS:4',
      terms: 'M365_BUSINESS_BASIC:P1M:monthly,TEAMS_ESSENTIALS:P1Y:monthly',
      lines: 'M365_BUSINESS_BASIC:25:P1M:monthly,TEAMS_ESSENTIALS:4:P1Y:monthly',
      da: 'false',
    });
  });

  it('fills them with P1Y/annual for an acceptance of an offer made before terms existed', async () => {
    const offer = await seedOffer({ delegatedAdmin: false });
    const submission = await customer.openForm(offer);
    const fields = acceptFields(submission);
    delete fields.delegatedAdmin;
    const accepted = await customer.post(offer, 'accept', fields);
    expect(accepted.status).toBe(303);

    const page = await (await browserRequest(`${api.baseUrl}${accepted.headers.get('location')}`)).text();

    const href = /<a class="button" href="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(new URL(href).searchParams.get('terms')).toBe(
      'M365_BUSINESS_STANDARD:P1Y:annual,TEAMS_ESSENTIALS:P1Y:annual',
    );
  });
});
