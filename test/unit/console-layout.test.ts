import { createHash } from 'node:crypto';
import { consolePage } from '../../functions/console/layout.ts';
import { html } from '../../shared/render/html.ts';

describe('console frame: skip link', () => {
  it.each([
    ['en', 'Skip to content'],
    ['pt-BR', 'Pular para o conteúdo'],
  ] as const)('renders a link to the main content as the body’s first element (%s)', (locale, words) => {
    const page = consolePage(200, { locale, title: 'T', main: html`<h1>T</h1>`, session: { csrfToken: 'c' } });

    expect(page.body).toContain(`<body><a class="skip" href="#main">${words}</a><header class="bar">`);
    expect(page.body).toContain('<main id="main" tabindex="-1">');
  });

  it('hides it off-screen until it is focused, with styles the CSP allows by hash', () => {
    const page = consolePage(200, { locale: 'en', title: 'T', main: html`` });
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body ?? '')?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');

    expect(style).toMatch(/\.skip\{position:absolute;left:-9999px/);
    expect(style).toMatch(/\.skip:focus\{left:\.5rem\}/);
    expect(page.headers?.['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
  });
});
