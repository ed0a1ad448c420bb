import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from '../../shared/db/local-credentials.ts';

export interface TableStreamPoller {
  stop(): Promise<void>;
}

export interface TableStreamOptions {
  readonly endpoint: string;
  readonly tableName: string;
  /** Called with each non-empty batch, as Lambda's event source mapping would invoke the function. */
  readonly deliver: (event: DynamoDBStreamEvent) => Promise<unknown>;
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * The local stand-in for the Lambda event source mapping on the table stream: it follows every
 * shard of DynamoDB Local's stream and hands new records to the same handler that runs on AWS.
 * It starts at the stream's end (records written before `npm start` are not replayed); shards
 * that appear later are read from their start. A shard that fails is picked up again after its
 * last delivered record. Unlike AWS it does not retry a batch the handler failed.
 */
export async function startTableStreamPoller(
  dynamo: DynamoDBClient,
  { endpoint, tableName, deliver, intervalMs = 200, onError }: TableStreamOptions,
): Promise<TableStreamPoller> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: LOCAL_CREDENTIALS });

  // Shard id → next iterator; undefined once a closed shard is read to its end.
  const iterators = new Map<string, string | undefined>();
  // Shard id → the last record delivered, so a shard whose iterator failed resumes right after it.
  const delivered = new Map<string, string>();
  let firstDiscovery = true;

  const discoverShards = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      const after = delivered.get(shard.ShardId);
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: firstDiscovery && open ? 'LATEST' : 'TRIM_HORIZON' }),
        }),
      );
      iterators.set(shard.ShardId, firstDiscovery && !open && !after ? undefined : ShardIterator);
    }
    firstDiscovery = false;
  };

  const pollShards = async () => {
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      try {
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: iterator }),
        );
        iterators.set(shardId, NextShardIterator);
        if (Records.length > 0) await deliver({ Records: Records.map(toLambdaRecord) });
        const last = Records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) delivered.set(shardId, last);
      } catch (error) {
        // An expired iterator (the machine slept) or a hiccup: forget the shard, so the next
        // discovery picks it up again after its last delivered record, and go on with the others.
        iterators.delete(shardId);
        onError?.(error);
      }
    }
  };

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = (async () => {
      try {
        await discoverShards();
        await pollShards();
      } catch (error) {
        onError?.(error);
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  await discoverShards();
  timer = setTimeout(tick, intervalMs);

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      streams.destroy();
    },
  };
}

/** The Streams API record and Lambda's stream record carry the same fields. */
function toLambdaRecord(record: StreamRecord): DynamoDBStreamEvent['Records'][number] {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    dynamodb: record.dynamodb as DynamoDBStreamEvent['Records'][number]['dynamodb'],
  };
}
