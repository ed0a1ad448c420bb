import { type SdkLimits, sdkClientConfig, withOperationBudget } from '../../../shared/config/aws-sdk.ts';
import { ConfigError, optionalEnv } from '../../../shared/config/env.ts';

/** The directory credential: fetched when needed, cached, and re-fetched after a rejection. */
export interface Credential {
  /** Rejects with `signal.reason` once `signal` aborts, even while a fetch is still under way. */
  get(signal?: AbortSignal): Promise<string>;
  invalidate(): void;
}

/**
 * A bearer credential must be visible ASCII (RFC 6750's token characters are a subset). Anything
 * else, CR/LF/NUL above all, makes fetch throw an error whose message quotes the whole header, which
 * would carry the secret into logs, the sync state and the dead-letter queue. So it is refused when
 * loaded, and the error names the source and the kind of problem, never the value.
 */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

export function assertHeaderSafeCredential(value: string, source: string): string {
  if (value.length === 0) throw new ConfigError(`The directory credential in ${source} is empty`);
  if (!HEADER_SAFE.test(value)) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
    const problem = /[\x00-\x1f\x7f]/.test(value)
      ? 'control characters (a line break?)'
      : 'spaces or non-ASCII characters';
    throw new ConfigError(
      `The directory credential in ${source} contains ${problem}; it must be visible ASCII only (value not shown)`,
    );
  }
  return value;
}

export function staticCredential(value: string, source = 'the configuration'): Credential {
  const checked = assertHeaderSafeCredential(value, source);
  return { get: async () => checked, invalidate: () => undefined };
}

export interface SsmCredentialOptions {
  /** How long a fetched value is used before it is fetched again. */
  readonly ttlMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Time limits of the SSM call (default SDK_TIMEOUTS). */
  readonly limits?: SdkLimits;
  /** Extra SSM client settings (tests: a fake endpoint, region and credentials). */
  readonly clientConfig?: Record<string, unknown>;
}

/** Settles like `promise`, or rejects with the signal's reason once it aborts. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A SecureString SSM parameter, read with decryption and cached for `ttlMs` (a rotated value is
 * picked up within the TTL, or at once after the directory rejects the old one). The SSM client
 * is imported on first use, so functions that never call the directory do not load it. The call
 * has the SDK clients' time limits (connect 1 s, attempt 2 s, 3 attempts, 4 s in all); a caller's
 * signal ends its own wait sooner, while a fetch shared with other callers carries on for them.
 */
export function ssmCredential(parameterName: string, options: SsmCredentialOptions = {}): Credential {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let cached: { value: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  let client: import('@aws-sdk/client-ssm').SSMClient | undefined;
  return {
    async get(signal) {
      if (cached && cached.until > now()) return cached.value;
      // Concurrent callers share one request.
      pending ??= (async () => {
        try {
          const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
          client ??= withOperationBudget(
            new SSMClient({ ...sdkClientConfig(options.limits), ...options.clientConfig }),
            options.limits?.operationBudgetMs,
          );
          const { Parameter } = await client.send(
            new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
          );
          const value = Parameter?.Value;
          if (!value) throw new ConfigError(`SSM parameter ${parameterName} has no value`);
          // Checked before it is cached: a bad value is never used, and is re-read after a fix.
          assertHeaderSafeCredential(value, `SSM parameter ${parameterName}`);
          cached = { value, until: now() + ttlMs };
          return value;
        } finally {
          pending = undefined;
        }
      })();
      return untilAborted(pending, signal);
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * On AWS the credential is a SecureString parameter named by DIRECTORY_CREDENTIAL_PARAMETER;
 * locally DIRECTORY_CREDENTIAL holds it directly (checked here, at cold start).
 */
export function credentialFromEnv(env: NodeJS.ProcessEnv = process.env): Credential {
  const parameter = optionalEnv('DIRECTORY_CREDENTIAL_PARAMETER', env);
  if (parameter) return ssmCredential(parameter);
  const value = optionalEnv('DIRECTORY_CREDENTIAL', env);
  if (value) return staticCredential(value, 'DIRECTORY_CREDENTIAL');
  throw new ConfigError('Set DIRECTORY_CREDENTIAL_PARAMETER (AWS) or DIRECTORY_CREDENTIAL (local)');
}
