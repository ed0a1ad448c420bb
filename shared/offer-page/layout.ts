import { createHash } from 'node:crypto';
import type { ApiResult } from '../http/types.ts';
import type { Locale } from '../i18n/locale.ts';
import { html, SafeHtml } from '../render/html.ts';
import { siteIconLink } from '../render/site-icon.ts';
import { carriesLiveTotals, LIVE_TOTALS_SCRIPT_HASH } from './live-totals.ts';
import { PAGE_TEXT } from './page-text.ts';

// The frame every page under /o/ shares: the offer page's own pages and the fallback's not-found
// and method-not-allowed pages for customer paths.
/**
 * The only styles the pages use, allowed by hash in the CSP. The only script is the offer page's
 * optional live totals (./live-totals.ts), allowed by hash on the pages that carry it.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh;overflow-wrap:break-word}
header{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header img{max-height:3rem;max-width:10rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.lang{margin-left:auto;font-size:.9rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600}
input[type=number],input[type=text],input[type=email],input[type=tel],textarea{width:100%;padding:.6rem;font:inherit;border:1px solid #767680;border-radius:.4rem}
input[type=number]{max-width:9rem}
input[aria-invalid=true]{border:2px solid #b3261e}
.hint{margin:.2rem 0 0;color:#45464f;font-size:.9rem}
.error{margin:.2rem 0 0;color:#b3261e;font-weight:600}
fieldset{border:1px solid #c6c6d0;border-radius:.4rem;margin:0 0 1rem;padding:.75rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0;font-weight:400}
.choice input{margin-top:.35rem;width:1.1rem;height:1.1rem}
.disclosures li{margin:.3rem 0}
.line{margin:0 0 1.25rem;padding:0 0 .75rem;border-bottom:1px solid #e3e3e8}
.line .field{margin:0 0 .5rem}
.term,.price{margin:.2rem 0 0}
.line-total{font-weight:600}
.totals{display:grid;grid-template-columns:auto auto;gap:.25rem 1rem;margin:0;max-width:24rem}
.totals dd{margin:0;font-weight:600;text-align:right}
[hidden]{display:none!important}
.accepted li{margin:.5rem 0}
.alert{border-left:4px solid #b3261e;background:#fdecea;padding:.75rem;margin:1rem 0}
.alert h2{margin:0 0 .25rem;font-size:1.1rem}
.alert p{margin:0}
.alert ul{margin:.25rem 0 0;padding-left:1.25rem}
.alert li{margin:.25rem 0}
.alert a{color:#8c1d18}
.alert:focus{outline:3px solid #ffb300;outline-offset:2px}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border-radius:.4rem;border:0;background:#0b57d0;color:#fff;cursor:pointer;width:100%}
button.secondary{background:#e3e3e8;color:#1b1b1f}
a.button{display:inline-block;font-weight:600;padding:.75rem 1.25rem;border-radius:.4rem;background:#0b57d0;color:#fff;text-decoration:none}
a{overflow-wrap:anywhere}
button:focus-visible,input:focus-visible,textarea:focus-visible,a:focus-visible,summary:focus-visible{outline:3px solid #ffb300;outline-offset:2px}
details{margin:1.5rem 0}
.quote-by{margin-bottom:.25rem;color:#45464f;font-size:.9rem}
blockquote{margin:0 0 1rem;padding:.5rem .75rem;border-left:4px solid #c6c6d0;background:#f4f5f7}
blockquote p{margin:0;white-space:pre-line}
summary{cursor:pointer;color:#0b57d0}
footer{margin-top:2rem;font-size:.9rem;color:#45464f}
@media (min-width:40rem){button{width:auto}}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * No script (but the live totals' own, by hash, on a page that carries it), no frames, styles by
 * hash; forms post to this origin only. Accepting leads to the
 * checkout through a plain GET (the confirmation page's link and meta refresh), which form-action
 * does not govern: Chromium applies form-action to every redirect after a form post, so a checkout
 * that redirects on to its sign-in would otherwise be blocked.
 */
export function pageCsp({ liveTotals = false }: { liveTotals?: boolean } = {}): string {
  return [
    "default-src 'none'",
    ...(liveTotals ? [`script-src 'sha256-${LIVE_TOTALS_SCRIPT_HASH}'`] : []),
    `style-src 'sha256-${STYLE_HASH}'`,
    // Partner logos are https URLs validated when the offer was made; 'self' for the service's
    // icon and for the logo the local runtime serves for its demo partner (plain http on 127.0.0.1).
    "img-src https: 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * A page as the HTTP response customers get: under the page CSP, and never cached, since pages are
 * personalised and stateful. `Referrer-Policy: same-origin` (not no-referrer) because under
 * no-referrer browsers send `Origin: null` with form posts, and the form handler needs the real
 * origin to refuse cross-site posts; other origins still get no referrer.
 */
export function pageResponse(
  statusCode: number,
  body: string,
  { headers = {} }: { headers?: Record<string, string> } = {},
): ApiResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': pageCsp({ liveTotals: carriesLiveTotals(body) }),
      'cache-control': 'no-store, private',
      'referrer-policy': 'same-origin',
      vary: 'Accept-Language',
      ...headers,
    },
    body,
  };
}

/** `head`: extra elements for the head (the confirmation page's refresh). */
export function layout(locale: Locale, title: string, body: SafeHtml, head?: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
${siteIconLink}
${head ?? ''}<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`.value;
}

export function messagePage(
  locale: Locale,
  kind: 'notFound' | 'methodNotAllowed' | 'error' | 'busy' | 'crossSite',
): string {
  const text = PAGE_TEXT[locale];
  const pages: Record<typeof kind, readonly [string, string]> = {
    crossSite: [text.crossSiteTitle, text.crossSiteBody],
    notFound: [text.notFoundTitle, text.notFoundBody],
    methodNotAllowed: [text.methodNotAllowedTitle, text.methodNotAllowedBody],
    error: [text.errorTitle, text.errorBody],
    busy: [text.busyTitle, text.busyBody],
  };
  const [title, body] = pages[kind];
  return layout(locale, title, html`<h1>${title}</h1><p>${body}</p>`);
}
