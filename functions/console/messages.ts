import type { ApiResult } from '../../shared/http/types.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { html } from '../../shared/render/html.ts';
import type { MessageText } from './auth-text.ts';
import { consolePage, type FrameSession } from './layout.ts';

/** A link a message page offers (a local path the console builds, never outside input). */
export interface MessageLink {
  readonly href: string;
  readonly text: string;
}

/** A console page that says what happened and what to do next: errors, refusals, sign-out. */
export function messagePage(
  statusCode: number,
  locale: Locale,
  text: MessageText,
  options: { link?: MessageLink; headers?: Record<string, string>; session?: FrameSession } = {},
): ApiResult {
  const link = options.link ? html`<p><a href="${options.link.href}">${options.link.text}</a></p>` : '';
  return consolePage(
    statusCode,
    {
      locale,
      title: text.title,
      main: html`<h1>${text.title}</h1><p>${text.body}</p>${link}`,
      ...(options.session ? { session: options.session } : {}),
    },
    options.headers,
  );
}

/** A 303 to a local path, never cached. */
export function seeOther(location: string, cookies?: readonly string[]): ApiResult {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store' },
    body: '',
    ...(cookies && cookies.length > 0 ? { cookies: [...cookies] } : {}),
  };
}
