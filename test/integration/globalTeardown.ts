import { rmSync } from 'node:fs';
import type { DynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { ENV_FILE_VARIABLE } from './env-file.ts';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __DYNAMODB_LOCAL__?: DynamoDbLocal }).__DYNAMODB_LOCAL__?.stop();
  const file = process.env[ENV_FILE_VARIABLE];
  if (file) rmSync(file, { force: true });
}
