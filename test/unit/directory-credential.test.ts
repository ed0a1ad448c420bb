import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  credentialFromEnv,
  ssmCredential,
  staticCredential,
} from '../../functions/office-sync/directory/credential.ts';
import { describeFetchError, HttpDirectory } from '../../functions/office-sync/directory/http-directory.ts';
import { ConfigError } from '../../shared/config/env.ts';

const ssm = mockClient(SSMClient);
const PARAMETER = '/purchase-offers/test/directory-credential';

beforeEach(() => {
  ssm.reset();
});

/** Answers GetParameter with each value in turn (the last one repeats). */
function ssmAnswers(...values: (string | undefined)[]) {
  let call = 0;
  ssm.on(GetParameterCommand).callsFake(async () => {
    const value = values[Math.min(call++, values.length - 1)];
    return { Parameter: value === undefined ? {} : { Value: value } };
  });
}

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ssmCredential', () => {
  it('reads the SecureString with decryption once and serves it from the cache within the TTL', async () => {
    // Arrange
    ssmAnswers('token-1');
    const clock = manualClock();
    const credential = ssmCredential(PARAMETER, { ttlMs: 60_000, now: clock.now });

    // Act
    const first = await credential.get();
    clock.advance(59_999);
    const second = await credential.get();

    // Assert
    expect([first, second]).toEqual(['token-1', 'token-1']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
  });

  it('reads the parameter again once the TTL has passed (a rotated value is picked up)', async () => {
    // Arrange
    ssmAnswers('token-1', 'token-2');
    const clock = manualClock();
    const credential = ssmCredential(PARAMETER, { ttlMs: 60_000, now: clock.now });
    await credential.get();

    // Act
    clock.advance(60_000);
    const rotated = await credential.get();

    // Assert
    expect(rotated).toBe('token-2');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('reads the parameter again at once after invalidate(), within the TTL', async () => {
    // Arrange
    ssmAnswers('token-1', 'token-2');
    const credential = ssmCredential(PARAMETER, { ttlMs: 60_000, now: manualClock().now });
    await credential.get();

    // Act
    credential.invalidate();
    const rotated = await credential.get();

    // Assert
    expect(rotated).toBe('token-2');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('shares one SSM request between concurrent callers', async () => {
    // Arrange
    ssmAnswers('token-1');
    const credential = ssmCredential(PARAMETER);

    // Act
    const values = await Promise.all([credential.get(), credential.get(), credential.get()]);

    // Assert
    expect(values).toEqual(['token-1', 'token-1', 'token-1']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('refuses an empty parameter, and does not cache the failure', async () => {
    // Arrange
    ssmAnswers(undefined, 'token-1');
    const credential = ssmCredential(PARAMETER);

    // Act / Assert
    await expect(credential.get()).rejects.toBeInstanceOf(ConfigError);
    await expect(credential.get()).resolves.toBe('token-1');
  });

  it.each([
    ['a line break', 'Sup3r-S3cret\r\nX-Injected: yes'],
    ['a trailing newline', 'Sup3r-S3cret\n'],
    ['a NUL', 'Sup3r-S3cret\u0000'],
    ['a space', 'Sup3r S3cret'],
    ['non-ASCII', 'Sup3r-S3crét'],
  ])('refuses a value with %s without ever showing it', async (_label, value) => {
    // Arrange
    ssmAnswers(value, 'token-1');
    const credential = ssmCredential(PARAMETER);

    // Act
    const error = (await credential.get().catch((e: unknown) => e)) as Error;

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(PARAMETER);
    expect(`${error.message} ${error.stack}`).not.toContain('Sup3r');
    // Not cached: the fixed value is read next time.
    await expect(credential.get()).resolves.toBe('token-1');
  });
});

describe('static credential (DIRECTORY_CREDENTIAL)', () => {
  it('accepts a bearer token', async () => {
    await expect(credentialFromEnv({ DIRECTORY_CREDENTIAL: 'abc.DEF-123_~+/=' }).get()).resolves.toBe(
      'abc.DEF-123_~+/=',
    );
  });

  it('refuses a value with control characters at load, naming the variable but not the value', () => {
    // Arrange / Act
    const error = (() => {
      try {
        credentialFromEnv({ DIRECTORY_CREDENTIAL: 'Sup3r-S3cret\r\nX-Injected: yes' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain('DIRECTORY_CREDENTIAL');
    expect(`${error?.message} ${error?.stack}`).not.toMatch(/Sup3r|X-Injected/);
    expect(() => staticCredential('tab\there')).toThrow(ConfigError);
  });
});

describe('HttpDirectory with the SSM credential', () => {
  const okPage = () => new Response(JSON.stringify({ offices: [], cursor: 'c' }), { status: 200 });

  it('after a 401 reads the rotated value from SSM and retries with it', async () => {
    // Arrange: the cached value was rotated away upstream.
    ssmAnswers('old-token', 'new-token');
    const sent: string[] = [];
    const fetchFake = (async (_url: string, init: RequestInit) => {
      const authorization = (init.headers as Record<string, string>).authorization ?? '';
      sent.push(authorization);
      return authorization === 'Bearer new-token' ? okPage() : new Response('', { status: 401 });
    }) as unknown as typeof fetch;
    const directory = new HttpDirectory({
      baseUrl: 'https://directory.example',
      credential: ssmCredential(PARAMETER, { ttlMs: 60_000, now: manualClock().now }),
      fetch: fetchFake,
      sleep: async () => undefined,
    });

    // Act
    const page = await directory.listOffices({});

    // Assert
    expect(page.cursor).toBe('c');
    expect(sent).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('fails at once, without calling the directory, when the stored value is malformed', async () => {
    // Arrange
    ssmAnswers('Sup3r-S3cret\r\n');
    let fetches = 0;
    const directory = new HttpDirectory({
      baseUrl: 'https://directory.example',
      credential: ssmCredential(PARAMETER),
      fetch: (async () => {
        fetches++;
        return okPage();
      }) as unknown as typeof fetch,
      sleep: async () => undefined,
    });

    // Act
    const error = (await directory.listOffices({}).catch((e: unknown) => e)) as Error;

    // Assert: a configuration error is not retried, and says nothing of the value.
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('Sup3r');
    expect(fetches).toBe(0);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });
});

describe('describeFetchError', () => {
  it('names the error and its cause code, never the message', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
    });
    const header = new TypeError('Headers.append: "Bearer Sup3r-S3cret\r\nX: y" is an invalid header value.');
    const odd = Object.assign(new Error('x'), { name: 'Bearer Sup3r-S3cret' });

    expect(describeFetchError(refused)).toBe('TypeError (ECONNREFUSED)');
    expect(describeFetchError(header)).toBe('TypeError');
    expect(describeFetchError(odd)).toBe('Error');
    expect(describeFetchError('Sup3r-S3cret')).toBe('Error');
  });
});
