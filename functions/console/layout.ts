import { createHash } from 'node:crypto';
import type { ApiResult } from '../../shared/http/types.ts';
import type { Locale } from '../../shared/i18n/locale.ts';
import { html, SafeHtml } from '../../shared/render/html.ts';
import { siteIconLink } from '../../shared/render/site-icon.ts';

// The frame every console page shares: navigation, the signed-in partner, sign-out, and the one
// stylesheet, all under a CSP that allows styles and scripts only by hash.

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1f;background:#f4f5f7}
header.bar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.5rem 1rem;background:#1b1b1f;color:#fff}
header.bar a{color:#fff}
header.bar nav{display:flex;gap:1rem;flex-wrap:wrap}
header.bar form{margin-left:auto}
header.bar button{width:auto;padding:.4rem .8rem;background:#45464f}
main{max-width:60rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh;overflow-wrap:break-word}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600}
input[type=number],input[type=text],input[type=email],input[type=tel],input[type=url],input[type=password],input[type=datetime-local],select,textarea{width:100%;padding:.6rem;font:inherit;border:1px solid #767680;border-radius:.4rem;background:#fff}
input[type=number]{max-width:9rem}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border:2px solid #b3261e}
.hint{margin:.2rem 0 0;color:#45464f;font-size:.9rem}
.error{margin:.2rem 0 0;color:#b3261e;font-weight:600}
fieldset{border:1px solid #c6c6d0;border-radius:.4rem;margin:0 0 1rem;padding:.75rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0;font-weight:400}
.choice input{margin-top:.35rem;width:1.1rem;height:1.1rem}
.alert{border-left:4px solid #b3261e;background:#fdecea;padding:.75rem;margin:1rem 0}
.alert h2{margin:0 0 .25rem;font-size:1.1rem}
.alert ul{margin:.25rem 0 0;padding-left:1.25rem}
.alert a{color:#8c1d18}
.alert:focus{outline:3px solid #ffb300;outline-offset:2px}
.notice{border-left:4px solid #0b57d0;background:#e8f0fe;padding:.75rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e3e8;vertical-align:top}
.table-wrap{overflow-x:auto}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border-radius:.4rem;border:0;background:#0b57d0;color:#fff;cursor:pointer;width:100%}
button.secondary{background:#e3e3e8;color:#1b1b1f}
button.danger{background:#b3261e}
a.button{display:inline-block;font-weight:600;padding:.75rem 1.25rem;border-radius:.4rem;background:#0b57d0;color:#fff;text-decoration:none}
a{color:#0b57d0;overflow-wrap:anywhere}
pre,.copyable{white-space:pre-wrap;background:#f4f5f7;padding:.75rem;border-radius:.4rem;border:1px solid #e3e3e8}
.preview{border:1px solid #c6c6d0;border-radius:.4rem;padding:.75rem}
[hidden]{display:none!important}
button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,a:focus-visible,summary:focus-visible{outline:3px solid #ffb300;outline-offset:2px}
footer{margin-top:2rem;font-size:.9rem;color:#45464f}
.skip{position:absolute;left:-9999px;top:.5rem;z-index:1;padding:.5rem 1rem;background:#fff;color:#0b57d0;font-weight:600}
.skip:focus{left:.5rem}
@media (min-width:40rem){button{width:auto}}
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The sha-256 of an inline script, as CSP's `script-src` names it. */
export function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
}

/**
 * The console's CSP: no script but the page's own inline scripts, by hash (progressive
 * enhancements: every page works without them); styles by hash; images from this origin (the QR
 * code, the service's icon) and https (partner logos); forms post to this origin only; never framed.
 */
export function consoleCsp(scripts: readonly string[] = []): string {
  return [
    "default-src 'none'",
    ...(scripts.length > 0 ? [`script-src ${scripts.map(scriptHash).join(' ')}`] : []),
    `style-src 'sha256-${STYLE_HASH}'`,
    "img-src 'self' https: data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The signed-in partner, as the frame shows it (absent on the sign-in page). */
export interface FrameSession {
  readonly csrfToken: string;
  /** The API key's label: the person or system the key was issued for. */
  readonly label?: string;
}

export interface ConsolePageInput {
  readonly locale: Locale;
  readonly title: string;
  readonly main: SafeHtml;
  readonly session?: FrameSession;
  /** Inline scripts (source text) the page carries; each is allowed by its hash. */
  readonly scripts?: readonly string[];
  /**
   * A local path (query allowed) the browser loads at once in place of this page (meta refresh):
   * how a navigation from another site comes back as a same-site one (session.ts).
   */
  readonly refreshTo?: string;
}

const FRAME_TEXT: Record<Locale, { product: string; offers: string; create: string; signOut: string; skip: string }> = {
  en: {
    product: 'Purchase offers',
    offers: 'Offers',
    create: 'Create purchase offer',
    signOut: 'Sign out',
    skip: 'Skip to content',
  },
  'pt-BR': {
    product: 'Ofertas de compra',
    offers: 'Ofertas',
    create: 'Criar oferta de compra',
    signOut: 'Sair',
    skip: 'Pular para o conteúdo',
  },
};

/** A complete console page as the response: HTML under the console CSP, never cached. */
export function consolePage(
  statusCode: number,
  input: ConsolePageInput,
  headers: Record<string, string> = {},
): ApiResult {
  const text = FRAME_TEXT[input.locale];
  // Always named: a partner who chose English on a browser asking for Portuguese keeps English.
  const lang = `?lang=${input.locale}`;
  const bar = input.session
    ? html`<header class="bar"><strong>${text.product}</strong>
<nav aria-label="${text.product}"><a href="/console/offers${lang}">${text.offers}</a> <a href="/console/offers/new${lang}">${text.create}</a></nav>
<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${input.session.csrfToken}"><input type="hidden" name="lang" value="${input.locale}">${input.session.label ? html`<span>${input.session.label}</span> ` : ''}<button type="submit">${text.signOut}</button></form>
</header>`
    : html`<header class="bar"><strong>${text.product}</strong></header>`;
  const scripts = input.scripts ?? [];
  const body = html`<!doctype html>
<html lang="${input.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
${siteIconLink}
${
  input.refreshTo
    ? html`<meta http-equiv="refresh" content="0; url=${input.refreshTo}">
`
    : ''
}<title>${input.title} – ${text.product}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><a class="skip" href="#main">${text.skip}</a>${bar}<main id="main" tabindex="-1">${input.main}</main>${scripts.map((source) => html`<script>${new SafeHtml(source)}</script>`)}</body>
</html>`.value;
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': consoleCsp(scripts),
      'cache-control': 'no-store',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
      vary: 'Cookie, Accept-Language',
      ...headers,
    },
    body,
  };
}
