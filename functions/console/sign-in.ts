import type { PageHandler } from '../../shared/http/route-group.ts';

// Skeleton: sign-in and sign-out are being built.
export const signInPage: PageHandler = async () => {
  throw new Error('not built yet: signInPage');
};
export const signIn: PageHandler = async () => {
  throw new Error('not built yet: signIn');
};
export const signOut: PageHandler = async () => {
  throw new Error('not built yet: signOut');
};
