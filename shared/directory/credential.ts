import { ConfigError, optionalEnv } from '../config/env.ts';

/** The directory credential: fetched when needed, cached, and re-fetched after a rejection. */
export interface Credential {
  get(): Promise<string>;
  invalidate(): void;
}

export function staticCredential(value: string): Credential {
  return { get: async () => value, invalidate: () => undefined };
}

/**
 * A SecureString SSM parameter, read with decryption and cached for `ttlMs` (a rotated value is
 * picked up within the TTL, or at once after the directory rejects the old one). The SSM client
 * is imported on first use, so functions that never call the directory do not load it.
 */
export function ssmCredential(parameterName: string, ttlMs = 5 * 60_000): Credential {
  let cached: { value: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    async get() {
      if (cached && cached.until > Date.now()) return cached.value;
      pending ??= (async () => {
        try {
          const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
          const client = new SSMClient({});
          const { Parameter } = await client.send(
            new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
          );
          const value = Parameter?.Value;
          if (!value) throw new ConfigError(`SSM parameter ${parameterName} has no value`);
          cached = { value, until: Date.now() + ttlMs };
          return value;
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * On AWS the credential is a SecureString parameter named by DIRECTORY_CREDENTIAL_PARAMETER;
 * locally DIRECTORY_CREDENTIAL holds it directly.
 */
export function credentialFromEnv(env: NodeJS.ProcessEnv = process.env): Credential {
  const parameter = optionalEnv('DIRECTORY_CREDENTIAL_PARAMETER', env);
  if (parameter) return ssmCredential(parameter);
  const value = optionalEnv('DIRECTORY_CREDENTIAL', env);
  if (value) return staticCredential(value);
  throw new ConfigError('Set DIRECTORY_CREDENTIAL_PARAMETER (AWS) or DIRECTORY_CREDENTIAL (local)');
}
