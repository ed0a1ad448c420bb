import { MICROSOFT_CUSTOMER_AGREEMENT } from '../../shared/catalog/customer-agreement.ts';
import type { Acceptance } from '../../shared/domain/acceptance.ts';
import type { Offer } from '../../shared/domain/offer.ts';
import { DISCLOSURE_VERSION } from './disclosure-version.ts';
import type { AcceptForm } from './form.ts';

/**
 * The acceptance as recorded: an immutable snapshot of who accepted what, at which price, under
 * which texts and when. Prices are the offer's snapshot of the chosen option (never re-read from
 * today's price list); catalog and price list versions are the offer's; the disclosure version is
 * the one this page shows. When the offer requires the customer agreement (the form only parses
 * with the box ticked), the attestation the partner needs: the agreement's address (catalog data,
 * never input), the UTC date agreed and the primary contact, who is the person accepting.
 */
export function acceptanceOf(
  offer: Offer,
  form: AcceptForm,
  { submissionId, now }: { submissionId: string; now: Date },
): Acceptance {
  const acceptedAt = now.toISOString();
  const contact = {
    firstName: form.firstName,
    lastName: form.lastName,
    email: form.email,
    ...(form.phone ? { phone: form.phone } : {}),
  };
  return {
    summaryId: offer.summaryId,
    submissionId,
    companyName: form.companyName,
    contactName: `${form.firstName} ${form.lastName}`,
    ...contact,
    ...(form.jobTitle ? { jobTitle: form.jobTitle } : {}),
    ...(form.purchaseOrder ? { purchaseOrder: form.purchaseOrder } : {}),
    items: form.items,
    delegatedAdmin: form.delegatedAdmin,
    acceptedAt,
    ...(offer.catalogVersion ? { catalogVersion: offer.catalogVersion } : {}),
    ...(offer.priceListVersion ? { priceListVersion: offer.priceListVersion } : {}),
    disclosureVersion: DISCLOSURE_VERSION,
    ...(offer.requireCustomerAgreement && form.agreedToCustomerAgreement
      ? {
          customerAgreement: {
            agreementUrl: MICROSOFT_CUSTOMER_AGREEMENT.url,
            dateAgreed: acceptedAt.slice(0, 10),
            primaryContact: contact,
          },
        }
      : {}),
  };
}
