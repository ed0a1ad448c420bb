import type { Offer } from '../../shared/domain/offer.ts';
import type { Partner } from '../../shared/domain/partner.ts';
import { generateSummaryId } from '../../shared/domain/summary-id.ts';

/** An offer as the create transaction would have made it (no items written). */
export function offerFixture(overrides: Partial<Offer> = {}): Offer {
  return {
    summaryId: generateSummaryId(),
    partnerId: 'p-fixture',
    officeId: 'office-1',
    officeName: 'São Paulo HQ',
    usageLocation: 'BR',
    items: [
      { sku: 'M365_BUSINESS_STANDARD', licenses: 10 },
      { sku: 'TEAMS_ESSENTIALS', licenses: 3 },
    ],
    delegatedAdmin: true,
    locale: 'en',
    customization: { intro: 'Hello from your advisor.' },
    partner: {
      name: 'Fabrikam Partners',
      advisorCode: '4400001',
      contact: { name: 'Pat Doe', email: 'pat@fabrikam.example', phone: '+55 11 4000-0000' },
    },
    createdAt: new Date().toISOString(),
    views: 0,
    acceptances: 0,
    declines: 0,
    ...overrides,
  };
}

/** The small offer unit tests use: one Business Basic line, no delegated admin, no customization. */
export function basicOffer(overrides: Partial<Offer> = {}): Offer {
  return offerFixture({
    summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
    partnerId: 'p-1',
    officeId: 'o-1',
    officeName: 'HQ',
    items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 4 }],
    delegatedAdmin: false,
    customization: {},
    partner: { name: 'Fabrikam', advisorCode: '4400001', contact: { name: 'Pat', email: 'pat@example.com' } },
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  });
}

/** A delegated-administration-certified partner with 10 customers, created and updated at `at`. */
export function partnerFixture(at: Date, overrides: Partial<Partner> = {}): Partner {
  return {
    partnerId: 'p-1',
    name: 'Fabrikam',
    advisorCode: '4400001',
    customerCount: 10,
    delegatedAdminCertified: true,
    contact: { name: 'Pat', email: 'pat@fabrikam.example' },
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    ...overrides,
  };
}
