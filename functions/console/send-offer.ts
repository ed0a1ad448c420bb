import type { ConsolePage } from './session.ts';

// Skeleton: each page is being built; until then it throws (the console answers 500).
export const sendOffer: ConsolePage = async () => {
  throw new Error('not built yet: sendOffer');
};
