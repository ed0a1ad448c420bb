/**
 * Capacity units per item, by AWS's documented rules ("Read/write capacity mode", DynamoDB
 * Developer Guide, 2026-11) applied to item sizes measured on DynamoDB Local: a read is 1 unit per
 * 4 KB strongly consistent, half that eventually consistent, at least one 4 KB step even when no
 * item is found; a write is 1 unit per 1 KB (an update: of the item as written); transactions cost
 * twice that, ConditionCheck items included. DynamoDB Local's own ConsumedCapacity over-reports
 * transactions, hence this computation (the requests are still the ones measured on the wire).
 */

type AttributeValue = Record<string, unknown>;

/** Bytes of one value in DynamoDB's marshalled JSON form, as DynamoDB sizes it. */
export function attributeValueSize(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner), 'utf8');
    case 'N':
      // Up to 38 significant digits, about one byte per two digits, plus one.
      return (
        Math.ceil(
          String(inner)
            .replace(/^-|\.|e.*$/gi, '')
            .replace(/^0+/, '').length / 2,
        ) + 1
      );
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (inner as string[]).reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, n) => sum + attributeValueSize({ N: n }), 0);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, v) => sum + attributeValueSize(v) + 1, 0);
    case 'M':
      return 3 + itemSize(inner as Record<string, AttributeValue>) + Object.keys(inner as object).length;
    default:
      return 0;
  }
}

/** Bytes of an item: every attribute's name (UTF-8) and value. */
export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeValueSize(value),
    0,
  );
}

export const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** A key in marshalled form, `{ PK: { S: … }, SK: { S: … } }`. */
export type MarshalledKey = { PK: { S: string }; SK: { S: string } };

/** What one request did to one item. */
export interface ItemUnits {
  readonly pk: string;
  readonly sk: string;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/**
 * The units each item took in `requests` (operation and JSON body, as a proxy saw them);
 * `storedSize` gives an item's size as stored after the requests (0 when absent).
 */
export async function unitsOf(
  requests: readonly { operation: string; body: string }[],
  storedSize: (key: MarshalledKey) => Promise<number>,
): Promise<ItemUnits[]> {
  const out: ItemUnits[] = [];
  const touch = (key: MarshalledKey, r: number, w: number) =>
    out.push({ pk: key.PK.S, sk: key.SK.S, readUnits: r, writeUnits: w });
  const keyOf = (item: Record<string, AttributeValue>) => ({ PK: item.PK, SK: item.SK }) as MarshalledKey;
  for (const { operation, body } of requests) {
    const input = JSON.parse(body) as Record<string, unknown>;
    if (operation === 'GetItem') {
      const key = input.Key as MarshalledKey;
      touch(key, readUnits(await storedSize(key), input.ConsistentRead === true), 0);
    } else if (operation === 'PutItem') {
      const item = input.Item as Record<string, AttributeValue>;
      touch(keyOf(item), 0, writeUnits(itemSize(item)));
    } else if (operation === 'UpdateItem') {
      const key = input.Key as MarshalledKey;
      touch(key, 0, writeUnits(await storedSize(key)));
    } else if (operation === 'BatchGetItem') {
      for (const request of Object.values(input.RequestItems as Record<string, { Keys: MarshalledKey[] }>)) {
        for (const key of request.Keys)
          touch(
            key,
            readUnits(await storedSize(key), (request as { ConsistentRead?: boolean }).ConsistentRead === true),
            0,
          );
      }
    } else if (operation === 'TransactWriteItems') {
      for (const entry of input.TransactItems as Record<string, Record<string, unknown>>[]) {
        const [kind, part] = Object.entries(entry)[0] ?? [];
        if (!part) continue;
        if (kind === 'Put') {
          const item = part.Item as Record<string, AttributeValue>;
          touch(keyOf(item), 0, 2 * writeUnits(itemSize(item)));
        } else {
          const key = part.Key as MarshalledKey;
          touch(key, 0, 2 * writeUnits(await storedSize(key)));
        }
      }
    } else {
      throw new Error(`units of ${operation} are not modelled here`);
    }
  }
  return out;
}

/** The item that took the most units (reads and writes apart), and the totals. */
export function summarize(units: readonly ItemUnits[]): {
  readUnits: number;
  writeUnits: number;
  hottest: ItemUnits | undefined;
} {
  const byItem = new Map<string, ItemUnits>();
  for (const u of units) {
    const id = `${u.pk}|${u.sk}`;
    const seen = byItem.get(id);
    byItem.set(
      id,
      seen ? { ...seen, readUnits: seen.readUnits + u.readUnits, writeUnits: seen.writeUnits + u.writeUnits } : u,
    );
  }
  const items = [...byItem.values()];
  const weight = (u: ItemUnits) => u.writeUnits * 3 + u.readUnits; // a WCU is 3× scarcer per partition
  return {
    readUnits: units.reduce((sum, u) => sum + u.readUnits, 0),
    writeUnits: units.reduce((sum, u) => sum + u.writeUnits, 0),
    hottest: items.sort((a, b) => weight(b) - weight(a))[0],
  };
}
