import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { FILTERED_PAGE_SIZE, MAX_FILTERED_ROUNDS, offerToItem } from '../../shared/db/offers.ts';
import { bearer, bodyOf, newPartner, seedOffice, startLocalApi, table } from '../support/local-api.ts';
import { offerFixture, seedOffer } from '../support/offer-fixtures.ts';

let api: Awaited<ReturnType<typeof startLocalApi>>;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.close());

const get = (path: string, key: string) => fetch(api.baseUrl + path, { headers: bearer(key) });

interface Listed {
  summaryId: string;
  createdAt: string;
  status: string;
}

async function createOffer(key: string, officeId: string, extra: Record<string, unknown> = {}): Promise<Listed> {
  const response = await fetch(`${api.baseUrl}/v1/offers`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({
      officeId,
      usageLocation: 'BR',
      items: [{ sku: 'M365_BUSINESS_BASIC', licenses: 3 }],
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return bodyOf(response);
}

/** Follows nextCursor to the end; returns every page. */
async function allPages(key: string, query: string): Promise<Listed[][]> {
  const pages: Listed[][] = [];
  let cursor: string | undefined;
  do {
    const sep = query ? '&' : '';
    const response = await get(`/v1/offers?${query}${cursor ? `${sep}cursor=${cursor}` : ''}`, key);
    expect(response.status).toBe(200);
    const body = await bodyOf(response);
    pages.push(body.offers);
    cursor = body.nextCursor;
    expect(pages.length).toBeLessThan(400);
  } while (cursor);
  return pages;
}

/** Newest first; offers created in the same millisecond come in descending summary ID order. */
function newestFirst(a: Listed, b: Listed): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.summaryId < b.summaryId ? 1 : -1;
}

describe('GET /v1/offers pagination', () => {
  let key: string;
  let created: Listed[];

  beforeAll(async () => {
    const { partner, key: partnerKey } = await newPartner();
    key = partnerKey;
    const office = await seedOffice(partner.partnerId);
    created = [];
    // 250 offers through the API, 25 at a time: many share a createdAt millisecond.
    for (let batch = 0; batch < 10; batch++) {
      created.push(...(await Promise.all(Array.from({ length: 25 }, () => createOffer(key, office.officeId)))));
    }
    // Another partner's offers never show up in this partner's list.
    const other = await newPartner();
    const otherOffice = await seedOffice(other.partner.partnerId);
    await Promise.all(Array.from({ length: 5 }, () => createOffer(other.key, otherOffice.officeId)));
  }, 60_000);

  it.each([7, 25, 100])(
    'walks 250 offers with limit=%i: newest first, no gaps, no repeats',
    async (limit) => {
      const pages = await allPages(key, `limit=${limit}`);
      const listed = pages.flat();
      expect(listed).toHaveLength(250);
      expect(new Set(listed.map((o) => o.summaryId)).size).toBe(250);
      expect(new Set(listed.map((o) => o.summaryId))).toEqual(new Set(created.map((o) => o.summaryId)));
      expect(listed.map((o) => o.summaryId)).toEqual([...listed].sort(newestFirst).map((o) => o.summaryId));
      // Every page but the last is full, and the last one is not empty.
      expect(pages.slice(0, -1).every((page) => page.length === limit)).toBe(true);
      expect(pages.at(-1)?.length).toBe(250 % limit || limit);
    },
    30_000,
  );

  it('defaults to 25 per page', async () => {
    const body = await bodyOf(await get('/v1/offers', key));
    expect(body.offers).toHaveLength(25);
    expect(typeof body.nextCursor).toBe('string');
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=ten', 'query.limit'],
    ['cursor=garbage', 'query.cursor'],
    ['cursor=W10', 'query.cursor'],
    ['status=paused', 'query.status'],
    ['sort=oldest', 'query.sort'],
  ])('400 invalid-request for %s', async (query, field) => {
    const response = await get(`/v1/offers?${query}`, key);
    expect(response.status).toBe(400);
    const problem = await bodyOf(response);
    expect(problem.type).toBe('urn:purchase-offers:problem:invalid-request');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('a cursor is only a position: another partner using it sees its own offers, not these', async () => {
    const page = await bodyOf(await get('/v1/offers?limit=3', key));
    const other = await newPartner();
    const response = await get(`/v1/offers?cursor=${page.nextCursor}`, other.key);
    expect(response.status).toBe(200);
    expect((await bodyOf(response)).offers).toEqual([]);
  });
});

describe('GET /v1/offers?status=', () => {
  it('filters on the status derived now: active, deactivated, expired, exhausted', async () => {
    const { partner, key } = await newPartner();
    const office = await seedOffice(partner.partnerId);
    const partnerId = partner.partnerId;
    const active = [await createOffer(key, office.officeId), await createOffer(key, office.officeId)];
    const toDeactivate = await createOffer(key, office.officeId);
    await fetch(`${api.baseUrl}/v1/offers/${toDeactivate.summaryId}/deactivate`, {
      method: 'POST',
      headers: bearer(key),
    });
    // Past expiry and exhaustion cannot be created through the API; write them as time would make them.
    const expired = await seedOffer({ partnerId, expiresAt: '2021-01-01T00:00:00.000Z' });
    const exhausted = await seedOffer({ partnerId, maxAcceptances: 2, acceptances: 2 });
    const notYetExhausted = await seedOffer({ partnerId, maxAcceptances: 2, acceptances: 1 });
    const stillValid = await seedOffer({ partnerId, expiresAt: '2099-01-01T00:00:00.000Z' });

    const ids = async (status: string) =>
      (await allPages(key, `status=${status}&limit=2`))
        .flat()
        .map((o) => {
          expect(o.status).toBe(status);
          return o.summaryId;
        })
        .sort();
    expect(await ids('active')).toEqual(
      [...active.map((o) => o.summaryId), notYetExhausted.summaryId, stillValid.summaryId].sort(),
    );
    expect(await ids('deactivated')).toEqual([toDeactivate.summaryId]);
    expect(await ids('expired')).toEqual([expired.summaryId]);
    expect(await ids('exhausted')).toEqual([exhausted.summaryId]);
    const all = (await allPages(key, '')).flat();
    expect(all).toHaveLength(7);
  });
});

/** Offer items written 25 at a time, straight to the table (no counters: they are never listed). */
async function putOfferItems(items: Record<string, unknown>[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let requests: unknown[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await table.client.send(
        new BatchWriteCommand({ RequestItems: { [table.name]: requests as never } }),
      );
      requests = UnprocessedItems?.[table.name] ?? [];
    }
  }
}

describe('GET /v1/offers?status= over many non-matching offers', () => {
  it('may answer short or empty pages with a cursor; following it yields every match once, in order', async () => {
    // Arrange: newest first, one deactivated offer, then more non-matching (active) offers than one
    // page may read, then two deactivated ones. (status=active reads the open-offers index instead,
    // which holds no closed offer: see open-offers.test.ts.)
    const { partner, key } = await newPartner();
    const partnerId = partner.partnerId;
    const readPerPage = MAX_FILTERED_ROUNDS * FILTERED_PAGE_SIZE;
    const fillers = 2 * readPerPage + 100;
    const at = (index: number) => new Date(Date.UTC(2026, 0, 1) - index * 1000).toISOString();
    const closed = { deactivatedAt: at(0) };
    const newest = await seedOffer({ partnerId, createdAt: at(0), ...closed });
    await putOfferItems(
      Array.from({ length: fillers }, (_, i) => offerToItem(offerFixture({ partnerId, createdAt: at(i + 1) }))),
    );
    const older = await seedOffer({ partnerId, createdAt: at(fillers + 1), ...closed });
    const oldest = await seedOffer({ partnerId, createdAt: at(fillers + 2), ...closed });

    // Act
    const pages = await allPages(key, 'status=deactivated&limit=2');

    // Assert: every deactivated offer exactly once, newest first, with no page over the limit…
    expect(pages.flat().map((o) => o.summaryId)).toEqual([newest.summaryId, older.summaryId, oldest.summaryId]);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
    // …and the cost bound shows: a page that read its share of entries without a match comes back
    // empty (yet with a cursor, since allPages went on), instead of reading on to the next match.
    expect(pages.map((page) => page.length)).toEqual([1, 0, 2]);
  }, 60_000);
});
