import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INDEXES } from '../../shared/db/table.ts';
import type { FunctionSpec, TableGrant } from '../../shared/routes.ts';

/**
 * A stand-in for IAM in front of DynamoDB Local: it lets a request through only if one of a
 * function's table grants (shared/routes.ts) allows its action on every partition key it touches,
 * as `dynamodb:LeadingKeys` with `ForAllValues:StringLike` does on AWS; otherwise it answers
 * AccessDeniedException as DynamoDB would and records the denial. Transactions are checked item by
 * item (IAM authorises each item's own action); a Query is checked on the partition key value of
 * its key condition, on the table or on an index (GSI1, GSI2).
 */
export interface Denial {
  readonly action: string;
  readonly keys: readonly string[];
  readonly index?: string;
}

interface Access {
  readonly action: string;
  readonly keys: string[];
  readonly index?: string;
}

type Json = Record<string, unknown>;
const stringOf = (value: unknown) => (value as { S?: string } | undefined)?.S ?? '';

/** IAM StringLike: `*` any run of characters, `?` one character. */
export function stringLike(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** The partition key value a Query's key condition names (`PK = :pk`, `#pk = :pk`, `GSI1PK = :pk`, `GSI2PK = :pk`). */
function queryPartition(body: Json): string {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const index = Object.values(INDEXES).find((candidate) => candidate.indexName === body.IndexName);
  const keyAttribute = index ? index.partitionKey : 'PK';
  for (const [, name, placeholder] of String(body.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[name as string] ?? name) === keyAttribute) return stringOf(values[placeholder as string]);
  }
  return '';
}

/** What IAM would authorise for one request: an action on a set of partition keys, per statement. */
function accessesOf(target: string, body: Json): Access[] {
  const action = target.replace(/^DynamoDB_\d+\./, '');
  const pk = (item: unknown) => stringOf((item as Json | undefined)?.PK);
  switch (action) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ action, keys: [pk(body.Key)] }];
    case 'PutItem':
      return [{ action, keys: [pk(body.Item)] }];
    case 'BatchGetItem':
      return Object.values((body.RequestItems ?? {}) as Record<string, { Keys: unknown[] }>).map((request) => ({
        action,
        keys: request.Keys.map(pk),
      }));
    case 'Query':
      // Grants name an index by its key in INDEXES (GSI1, GSI2), requests by its table name.
      return [
        {
          action,
          keys: [queryPartition(body)],
          ...(body.IndexName
            ? {
                index:
                  Object.entries(INDEXES).find(([, index]) => index.indexName === body.IndexName)?.[0] ??
                  String(body.IndexName),
              }
            : {}),
        },
      ];
    case 'TransactWriteItems':
      return ((body.TransactItems ?? []) as Json[]).map((item) => {
        const [kind, operation] = Object.entries(item)[0] as [string, Json];
        const itemAction = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' }[kind] ?? `${kind}Item`;
        return { action: itemAction, keys: [pk(operation.Item ?? operation.Key)] };
      });
    default:
      // Scan, BatchWriteItem, table operations: no grant lists them.
      return [{ action, keys: [] }];
  }
}

function allowed(grants: readonly TableGrant[], access: Access): boolean {
  return grants.some(
    (grant) =>
      grant.actions.includes(access.action as never) &&
      (grant.index ?? undefined) === access.index &&
      access.keys.length > 0 &&
      access.keys.every((key) => grant.partitions.some((pattern) => stringLike(pattern, key))),
  );
}

export class LeadingKeysProxy {
  readonly denials: Denial[] = [];
  /** Every access let through, for tests that check a path was exercised at all. */
  readonly allowed: Denial[] = [];
  /** Set by start(). */
  url = '';
  private readonly server: Server;

  constructor(
    private readonly upstream: string,
    private readonly spec: FunctionSpec,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const target = String(req.headers['x-amz-target'] ?? '');
        const accesses = accessesOf(target, JSON.parse(raw.toString('utf8') || '{}') as Json);
        const denied = accesses.filter((access) => !allowed(this.spec.table ?? [], access));
        if (denied.length > 0) {
          this.denials.push(...denied);
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({
              __type: 'com.amazon.coral.service#AccessDeniedException',
              message: `not authorized to perform ${denied[0]?.action} on ${denied[0]?.keys.join(', ')}`,
            }),
          );
          return;
        }
        this.allowed.push(...accesses);
        const url = new URL(this.upstream);
        const forward = request(
          { host: url.hostname, port: url.port, path: req.url, method: req.method, headers: req.headers },
          (upstream) => {
            res.writeHead(upstream.statusCode ?? 500, upstream.headers);
            upstream.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(raw);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
