import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../shared/db/sdk-table.ts';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/db/table.ts';

const require = createRequire(import.meta.url);

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A low-level client for table administration; one attempt, as start-up polls until it answers. */
export function localClient(endpoint: string): DynamoDBClient {
  return createDynamoClient(endpoint, { maxAttempts: 1 });
}

/** Launches DynamoDB Local bound to 127.0.0.1 (see the file: the jar has no option for it). */
const LOOPBACK_LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'LoopbackDynamoDbLocal.java');

let launcherClasses: string | undefined;
/**
 * The launcher compiled once per machine into a temporary folder named after its source's hash
 * (javac ~1 s; running the .java directly would compile it on every start). Without javac (a bare
 * Java runtime, not a JDK) DynamoDB Local could only listen on every interface: it is not started,
 * and the error says what to install (`npm test` installs it itself, see
 * test/support/ensure-system-packages.mjs).
 */
function loopbackLauncherClasses(jar: string): string {
  launcherClasses ??= compileLauncher(jar);
  return launcherClasses;
}

export const JDK_INSTALL_COMMAND = 'sudo apt-get install -y --no-install-recommends default-jdk-headless';

function compileLauncher(jar: string): string {
  const hash = createHash('sha256').update(readFileSync(LOOPBACK_LAUNCHER)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `purchase-offers-dynamodb-launcher-${hash}`);
  if (existsSync(join(dir, 'LoopbackDynamoDbLocal.class'))) return dir;
  const building = `${dir}.${process.pid}`;
  const javac = spawnSync('javac', ['-nowarn', '-cp', jar, '-d', building, LOOPBACK_LAUNCHER], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (javac.status !== 0) {
    rmSync(building, { recursive: true, force: true });
    const missing = (javac.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    throw new Error(
      missing
        ? 'DynamoDB Local needs a Java 17+ JDK: without javac it cannot be bound to 127.0.0.1 and is not ' +
            `started (it would listen on every interface). Install one:\n  ${JDK_INSTALL_COMMAND}`
        : `DynamoDB Local's loopback launcher did not compile (javac ${javac.error?.message ?? `exit ${javac.status ?? javac.signal}`}):\n${javac.stderr ?? ''}`,
    );
  }
  try {
    // Atomic: a parallel start either sees the whole folder or builds its own.
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

function launchArguments(jar: string): string[] {
  // The jar's manifest puts DynamoDBLocal_lib on the class path.
  return ['-cp', `${jar}${delimiter}${loopbackLauncherClasses(jar)}`, 'LoopbackDynamoDbLocal'];
}

/**
 * Starts AWS's DynamoDB Local (shipped inside the amplify-dynamodb-simulator npm package, so no
 * Docker and no download), listening on 127.0.0.1 only, and waits until it answers. `dataDir`
 * persists the data; without it the database lives in memory.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> {
  const emulator = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  const port = options.port ?? (await freePort());
  const storage = options.dataDir ? ['-sharedDb', '-dbPath', resolve(options.dataDir)] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const startedAt = performance.now();
  const java = spawn(
    'java',
    [
      // A short-lived dev database: the fast-starting JIT tier and a simple GC cut start-up time.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      // Bound to 127.0.0.1: a dev database with fixed credentials is nobody else's business.
      ...launchArguments(join(emulator, 'DynamoDBLocal.jar')),
      ...storage,
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    // DynamoDB Local writes a metadata file into its working directory.
    { cwd: options.dataDir ? resolve(options.dataDir) : emulator, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited: string | undefined;
  java.once('exit', (code, signal) => {
    exited = `exit ${code ?? signal}`;
  });
  java.once('error', (error) => {
    exited = `${error.message} (is Java 17+ on the PATH?)`;
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`DynamoDB Local failed to start: ${exited}`);
      if (performance.now() - startedAt > 30_000) throw new Error('DynamoDB Local did not answer within 30 s');
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    java.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    process: java,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (java.exitCode !== null || java.signalCode !== null) return resolveStop();
        const timer = setTimeout(() => java.kill('SIGKILL'), 5000);
        java.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        java.kill('SIGTERM');
      }),
  };
}

/** Creates the table (same schema as the CDK stack) unless it exists already. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // Tables persisted by an older version of the local runtime predate the stream, or its old
    // images (webhook events of offer changes need both): a stream's view type cannot be changed
    // in place, so an old one is disabled and a new one enabled (the poller follows the new one).
    const wanted = createTableInput(tableName).StreamSpecification;
    const stream = Table?.StreamSpecification;
    if (stream?.StreamEnabled && stream.StreamViewType !== wanted.StreamViewType) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
      );
    }
    if (!stream?.StreamEnabled || stream.StreamViewType !== wanted.StreamViewType) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: wanted }));
    }
    // Tables persisted before an index existed get it (DynamoDB creates one index per update and
    // fills it from the items already there); an index no longer defined is left alone.
    const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const input = createTableInput(tableName);
    for (const index of input.GlobalSecondaryIndexes.filter((candidate) => !have.has(candidate.IndexName))) {
      const keys = new Set<string>(index.KeySchema.map((key) => key.AttributeName));
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: input.AttributeDefinitions.filter((definition) => keys.has(definition.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
      // One index is built at a time, as on AWS: wait for this one before the next.
      for (let waited = 0; ; waited += 200) {
        const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        const status = now?.GlobalSecondaryIndexes?.find((built) => built.IndexName === index.IndexName)?.IndexStatus;
        if (status === 'ACTIVE') break;
        if (waited > 60_000) throw new Error(`index ${index.IndexName} of ${tableName} is still ${status} after 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    // As on AWS: expired idempotency records are deleted by TTL.
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}

export interface SupervisedDynamoDbLocal {
  /** The running instance (a new one after each restart; same endpoint). */
  current(): DynamoDbLocal;
  /** Stops watching, then stops the running instance. */
  stop(): Promise<void>;
}

/**
 * Watches DynamoDB Local for the rest of `npm start`: when it dies (killed, out of memory), it
 * says so loudly through `log` and starts it again on the same port and data directory, so the
 * handlers and the stream poller (which retry by themselves) carry on. Without a data directory
 * the data died with the process, and after `maxRestarts` deaths within a minute something is
 * wrong with the machine: then it calls `onGiveUp` instead, and npm start stops.
 */
export function superviseDynamoDbLocal(
  initial: DynamoDbLocal,
  options: {
    readonly dataDir?: string;
    readonly log: (message: string) => void;
    readonly onGiveUp: (reason: string) => void;
    readonly maxRestarts?: number;
  },
): SupervisedDynamoDbLocal {
  let running = initial;
  let stopped = false;
  const deaths: number[] = [];
  const port = Number(new URL(initial.endpoint).port);
  const maxRestarts = options.maxRestarts ?? 3;

  const watch = (local: DynamoDbLocal) => {
    local.process.once('exit', (code, signal) => {
      if (stopped) return;
      options.log(`!!! DynamoDB Local (${local.endpoint}) stopped unexpectedly: ${signal ?? `exit code ${code}`}.`);
      const now = Date.now();
      deaths.push(now);
      while ((deaths[0] ?? now) < now - 60_000) deaths.shift();
      if (!options.dataDir) return options.onGiveUp('its in-memory data is gone with it; start again');
      if (deaths.length > maxRestarts) {
        return options.onGiveUp(`it stopped ${deaths.length} times within a minute`);
      }
      options.log(`!!! Restarting DynamoDB Local on port ${port} with the data in ${options.dataDir} …`);
      startDynamoDbLocal({ port, dataDir: options.dataDir }).then(
        (restarted) => {
          if (stopped) return void restarted.stop();
          running = restarted;
          options.log(`!!! DynamoDB Local is back on ${restarted.endpoint}.`);
          watch(restarted);
        },
        (error: unknown) => options.onGiveUp(`it could not be restarted: ${(error as Error).message}`),
      );
    });
  };
  watch(initial);

  return {
    current: () => running,
    stop: async () => {
      stopped = true;
      await running.stop();
    },
  };
}
