import { readFileSync } from 'node:fs';
import { ENV_FILE_VARIABLE } from './env-file.ts';

// Runs in each integration worker before its test file: the settings the handlers read at import,
// pointing them at the run's DynamoDB Local (see globalSetup.ts).
const file = process.env[ENV_FILE_VARIABLE];
if (!file) throw new Error(`${ENV_FILE_VARIABLE} is not set: the integration globalSetup did not run`);
Object.assign(process.env, JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>);
