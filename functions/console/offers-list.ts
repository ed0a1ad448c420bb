import type { ConsolePage } from './session.ts';

// Skeleton: each page is being built; until then it throws (the console answers 500).
export const offersList: ConsolePage = async () => {
  throw new Error('not built yet: offersList');
};
