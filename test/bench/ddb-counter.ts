import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A counting proxy in front of DynamoDB Local: every request a handler makes passes through it and
 * is tallied by operation (the X-Amz-Target header), so request counts are measured on the wire,
 * whatever client or module made them.
 */
export interface DynamoDbCounter {
  readonly endpoint: string;
  /** Requests since the last reset, by operation, e.g. { UpdateItem: 1 }. */
  counts(): Record<string, number>;
  /** Requests since the last reset, in order, with their JSON bodies (for capacity units). */
  requests(): { operation: string; body: string }[];
  reset(): void;
  close(): Promise<void>;
}

export async function startDynamoDbCounter(target: string): Promise<DynamoDbCounter> {
  const upstream = new URL(target);
  let tally: Record<string, number> = {};
  let seen: { operation: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    tally[operation] = (tally[operation] ?? 0) + 1;
    const chunks: Buffer[] = [];
    const entry = { operation, body: '' };
    seen.push(entry);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      entry.body = Buffer.concat(chunks).toString('utf8');
    });
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...tally }),
    requests: () => seen.map((entry) => ({ ...entry })),
    reset: () => {
      tally = {};
      seen = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `{ UpdateItem: 1, GetItem: 2 }` → `3 (GetItem 2, UpdateItem 1)`. */
export function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return entries.length === 0 ? '0' : `${total} (${entries.map(([op, n]) => `${op} ${n}`).join(', ')})`;
}
