import type { TableRef } from '../../shared/db/client.ts';
import { hashApiKey } from '../../shared/domain/api-key.ts';
import { PartnerAdmin } from '../ops/partner-admin.ts';

export const DEMO_PARTNER_ID = 'demo-partner';

/** Seeds the demo partner and its key; running it again on persisted data changes nothing. */
export async function seedDemo(table: TableRef, apiKey: string): Promise<void> {
  const admin = new PartnerAdmin(table);
  if (!(await admin.partners.get(DEMO_PARTNER_ID))) {
    await admin.createPartner({
      partnerId: DEMO_PARTNER_ID,
      name: 'Contoso Cloud Advisors',
      advisorCode: '4412345',
      customerCount: 42,
      delegatedAdminCertified: true,
      contact: { name: 'Ana Souza', email: 'ana.souza@contoso-advisors.example', phone: '+55 11 4000-1234' },
      logoUrl: 'https://contoso-advisors.example/logo.png',
    });
  }
  if (!(await admin.keys.getByHash(hashApiKey(apiKey)))) {
    await admin.issueKey(DEMO_PARTNER_ID, 'demo key (npm start)', apiKey);
  }
}
