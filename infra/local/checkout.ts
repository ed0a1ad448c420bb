import { createServer, type Server } from 'node:http';
import { escapeHtml } from '../../shared/render/html.ts';

/**
 * Stands in for the vendor's checkout on this machine, so an accepted offer locally lands
 * somewhere that shows what the real checkout would receive.
 */
export function createDemoCheckout(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rows = [...url.searchParams].map(
      ([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`,
    );
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'",
      'cache-control': 'no-store',
    });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo checkout</title></head><body>` +
        `<h1>Demo checkout</h1><p>On AWS this is the vendor's checkout. It received:</p>` +
        `<table>${rows.join('')}</table></body></html>`,
    );
  });
}

/** The local CHECKOUT_URL_TEMPLATE: the same placeholders as production, on the demo checkout. */
export function demoCheckoutTemplate(port: number): string {
  return `http://127.0.0.1:${port}/checkout?advisor={advisorCode}&offer={summaryId}&items={items}&terms={terms}&delegatedAdmin={delegatedAdmin}`;
}
