import { ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../../shared/db/port.ts';
import type { SdkTable } from '../../shared/db/sdk-table.ts';

/**
 * Every item of the table a filtered Scan returns, page after page (eventually consistent). A Scan
 * reads, and bills, the whole table whatever the filter: for one-off ops commands only, never a
 * request path.
 */
export async function* scanTable(
  table: SdkTable,
  input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ ...input, TableName: table.name, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    yield* (page.Items ?? []) as Item[];
    start = page.LastEvaluatedKey;
  } while (start);
}
