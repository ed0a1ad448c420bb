/**
 * Environment access for functions. Each function reads what it needs once, at module load, so a
 * missing variable fails the cold start loudly instead of failing the first request that needs it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

export function optionalEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
