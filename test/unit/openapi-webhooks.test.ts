import { describe, expect, it } from '@jest/globals';
import { webhookEventOf } from '../../functions/offer-events/webhooks.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import { webhookEventViolations } from '../support/openapi-contract.ts';

/** An acceptance with every evidence field, as the offer page records it. */
function fullAcceptance(): Acceptance {
  return {
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    submissionId: 'sub-0001',
    companyName: 'Tailwind Traders',
    contactName: 'Rita Alves',
    firstName: 'Rita',
    lastName: 'Alves',
    email: 'rita@tailwind.example',
    phone: '+55 11 4000-0000',
    jobTitle: 'IT lead',
    purchaseOrder: 'PO-77',
    items: [
      {
        sku: 'M365_BUSINESS_STANDARD',
        name: 'Microsoft 365 Business Standard',
        licenses: 12,
        term: 'P1Y',
        billingFrequency: 'monthly',
        unitPrice: { currency: 'USD', monthlyUnitMinor: 1500, perBillingPeriodMinor: 1500, billingPeriodMonths: 1 },
      },
    ],
    delegatedAdmin: true,
    acceptedAt: '2026-11-29T10:00:00.000Z',
    catalogVersion: '2026-11-01',
    priceListVersion: '2026-11-01',
    disclosureVersion: 'v3',
    customerAgreement: {
      agreementUrl: 'https://www.microsoft.com/licensing/docs/customeragreement',
      dateAgreed: '2026-11-29',
      primaryContact: { firstName: 'Rita', lastName: 'Alves', email: 'rita@tailwind.example' },
    },
  };
}

describe('webhook bodies against the OpenAPI document', () => {
  it('offer.accepted, made from OfferAccepted, is the documented envelope with the acceptance snapshot', () => {
    const event = webhookEventOf({ type: 'OfferAccepted', partnerId: 'p-1', acceptance: fullAcceptance() });
    expect(webhookEventViolations(event)).toEqual([]);
  });

  it('offer.accepted of an acceptance recorded before the evidence fields existed matches too', () => {
    const { summaryId, submissionId, companyName, contactName, email, delegatedAdmin, acceptedAt } = fullAcceptance();
    const old: Acceptance = {
      summaryId,
      submissionId,
      companyName,
      contactName,
      email,
      delegatedAdmin,
      acceptedAt,
      items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 3 }],
    };
    expect(
      webhookEventViolations(webhookEventOf({ type: 'OfferAccepted', partnerId: 'p-1', acceptance: old })),
    ).toEqual([]);
  });

  it('offer.declined, made from OfferDeclined, carries the decline with and without a reason', () => {
    const decline = {
      summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      submissionId: 'sub-2',
      declinedAt: '2026-11-29T10:00:00.000Z',
    };
    const withReason = webhookEventOf({
      type: 'OfferDeclined',
      partnerId: 'p-1',
      decline: { ...decline, reason: 'Too dear' },
    });
    const withoutReason = webhookEventOf({ type: 'OfferDeclined', partnerId: 'p-1', decline });
    expect(webhookEventViolations(withReason)).toEqual([]);
    expect(webhookEventViolations(withoutReason)).toEqual([]);
  });

  it('reports a body whose envelope or data breaks the document', () => {
    const event = webhookEventOf({ type: 'OfferAccepted', partnerId: 'p-1', acceptance: fullAcceptance() });
    const { createdAt: _missing, ...withoutCreatedAt } = event;
    expect(webhookEventViolations(withoutCreatedAt).join('\n')).toMatch(/createdAt/);
    expect(webhookEventViolations({ ...event, data: { ...event.data, delegatedAdmin: 'yes' } }).join('\n')).toMatch(
      /delegatedAdmin/,
    );
    expect(webhookEventViolations({ ...event, type: 'offer.teleported' })).toEqual([
      'webhook offer.teleported: no schema at components/schemas/WebhookEvent-offer.teleported',
    ]);
  });
});
