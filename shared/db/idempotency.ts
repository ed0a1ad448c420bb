import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { IdempotencyRecord } from '../domain/idempotency.ts';
import type { Offer } from '../domain/offer.ts';
import { partnerKeys } from './partners.ts';
import type { Item, Table } from './port.ts';
import { TTL_ATTRIBUTE } from './table.ts';

// The claims a partner's requests make in its own partition: idempotency keys and offer
// references. Both are taken in the offer create transaction (shared/db/offers.ts).

/**
 * Idempotency records live in the partner's partition, so a key is scoped to the partner that
 * sent it: two partners may use the same key without ever seeing each other's responses.
 * DynamoDB TTL (`expiresAtEpoch`) removes them eventually; readers ignore expired ones at once.
 */
export const idempotencyKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (key: string) => `IDEMPOTENCY#${key}`,
};

/**
 * The stored record: the response body brotli-compressed into a Binary attribute
 * (`responseBodyBr`) instead of the text itself. A create's 201 body (the offer and its message,
 * 11-31 KB) is 63-66 % of the create transaction's write units as text; compressed it is ~2.5 KB
 * (quality 6, text mode: ~1 ms for 14 KB; quality 11 saves another 300 bytes for ~15 ms, not worth a
 * write unit less on most bodies). Decompression gives back the exact bytes, so a replay is still
 * byte for byte the first answer. Records written before the compression kept `responseBody` as
 * text and are still read (they expire within 24 h).
 */
type IdempotencyItem = Omit<IdempotencyRecord, 'responseBody'> & {
  PK: string;
  SK: string;
  entity: 'idempotency';
  responseBodyBr: Uint8Array;
};

const BROTLI_QUALITY = 6;

export function compressBody(body: string): Uint8Array {
  const bytes = Buffer.from(body, 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

export function decompressBody(stored: Uint8Array): string {
  return brotliDecompressSync(stored).toString('utf8');
}

export function idempotencyToItem(record: IdempotencyRecord): IdempotencyItem {
  const { responseBody, ...rest } = record;
  return {
    PK: idempotencyKeys.pk(record.partnerId),
    SK: idempotencyKeys.sk(record.key),
    entity: 'idempotency',
    ...rest,
    responseBodyBr: compressBody(responseBody),
  };
}

export function idempotencyFromItem(item: Item): IdempotencyRecord {
  const {
    PK: _pk,
    SK: _sk,
    entity: _entity,
    responseBodyBr,
    responseBody,
    ...record
  } = item as Item & {
    responseBodyBr?: Uint8Array;
    responseBody?: string;
  };
  const body = responseBodyBr instanceof Uint8Array ? decompressBody(responseBodyBr) : String(responseBody ?? '');
  return { ...(record as unknown as Omit<IdempotencyRecord, 'responseBody'>), responseBody: body };
}

/**
 * The condition under which a new record may take the key: none yet, or the old one has expired.
 * `:nowEpoch` is epochSeconds(now); `<=` is exactly the negation of isLive(), so the service and the
 * table never disagree about a record in its last second.
 */
export const IDEMPOTENCY_FREE_CONDITION = `attribute_not_exists(PK) OR ${TTL_ATTRIBUTE} <= :nowEpoch`;

export async function getIdempotencyRecord(
  table: Table,
  partnerId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const item = await table.get({
    Key: { PK: idempotencyKeys.pk(partnerId), SK: idempotencyKeys.sk(key) },
    ConsistentRead: true,
  });
  return item ? idempotencyFromItem(item) : undefined;
}

/**
 * A partner reference is claimed by its own item, so uniqueness holds under concurrency. It names
 * the offer that holds it (`summaryId`), which a 409 duplicate-reference hands back to the partner.
 */
export const offerReferenceKeys = {
  pk: (partnerId: string) => partnerKeys.pk(partnerId),
  sk: (reference: string) => `OFFERREF#${reference}`,
};

export interface OfferReferenceItem {
  PK: string;
  SK: string;
  entity: 'offerReference';
  summaryId: string;
  createdAt: string;
}

export function offerReferenceToItem(offer: Offer & { reference: string }): OfferReferenceItem {
  return {
    PK: offerReferenceKeys.pk(offer.partnerId),
    SK: offerReferenceKeys.sk(offer.reference),
    entity: 'offerReference',
    summaryId: offer.summaryId,
    createdAt: offer.createdAt,
  };
}
