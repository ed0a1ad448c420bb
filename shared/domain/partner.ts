/** Only partners that manage fewer than this many customers may create offers. */
export const MAX_CUSTOMERS_FOR_OFFERS = 100;

export interface PartnerContact {
  readonly name: string;
  readonly email: string;
  readonly phone?: string;
}

export interface Partner {
  readonly partnerId: string;
  readonly name: string;
  /** The partner's advisor code on the vendor side; recorded on every purchase made through an offer. */
  readonly advisorCode: string;
  readonly customerCount: number;
  readonly delegatedAdminCertified: boolean;
  readonly contact: PartnerContact;
  readonly logoUrl?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function mayCreateOffers(partner: Pick<Partner, 'customerCount'>): boolean {
  return partner.customerCount < MAX_CUSTOMERS_FOR_OFFERS;
}

/** Port for partner profiles; the DynamoDB adapter is DynamoPartnerStore (shared/db/partners.ts). */
export interface PartnerStore {
  /** ConflictError when the partner id is taken. */
  create(partner: Partner): Promise<void>;
  get(partnerId: string): Promise<Partner | undefined>;
  /** NotFoundError when the partner does not exist. */
  setCustomerCount(partnerId: string, customerCount: number, at: string): Promise<Partner>;
}
