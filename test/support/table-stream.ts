import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  startTableStreamPoller,
  type TableStreamOptions,
  type TableStreamPoller,
} from '../../infra/local/table-stream.ts';
import { table } from './local-api.ts';

/**
 * The test table's stream handed to `deliver` batch by batch, as the event source mapping does on
 * AWS; polled every 50 ms so tests wait little for a write to reach the function.
 */
export function streamTestTable(
  dynamo: DynamoDBClient,
  deliver: TableStreamOptions['deliver'],
): Promise<TableStreamPoller> {
  return startTableStreamPoller(dynamo, {
    endpoint: process.env.DDB_ENDPOINT ?? '',
    tableName: table.name,
    deliver,
    intervalMs: 50,
  });
}
