import type { ConsolePage } from './session.ts';

// Skeleton: each page is being built; until then it throws (the console answers 500).
export const offerDetail: ConsolePage = async () => {
  throw new Error('not built yet: offerDetail');
};
export const offerQrCode: ConsolePage = async () => {
  throw new Error('not built yet: offerQrCode');
};
export const deactivateOffer: ConsolePage = async () => {
  throw new Error('not built yet: deactivateOffer');
};
export const reviseOfferForm: ConsolePage = async () => {
  throw new Error('not built yet: reviseOfferForm');
};
export const submitReviseOffer: ConsolePage = async () => {
  throw new Error('not built yet: submitReviseOffer');
};
