import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newFormTokenKeysValue, parseFormTokenKeys } from '../../shared/offer-page/submission-token.ts';

/**
 * The local form-token keys (what the SSM parameter holds on AWS): made on the first start and
 * kept in `<dir>/form-token-keys.json`, so forms rendered before a restart still post. `dir` is
 * `.local/`, or the temporary folder of `--in-memory`. Returns the value for FORM_TOKEN_KEYS.
 */
export function localFormTokenKeys(dir: string): string {
  const file = join(dir, 'form-token-keys.json');
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    parseFormTokenKeys(value, file);
    return value;
  }
  const value = newFormTokenKeysValue();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}
