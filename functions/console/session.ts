import type { PageHandler } from '../../shared/http/route-group.ts';
import type { ApiEvent, ApiResult } from '../../shared/http/types.ts';
import type { Locale } from '../../shared/i18n/locale.ts';

/** A signed-in console session, as pages see it. */
export interface ConsoleSession {
  readonly partnerId: string;
  /** The per-session CSRF token: every form posts it back in its `csrf` field. */
  readonly csrfToken: string;
  /** The API key's label: the person the key was issued for, when the ops CLI named one. */
  readonly label?: string;
}

/** What a signed-in page gets. */
export interface ConsoleRequest {
  readonly event: ApiEvent;
  readonly session: ConsoleSession;
  readonly locale: Locale;
  /** A POST's form fields, already read and CSRF-checked; absent for GET. */
  readonly form?: Readonly<Record<string, string>>;
}

export type ConsolePage = (request: ConsoleRequest) => Promise<ApiResult>;

/**
 * A page only a signed-in partner reaches: without a live session, GET redirects to the sign-in
 * page and POST is refused; a POST must also pass the CSRF checks before `page` runs.
 * (Skeleton: the session layer is being built; it throws until then.)
 */
export function signedIn(page: ConsolePage): PageHandler {
  return async (_event) => {
    void page;
    throw new Error('console sessions are not built yet');
  };
}
