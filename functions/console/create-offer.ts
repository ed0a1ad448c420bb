import type { ConsolePage } from './session.ts';

// Skeleton: each page is being built; until then it throws (the console answers 500).
export const createOfferForm: ConsolePage = async () => {
  throw new Error('not built yet: createOfferForm');
};
export const submitCreateOffer: ConsolePage = async () => {
  throw new Error('not built yet: submitCreateOffer');
};
export const syncOffices: ConsolePage = async () => {
  throw new Error('not built yet: syncOffices');
};
