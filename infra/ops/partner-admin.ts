import { DynamoApiKeyStore } from '../../shared/db/api-keys.ts';
import { DynamoPartnerStore } from '../../shared/db/partners.ts';
import type { Table } from '../../shared/db/port.ts';
import { type ApiKeyRecord, apiKeyIdOf, generateApiKey, hashApiKey } from '../../shared/domain/api-key.ts';
import { NotFoundError } from '../../shared/domain/errors.ts';
import type { Partner, PartnerContact } from '../../shared/domain/partner.ts';

/** Operations on partners and keys, shared by the ops CLI and the local demo seed. */
export class PartnerAdmin {
  readonly partners: DynamoPartnerStore;
  readonly keys: DynamoApiKeyStore;

  constructor(
    table: Table,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.partners = new DynamoPartnerStore(table);
    this.keys = new DynamoApiKeyStore(table);
  }

  async createPartner(input: {
    partnerId: string;
    name: string;
    advisorCode: string;
    customerCount: number;
    delegatedAdminCertified: boolean;
    contact: PartnerContact;
    logoUrl?: string;
  }): Promise<Partner> {
    const at = this.now().toISOString();
    const partner: Partner = { ...input, createdAt: at, updatedAt: at };
    await this.partners.create(partner);
    return partner;
  }

  /** Returns the plain key: the only time it exists outside the caller's hands. */
  async issueKey(
    partnerId: string,
    label: string,
    key: string = generateApiKey(),
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!(await this.partners.get(partnerId))) {
      throw new NotFoundError('partner-not-found', 'Partner not found', `No partner ${partnerId}.`);
    }
    const keyHash = hashApiKey(key);
    const record: ApiKeyRecord = {
      keyHash,
      keyId: apiKeyIdOf(keyHash),
      partnerId,
      label,
      createdAt: this.now().toISOString(),
    };
    await this.keys.put(record);
    return { key, record };
  }

  revokeKey(partnerId: string, keyId: string): Promise<ApiKeyRecord> {
    return this.keys.revoke(partnerId, keyId, this.now().toISOString());
  }

  setCustomerCount(partnerId: string, customerCount: number): Promise<Partner> {
    return this.partners.setCustomerCount(partnerId, customerCount, this.now().toISOString());
  }
}
