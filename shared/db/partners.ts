import type { Partner } from '../domain/partner.ts';

// Keys and item mapping only, like offers.ts (which builds its GSI1 keys from these); the
// SDK-backed store is partner-store.ts.

export const partnerKeys = {
  pk: (partnerId: string) => `PARTNER#${partnerId}`,
  sk: () => 'PROFILE',
};

type PartnerItem = Partner & { PK: string; SK: string; entity: 'partner' };

export function partnerToItem(partner: Partner): PartnerItem {
  return { PK: partnerKeys.pk(partner.partnerId), SK: partnerKeys.sk(), entity: 'partner', ...partner };
}

export function partnerFromItem(item: Record<string, unknown>): Partner {
  const { PK: _pk, SK: _sk, entity: _entity, ...partner } = item as unknown as PartnerItem;
  return partner;
}
