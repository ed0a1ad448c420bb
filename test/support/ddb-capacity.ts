import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of DynamoDB Local that measures what each request consumed: it adds
 * `ReturnConsumedCapacity: INDEXES` to every request that takes it and sums the `ConsumedCapacity`
 * DynamoDB Local answers with (the same rules as AWS: 4 KB per strongly consistent read unit, half
 * for eventually consistent, 1 KB per write unit, twice that in a transaction), per table and per
 * index, and the items each Query evaluated (`ScannedCount`). The handlers under test are unchanged:
 * the measurement is on the wire. DynamoDB Local does not check request signatures, so the rewritten
 * body still passes.
 *
 * TransactWriteItems is the exception: DynamoDB Local reports its units doubled once more than AWS
 * bills them (measured: two 3 KB puts in one transaction report 24 table units, AWS's rules give
 * 12), so for a transaction the proxy applies AWS's rules to the items the request puts: 2 units per
 * KB (rounded up per item) on the table, and for each index whose keys the item carries, 1 unit per
 * KB of its index entry (table keys, index keys and the projected attributes). Updates and condition
 * checks inside a transaction are counted in `transactUnmodelled` instead (their size depends on the
 * stored item).
 */
export interface CapacityTally {
  /** Requests by operation, e.g. { Query: 2, BatchGetItem: 1 }. */
  readonly requests: Record<string, number>;
  /** Read units on the table itself (not its indexes). */
  readonly tableReadUnits: number;
  readonly tableWriteUnits: number;
  /** Read and write units per global secondary index, by index name. */
  readonly indexReadUnits: Record<string, number>;
  readonly indexWriteUnits: Record<string, number>;
  /** Items evaluated by Queries (before any filter), and items they returned. */
  readonly queryScanned: number;
  readonly queryReturned: number;
  /** Transaction items whose units the proxy does not model (Update, ConditionCheck, Delete). */
  readonly transactUnmodelled: number;
  /**
   * Index write units of transactions as DynamoDB Local reports them, by index: inflated (see
   * above), but zero exactly when a transaction wrote no index entry, whatever its items were.
   */
  readonly localTransactIndexWriteUnits: Record<string, number>;
}

/** An index as CreateTable describes it (see createTableInput in shared/db/table.ts). */
export interface IndexShape {
  readonly IndexName: string;
  readonly KeySchema: readonly { readonly AttributeName: string }[];
  readonly Projection: { readonly ProjectionType: string; readonly NonKeyAttributes?: readonly string[] };
}

type AttributeValue = Record<string, unknown>;

/**
 * An item's size by DynamoDB's rules (AWS docs "Item sizes and formats", 2026-11): attribute name
 * bytes plus value bytes; strings and binaries their length, numbers ~1 byte per 2 digits + 1,
 * booleans and nulls 1 byte, maps and lists 3 bytes plus 1 per element plus their contents.
 */
export function itemSize(item: Readonly<Record<string, AttributeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function valueSize(value: AttributeValue): number {
  if (typeof value.S === 'string') return Buffer.byteLength(value.S, 'utf8');
  if (typeof value.N === 'string') return Math.ceil(value.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (typeof value.B === 'string') return Buffer.from(value.B, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if (value.M && typeof value.M === 'object') {
    const entries = Object.entries(value.M as Record<string, AttributeValue>);
    return 3 + entries.reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + valueSize(v) + 1, 0);
  }
  if (Array.isArray(value.L)) return 3 + (value.L as AttributeValue[]).reduce((sum, v) => sum + valueSize(v) + 1, 0);
  for (const set of ['SS', 'NS', 'BS'] as const) {
    if (Array.isArray(value[set])) return (value[set] as string[]).reduce((sum, v) => sum + Buffer.byteLength(v), 0);
  }
  return 0;
}

function indexEntrySize(
  item: Readonly<Record<string, AttributeValue>>,
  index: IndexShape,
  tableKeys: readonly string[],
): number | undefined {
  const keys = index.KeySchema.map((key) => key.AttributeName);
  if (!keys.every((key) => key in item)) return undefined; // sparse: no entry
  if (index.Projection.ProjectionType === 'ALL') return itemSize(item);
  const projected = new Set([...tableKeys, ...keys, ...(index.Projection.NonKeyAttributes ?? [])]);
  return itemSize(Object.fromEntries(Object.entries(item).filter(([name]) => projected.has(name))));
}

export interface DynamoDbCapacityProxy {
  readonly endpoint: string;
  tally(): CapacityTally;
  reset(): void;
  close(): Promise<void>;
}

const TAKES_CAPACITY = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

interface Consumed {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

function emptyTally(): {
  requests: Record<string, number>;
  tableReadUnits: number;
  tableWriteUnits: number;
  indexReadUnits: Record<string, number>;
  indexWriteUnits: Record<string, number>;
  queryScanned: number;
  queryReturned: number;
  transactUnmodelled: number;
  localTransactIndexWriteUnits: Record<string, number>;
} {
  return {
    requests: {},
    tableReadUnits: 0,
    tableWriteUnits: 0,
    indexReadUnits: {},
    indexWriteUnits: {},
    queryScanned: 0,
    queryReturned: 0,
    transactUnmodelled: 0,
    localTransactIndexWriteUnits: {},
  };
}

/**
 * @param target DynamoDB Local's endpoint.
 * @param indexes the table's global secondary indexes, for transactions' index units.
 */
export async function startDynamoDbCapacityProxy(
  target: string,
  indexes: readonly IndexShape[],
  tableKeys: readonly string[] = ['PK', 'SK'],
): Promise<DynamoDbCapacityProxy> {
  const upstream = new URL(target);
  let tally = emptyTally();

  const addTransaction = (request: { TransactItems?: Record<string, { Item?: Record<string, AttributeValue> }>[] }) => {
    for (const entry of request.TransactItems ?? []) {
      const put = entry.Put?.Item;
      if (!put) {
        tally.transactUnmodelled++;
        continue;
      }
      tally.tableWriteUnits += 2 * Math.ceil(itemSize(put) / 1024);
      for (const index of indexes) {
        const size = indexEntrySize(put, index, tableKeys);
        if (size === undefined) continue;
        tally.indexWriteUnits[index.IndexName] = (tally.indexWriteUnits[index.IndexName] ?? 0) + Math.ceil(size / 1024);
      }
    }
  };

  const add = (consumed: Consumed, reads: boolean): void => {
    // DynamoDB Local answers `CapacityUnits` (and for some operations Read/WriteCapacityUnits):
    // which one it is follows from the operation.
    const amount = (part: { CapacityUnits?: number } | undefined) => part?.CapacityUnits ?? 0;
    if (reads) tally.tableReadUnits += consumed.Table ? amount(consumed.Table) : amount(consumed);
    else tally.tableWriteUnits += consumed.Table ? amount(consumed.Table) : amount(consumed);
    for (const [name, index] of Object.entries(consumed.GlobalSecondaryIndexes ?? {})) {
      const bucket = reads ? tally.indexReadUnits : tally.indexWriteUnits;
      bucket[name] = (bucket[name] ?? 0) + amount(index);
    }
  };

  const server: Server = createServer((req, res) => {
    const operation =
      String(req.headers['x-amz-target'] ?? 'unknown')
        .split('.')
        .pop() ?? 'unknown';
    tally.requests[operation] = (tally.requests[operation] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (TAKES_CAPACITY.has(operation)) {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        parsed.ReturnConsumedCapacity = 'INDEXES';
        body = Buffer.from(JSON.stringify(parsed), 'utf8');
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (upstreamRes) => {
          const answer: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => answer.push(chunk));
          upstreamRes.on('end', () => {
            const text = Buffer.concat(answer);
            if (operation === 'TransactWriteItems' && (upstreamRes.statusCode ?? 500) < 300) {
              // Counted by AWS's rules, not by DynamoDB Local's figure (kept apart, for index writes).
              addTransaction(JSON.parse(body.toString('utf8')));
              const parsed = JSON.parse(text.toString('utf8')) as { ConsumedCapacity?: Consumed[] };
              for (const entry of parsed.ConsumedCapacity ?? []) {
                for (const [name, index] of Object.entries(entry.GlobalSecondaryIndexes ?? {})) {
                  tally.localTransactIndexWriteUnits[name] =
                    (tally.localTransactIndexWriteUnits[name] ?? 0) + (index.CapacityUnits ?? 0);
                }
              }
            } else if (TAKES_CAPACITY.has(operation) && (upstreamRes.statusCode ?? 500) < 300) {
              const parsed = JSON.parse(text.toString('utf8')) as {
                ConsumedCapacity?: Consumed | Consumed[];
                ScannedCount?: number;
                Count?: number;
              };
              const consumed = parsed.ConsumedCapacity;
              const reads = READS.has(operation);
              for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) add(entry, reads);
              if (operation === 'Query') {
                tally.queryScanned += parsed.ScannedCount ?? 0;
                tally.queryReturned += parsed.Count ?? 0;
              }
            }
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(text);
          });
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
    tally: () => structuredClone(tally),
    reset: () => {
      tally = emptyTally();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every read unit of a tally, table and indexes. */
export function totalReadUnits(tally: CapacityTally): number {
  return tally.tableReadUnits + Object.values(tally.indexReadUnits).reduce((sum, units) => sum + units, 0);
}

/** Every write unit of a tally, table and indexes. */
export function totalWriteUnits(tally: CapacityTally): number {
  return tally.tableWriteUnits + Object.values(tally.indexWriteUnits).reduce((sum, units) => sum + units, 0);
}
