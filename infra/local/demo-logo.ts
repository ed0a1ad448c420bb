/**
 * The demo partner's logo, served by the local gateway itself so a newcomer's first offer page
 * shows a logo without reaching the internet. Same origin as the pages, which the page CSP's
 * img-src allows ('self').
 */
export const DEMO_LOGO_PATH = '/local/demo-logo.svg';

export const DEMO_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="64" viewBox="0 0 240 64" role="img" aria-label="Contoso Cloud Advisors">
<rect width="64" height="64" rx="12" fill="#0b57d0"/>
<path d="M44 22a14 14 0 1 0 0 20" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round"/>
<text x="76" y="30" font-family="system-ui,sans-serif" font-size="20" font-weight="700" fill="#1b1b1f">Contoso Cloud</text>
<text x="76" y="52" font-family="system-ui,sans-serif" font-size="16" fill="#45464f">Advisors</text>
</svg>
`;

/** The logo's URL on a local gateway at `baseUrl` (`http://127.0.0.1:3000`). */
export function demoLogoUrl(baseUrl: string): string {
  return `${baseUrl}${DEMO_LOGO_PATH}`;
}
