import { idempotencyFromItem, idempotencyKeys, idempotencyToItem } from '../../shared/db/idempotency.ts';
import type { IdempotencyRecord } from '../../shared/domain/idempotency.ts';

function record(responseBody: string): IdempotencyRecord {
  return {
    partnerId: 'p-1',
    key: 'k-1',
    operation: 'create-offer',
    requestHash: 'a'.repeat(64),
    statusCode: 201,
    responseBody,
    location: '/v1/offers/ABCD-EFGH-JKMN-PQRS-TVWX',
    createdAt: '2026-11-30T00:00:00.000Z',
    expiresAtEpoch: 1_796_083_200,
  };
}

describe('idempotency record items', () => {
  it('store the body brotli-compressed, not as text, and give back the exact string', () => {
    // A body like a create's: JSON with an HTML message, non-ASCII text and escapes.
    const body = JSON.stringify({
      summaryId: 'ABCD-EFGH-JKMN-PQRS-TVWX',
      message: { html: '<table><tr><td>Olá, São Paulo — “oferta” ✓</td></tr></table>'.repeat(200) },
      note: 'line\nbreak \u2028 and \ud83d\ude00',
    });
    const original = record(body);

    const item = idempotencyToItem(original);

    expect(item).not.toHaveProperty('responseBody');
    expect(item.responseBodyBr).toBeInstanceOf(Uint8Array);
    expect(item.responseBodyBr.length).toBeLessThan(Buffer.byteLength(body) / 10);
    expect(item).toMatchObject({ PK: idempotencyKeys.pk('p-1'), SK: idempotencyKeys.sk('k-1'), entity: 'idempotency' });
    expect(idempotencyFromItem({ ...item })).toEqual(original);
  });

  it('read records written before compression, whose body is text', () => {
    const original = record('{"summaryId":"OLD"}');
    const legacyItem = { PK: 'PARTNER#p-1', SK: 'IDEMPOTENCY#k-1', entity: 'idempotency', ...original };

    expect(idempotencyFromItem(legacyItem)).toEqual(original);
  });
});
