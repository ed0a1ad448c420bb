import { randomUUID } from 'node:crypto';
import { liteTableFromEnv } from '../../shared/db/dynamodb-lite.ts';
import { sdkTableFromEnv } from '../../shared/db/sdk-table.ts';

/**
 * Binary attributes (a compressed answer in an idempotency record, say) through LiteTable: DynamoDB's
 * JSON protocol carries them as base64, in both directions, as the SDK does.
 */
const lite = liteTableFromEnv();
const sdk = sdkTableFromEnv();
afterAll(() => {
  lite.client.destroy();
  sdk.client.destroy();
});

const BYTES = Buffer.from([0, 1, 2, 250, 255, 27, 236]);

describe('LiteTable binary attributes on DynamoDB Local', () => {
  it('writes bytes (in a put and in a transaction) that the SDK reads back as the same bytes, and reads them back as bytes', async () => {
    const put = { PK: `LITE#${randomUUID()}`, SK: 'ITEM' };
    const transacted = { PK: `LITE#${randomUUID()}`, SK: 'ITEM' };
    // A map member named B is an attribute like any other, not a binary.
    const item = { body: BYTES, nested: { B: 'text', deeper: { bytes: BYTES } } };

    await lite.put({ Item: { ...put, ...item } });
    await lite.transactWrite([
      { Put: { Item: { ...transacted, ...item }, ConditionExpression: 'attribute_not_exists(PK)' } },
    ]);

    for (const key of [put, transacted]) {
      const viaSdk = await sdk.get({ Key: key, ConsistentRead: true });
      const viaLite = await lite.get({ Key: key, ConsistentRead: true });
      for (const read of [viaSdk, viaLite]) {
        if (!read) throw new Error(`nothing read back at ${key.PK}`);
        const nested = read.nested as { B: unknown; deeper: { bytes: Uint8Array } };
        expect(Buffer.from(read.body as Uint8Array)).toEqual(BYTES);
        expect(Buffer.from(nested.deeper.bytes)).toEqual(BYTES);
        expect(nested.B).toBe('text');
      }
    }
  });
});
