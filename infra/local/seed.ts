import { partnerKeys } from '../../shared/db/partners.ts';
import type { Table } from '../../shared/db/port.ts';
import { hashApiKey } from '../../shared/domain/api-key.ts';
import { PartnerAdmin } from '../ops/partner-admin.ts';
import { DEMO_LOGO_PATH } from './demo-logo.ts';

export const DEMO_PARTNER_ID = 'demo-partner';

/**
 * Seeds the demo partner and its key; running it again on persisted data changes nothing but the
 * logo's URL, which follows the local gateway when it moves to another port.
 * `logoUrl`: the demo logo as the local gateway serves it (demoLogoUrl).
 */
export async function seedDemo(table: Table, apiKey: string, { logoUrl }: { logoUrl: string }): Promise<void> {
  const admin = new PartnerAdmin(table);
  const partner = await admin.partners.get(DEMO_PARTNER_ID);
  if (!partner) {
    await admin.createPartner({
      partnerId: DEMO_PARTNER_ID,
      name: 'Contoso Cloud Advisors',
      advisorCode: '4412345',
      customerCount: 42,
      delegatedAdminCertified: true,
      contact: { name: 'Ana Souza', email: 'ana.souza@contoso-advisors.example', phone: '+55 11 4000-1234' },
      logoUrl,
    });
  } else if (partner.logoUrl !== logoUrl && isDemoLogo(partner.logoUrl)) {
    await table.update({
      Key: { PK: partnerKeys.pk(DEMO_PARTNER_ID), SK: partnerKeys.sk() },
      UpdateExpression: 'SET logoUrl = :logoUrl',
      ExpressionAttributeValues: { ':logoUrl': logoUrl },
    });
  }
  if (!(await admin.keys.getByHash(hashApiKey(apiKey)))) {
    await admin.issueKey(DEMO_PARTNER_ID, 'demo key (npm start)', apiKey);
  }
}

/** A logo the seed put there: this runtime's on another port, or the off-line placeholder of older seeds. */
function isDemoLogo(url: string | undefined): boolean {
  return url === 'https://contoso-advisors.example/logo.png' || (url?.endsWith(DEMO_LOGO_PATH) ?? false);
}
