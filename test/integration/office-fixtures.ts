import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { staticCredential } from '../../functions/office-sync/directory/credential.ts';
import { HttpDirectory, type HttpDirectoryOptions } from '../../functions/office-sync/directory/http-directory.ts';
import { LocalDirectory, type LocalDirectoryRecord } from '../../infra/local/directory.ts';
import { ensureTable } from '../../infra/local/dynamodb.ts';
import { officeFromItem } from '../../shared/db/offices.ts';
import { type SdkTable, sdkTable } from '../../shared/db/sdk-table.ts';
import type { DirectoryOffice } from '../../shared/domain/office.ts';

export const DIRECTORY_CREDENTIAL = 'local-directory-credential';

/** A table of its own per test: the sync state item is global, so tests must not share one. */
export async function freshTable(): Promise<SdkTable> {
  const endpoint = process.env.DDB_ENDPOINT;
  if (!endpoint) throw new Error('DDB_ENDPOINT is not set (integration globalSetup)');
  const name = `OfficeSync-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, name);
  return sdkTable(name, endpoint);
}

export async function startDirectory(records: LocalDirectoryRecord[] = []): Promise<LocalDirectory> {
  const directory = new LocalDirectory({ credential: DIRECTORY_CREDENTIAL });
  for (const record of records) directory.put(record);
  await directory.start();
  return directory;
}

/** A client tuned for tests: short timeout and tiny backoff, small pages so runs span many. */
export function directoryClient(directory: LocalDirectory, options: Partial<HttpDirectoryOptions> = {}): HttpDirectory {
  return new HttpDirectory({
    baseUrl: directory.baseUrl,
    credential: staticCredential(DIRECTORY_CREDENTIAL),
    timeoutMs: 300,
    baseDelayMs: 5,
    maxDelayMs: 20,
    pageSize: 3,
    ...options,
  });
}

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** Strictly increasing directory timestamps. */
export function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function office(
  partnerId: string,
  officeId: string,
  overrides: Partial<LocalDirectoryRecord> = {},
): LocalDirectoryRecord & DirectoryOffice {
  return {
    partnerId,
    officeId,
    name: `Office ${officeId}`,
    city: 'São Paulo',
    country: 'BR',
    status: 'active',
    updatedAt: tick(),
    ...overrides,
  } as LocalDirectoryRecord & DirectoryOffice;
}

/** n offices spread over `partners` partners. */
export function manyOffices(n: number, partners: number, prefix = 'p'): (LocalDirectoryRecord & DirectoryOffice)[] {
  return Array.from({ length: n }, (_, i) => office(`${prefix}${i % partners}`, `o${i}`, { name: `Office ${i}` }));
}

/** What the table holds, as comparable rows (a Scan: the port has none, the stores need none). */
export async function storedOffices(table: SdkTable) {
  const rows: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey }));
    rows.push(...(page.Items ?? []).filter((item) => item.entity === 'office'));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return rows
    .map(officeFromItem)
    .map(({ lastSyncedAt: _s, ...office }) => office)
    .sort((a, b) => `${a.partnerId}/${a.officeId}`.localeCompare(`${b.partnerId}/${b.officeId}`));
}

/** What the table should hold for the directory's current state. */
export function expectedOffices(directory: LocalDirectory) {
  return directory
    .snapshot()
    .map((r) => ({
      partnerId: r.partnerId,
      officeId: r.officeId,
      name: r.name,
      city: r.city,
      country: r.country,
      active: r.status === 'active',
      sourceUpdatedAt: new Date(r.updatedAt).toISOString(),
    }))
    .sort((a, b) => `${a.partnerId}/${a.officeId}`.localeCompare(`${b.partnerId}/${b.officeId}`));
}
