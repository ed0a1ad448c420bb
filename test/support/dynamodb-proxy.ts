import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the proxy: the operation (X-Amz-Target) and its JSON body. */
export interface ProxiedRequest {
  readonly operation: string;
  readonly body: string;
}

/**
 * A proxy in front of DynamoDB Local for tests of what a handler sends: it records every request
 * and forwards it, except requests matching `stall`, which it keeps open without forwarding or
 * answering (a DynamoDB that has stopped answering them), until `close`.
 */
export interface DynamoDbProxy {
  readonly endpoint: string;
  /** Every request since the last reset, in arrival order (stalled ones included). */
  requests(): ProxiedRequest[];
  /** Requests held open so far. */
  stalled(): ProxiedRequest[];
  reset(): void;
  /** Which requests to hold open from now on; undefined: none. */
  stall(match: ((request: ProxiedRequest) => boolean) | undefined): void;
  close(): Promise<void>;
}

export async function startDynamoDbProxy(target: string): Promise<DynamoDbProxy> {
  const upstream = new URL(target);
  let seen: ProxiedRequest[] = [];
  let held: ProxiedRequest[] = [];
  let match: ((request: ProxiedRequest) => boolean) | undefined;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation =
        String(req.headers['x-amz-target'] ?? 'unknown')
          .split('.')
          .pop() ?? 'unknown';
      const proxied = { operation, body: body.toString('utf8') };
      seen.push(proxied);
      if (match?.(proxied)) {
        held.push(proxied);
        return; // never answered: the client's own timeout is all that ends it
      }
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => [...seen],
    stalled: () => [...held],
    reset: () => {
      seen = [];
      held = [];
    },
    stall: (next) => {
      match = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
