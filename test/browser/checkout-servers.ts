import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDemoCheckout } from '../../infra/local/checkout.ts';

/**
 * A checkout like the vendors': its address answers with a redirect onward to another origin (its
 * sign-in, say), where the page is. Both on 127.0.0.1, on two ports: two origins to the browser.
 * `npm start` is pointed at the first through CHECKOUT_URL_TEMPLATE.
 */
export interface RedirectingCheckout {
  /** The CHECKOUT_URL_TEMPLATE: the first origin, with the production placeholders. */
  readonly template: string;
  /** Where the template points (the redirect's origin). */
  readonly entryOrigin: string;
  /** Where customers end up after the redirect. */
  readonly landingOrigin: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server
      .listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
      // Never what keeps jest running if start-up fails half-way.
      .unref(),
  );
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startRedirectingCheckout(): Promise<RedirectingCheckout> {
  const landing = createDemoCheckout();
  const landingOrigin = await listen(landing);
  // 302, as checkouts answer: the same path and query, on the other origin.
  const entry = createServer((req, res) => {
    res.writeHead(302, { location: `${landingOrigin}${req.url ?? '/'}`, 'cache-control': 'no-store' });
    res.end();
  });
  const entryOrigin = await listen(entry);
  return {
    template: `${entryOrigin}/checkout?advisor={advisorCode}&offer={summaryId}&items={items}&delegatedAdmin={delegatedAdmin}`,
    entryOrigin,
    landingOrigin,
    close: async () => {
      await Promise.all([close(entry), close(landing)]);
    },
  };
}
