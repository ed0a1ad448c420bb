import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { SDK_TIMEOUTS } from '../../shared/config/aws-sdk.ts';
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
  /** A failed poll (it is retried at the next interval by itself). */
  readonly onError?: (error: unknown) => void;
  /** The first poll that went through after one or more failed. */
  readonly onRecovered?: () => void;
}

/**
 * The log lines of a poller that retries by itself: the first failure of a run, then nothing until
 * a poll goes through again, which says how many more failed in between. A DynamoDB Local restart
 * is then two lines instead of one per poll every 50–200 ms.
 */
export function quietRetryLog(
  label: string,
  print: (line: string) => void,
  describe: (error: unknown) => string,
): Pick<TableStreamOptions, 'onError' | 'onRecovered'> {
  let failing = false;
  let more = 0;
  return {
    onError: (error) => {
      if (failing) {
        more++;
        return;
      }
      failing = true;
      print(`${label} error (retrying; quiet until it reads again): ${describe(error)}`);
    },
    onRecovered: () => {
      print(`${label} reading again (${more} more failed poll${more === 1 ? '' : 's'} not shown)`);
      failing = false;
      more = 0;
    },
  };
}

/**
 * The local stand-in for the Lambda event source mapping on the table stream: it follows every
 * shard of DynamoDB Local's stream and hands new records to the same handler that runs on AWS.
 * Records already in the stream when it starts are skipped, not replayed; shards that appear later
 * are read from their start. Every shard keeps its position (the last record read), so after any
 * failure (DynamoDB Local frozen, killed and restarted, an expired iterator, a batch the handler
 * failed) the shard is picked up again right after it: nothing is lost, a failed batch is
 * delivered again. Requests have the SDK clients' time limits, so a frozen DynamoDB Local fails
 * the poll instead of hanging it.
 */
export async function startTableStreamPoller(
  dynamo: DynamoDBClient,
  { endpoint, tableName, deliver, intervalMs = 200, onError, onRecovered }: TableStreamOptions,
): Promise<TableStreamPoller> {
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'local',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: SDK_TIMEOUTS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });

  interface ShardState {
    /** Undefined until (re)opened, and once a closed shard is read to its end. */
    iterator: string | undefined;
    /** The last record read from the shard (delivered, or skipped as existing at start). */
    position: string | undefined;
    /** Still reading past the records that were there before the poller started. */
    skipping: boolean;
    done: boolean;
  }
  const shards = new Map<string, ShardState>();
  let firstDiscovery = true;
  // Whether the current tick, and the run of ticks before it, had a failure.
  let tickFailed = false;
  let failing = false;
  const failed = (error: unknown) => {
    tickFailed = true;
    onError?.(error);
  };

  const discoverShards = async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId) continue;
      let state = shards.get(shard.ShardId);
      if (!state) {
        state = { iterator: undefined, position: undefined, skipping: firstDiscovery, done: false };
        shards.set(shard.ShardId, state);
      }
      if (state.iterator || state.done) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ...(state.position
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.position }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      state.iterator = ShardIterator;
      if (!ShardIterator) state.done = true;
    }
    firstDiscovery = false;
  };

  const pollShards = async () => {
    for (const [, state] of shards) {
      if (!state.iterator) continue;
      try {
        const { Records = [], NextShardIterator } = await streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator }),
        );
        if (state.skipping) {
          // An empty read means the records from before the start are behind us.
          if (Records.length === 0) state.skipping = false;
        } else if (Records.length > 0) {
          await deliver({ Records: Records.map(toLambdaRecord) });
        }
        state.position = Records.at(-1)?.dynamodb?.SequenceNumber ?? state.position;
        state.iterator = NextShardIterator;
        if (!NextShardIterator) state.done = true;
      } catch (error) {
        // Reopened by the next discovery, right after the last record read.
        state.iterator = undefined;
        failed(error);
      }
    }
  };

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = (async () => {
      tickFailed = false;
      try {
        await discoverShards();
        await pollShards();
      } catch (error) {
        failed(error);
      }
      if (failing && !tickFailed) onRecovered?.();
      failing = tickFailed;
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  await discoverShards();
  // Skip what was there before the start now, so the first tick already delivers new records.
  while ([...shards.values()].some((state) => state.skipping && state.iterator)) await pollShards();
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
