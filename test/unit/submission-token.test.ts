import { createServer, type Server, type Socket } from 'node:net';
import {
  checkPostedToken,
  FORCED_REFRESH_MIN_MS,
  FormTokenKeysUnavailableError,
  getSsmParameter,
  ssmTokenKeys,
  staticTokenKeys,
} from '../../functions/offer-page/token-keys.ts';
import { isCrossSitePost } from '../../shared/http/origin.ts';
import {
  checkToken,
  FormTokenKeyError,
  issueToken,
  newFormTokenKeysValue,
  parseFormTokenKeys,
  SUBMISSION_ID_PATTERN,
  submissionIdOf,
  TOKEN_MAX_AGE_MS,
  TOKEN_PATTERN,
} from '../../shared/offer-page/submission-token.ts';

const OFFER = 'ABCD-EFGH-JKMN-PQRS-TVWX';
const OTHER_OFFER = 'ABCD-EFGH-JKMN-PQRS-TVW0';
const NOW = new Date('2026-11-29T12:00:00.000Z');
const keysOf = (value = newFormTokenKeysValue()) => parseFormTokenKeys(value, 'test');

describe('submission tokens', () => {
  it('are issued per rendering, URL-safe, and check out for their offer with a submission id', () => {
    const keys = keysOf();
    const token = issueToken(keys, OFFER, NOW);
    const again = issueToken(keys, OFFER, NOW);

    expect(token).toMatch(TOKEN_PATTERN);
    expect(encodeURIComponent(token)).toBe(token);
    expect(again).not.toBe(token);
    const checked = checkToken(keys, token, OFFER, NOW);
    expect(checked).toEqual({ status: 'valid', submissionId: submissionIdOf(token) });
    expect(submissionIdOf(token)).toMatch(SUBMISSION_ID_PATTERN);
    expect(submissionIdOf(again)).not.toBe(submissionIdOf(token));
  });

  it('start their submission id with the issue time, so records sort by when the form was opened', () => {
    const keys = keysOf();
    const earlier = submissionIdOf(issueToken(keys, OFFER, NOW));
    const later = submissionIdOf(issueToken(keys, OFFER, new Date(NOW.getTime() + 1000)));
    expect(earlier < later).toBe(true);
  });

  it('do not check out for another offer, with another key, or altered in any part', () => {
    const keys = keysOf();
    const token = issueToken(keys, OFFER, NOW);
    const [version, issuedAt, nonce, mac] = token.split('.');
    const flip = (part = '') => (part.startsWith('A') ? `B${part.slice(1)}` : `A${part.slice(1)}`);

    expect(checkToken(keys, token, OTHER_OFFER, NOW)).toEqual({ status: 'invalid' });
    expect(checkToken(keysOf(), token, OFFER, NOW)).toEqual({ status: 'invalid' });
    for (const altered of [
      `${version}.${(Number.parseInt(issuedAt ?? '', 36) + 1).toString(36)}.${nonce}.${mac}`,
      `${version}.${issuedAt}.${flip(nonce)}.${mac}`,
      `${version}.${issuedAt}.${nonce}.${flip(mac)}`,
      `v2.${issuedAt}.${nonce}.${mac}`,
      `${token}x`,
      '',
    ]) {
      expect({ altered, check: checkToken(keys, altered, OFFER, NOW) }).toEqual({
        altered,
        check: { status: 'invalid' },
      });
    }
    expect(checkToken(keys, undefined, OFFER, NOW)).toEqual({ status: 'invalid' });
  });

  it('expire after 24 hours (still naming their submission), and are refused from the future', () => {
    const keys = keysOf();
    const token = issueToken(keys, OFFER, NOW);
    const at = (ms: number) => new Date(NOW.getTime() + ms);

    expect(checkToken(keys, token, OFFER, at(TOKEN_MAX_AGE_MS)).status).toBe('valid');
    expect(checkToken(keys, token, OFFER, at(TOKEN_MAX_AGE_MS + 1))).toEqual({
      status: 'expired',
      submissionId: submissionIdOf(token),
    });
    expect(checkToken(keys, token, OFFER, at(-60 * 60 * 1000))).toEqual({ status: 'invalid' });
  });

  it('stay valid across one key rotation (the previous key verifies) but not two', () => {
    const old = keysOf();
    const rotated = parseFormTokenKeys(
      JSON.stringify({ current: keysOf().current.toString('base64'), previous: old.current.toString('base64') }),
      'test',
    );
    const token = issueToken(old, OFFER, NOW);

    expect(checkToken(rotated, token, OFFER, NOW).status).toBe('valid');
    expect(checkToken({ current: rotated.current }, token, OFFER, NOW).status).toBe('invalid');
    // New tokens are signed with the new key.
    expect(checkToken({ current: rotated.current }, issueToken(rotated, OFFER, NOW), OFFER, NOW).status).toBe('valid');
  });
});

describe('submission ids (a confirmation link names one, a cursor carries one)', () => {
  const ID = `mhx0a1b2c${'N'.repeat(22)}`;

  it('are 9 lower-case base36 characters of issue time and 22 base64url characters of nonce', () => {
    expect(SUBMISSION_ID_PATTERN.test(ID)).toBe(true);
    expect(SUBMISSION_ID_PATTERN.test(`mhx0a1b2c${'-_aZ09'.repeat(3)}xyzz`)).toBe(true);
  });

  it.each([
    ['a character before the id', `x${ID}`],
    ['a character after the id', `${ID}x`],
    ['a line break after the id', `${ID}\n`],
    ['an upper-case issue time', `MHX0A1B2C${'N'.repeat(22)}`],
    ['a nonce one character short', ID.slice(0, -1)],
  ])('are refused with %s: the whole value is the id', (_label, value) => {
    expect(SUBMISSION_ID_PATTERN.test(value)).toBe(false);
  });
});

describe('the keys’ configured value', () => {
  const secret = 'c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhay1pbnRvLWxvZ3MtZXZlcg==';

  it.each([
    ['not JSON', secret, /must be JSON/],
    ['no current key', JSON.stringify({ previous: secret }), /"current" must be a base64 string/],
    ['a short key', JSON.stringify({ current: Buffer.alloc(16).toString('base64') }), /at least 32 bytes/],
    ['a key that is not base64', JSON.stringify({ current: `${secret} !` }), /"current" must be a base64/],
    ['a list', JSON.stringify([secret]), /JSON object/],
  ])('refuses %s, naming the source but never the value', (_label, value, message) => {
    const attempt = () => parseFormTokenKeys(value, 'SSM parameter /p/keys');
    expect(attempt).toThrow(FormTokenKeyError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/SSM parameter \/p\/keys/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(0, 12));
    }
  });

  it('takes a current key alone, or with the previous one', () => {
    const current = Buffer.alloc(32, 1).toString('base64');
    const previous = Buffer.alloc(32, 2).toString('base64');
    expect(parseFormTokenKeys(JSON.stringify({ current }), 'x')).toEqual({ current: Buffer.alloc(32, 1) });
    expect(parseFormTokenKeys(JSON.stringify({ current, previous }), 'x')).toEqual({
      current: Buffer.alloc(32, 1),
      previous: Buffer.alloc(32, 2),
    });
  });
});

describe('the keys from SSM', () => {
  const value = newFormTokenKeysValue();
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('are read at once, kept, and read again after the refresh interval', async () => {
    let reads = 0;
    let now = 0;
    const keys = ssmTokenKeys('/p', {
      read: async () => {
        reads += 1;
        return value;
      },
      refreshMs: 1000,
      now: () => now,
    });
    await settle();
    expect(reads).toBe(1);

    await keys.get();
    now = 1000;
    await keys.get();
    expect(reads).toBe(1);
    now = 1001;
    await keys.get();
    expect(reads).toBe(2);
  });

  it('keep the keys they have when a refresh fails, and retry a failed first read on the next request', async () => {
    let fail = true;
    let now = 0;
    const keys = ssmTokenKeys('/p', {
      read: async () => {
        if (fail) throw new FormTokenKeysUnavailableError('SSM did not answer within 2000 ms');
        return value;
      },
      refreshMs: 1000,
      now: () => now,
    });
    await settle();
    await expect(keys.get()).rejects.toBeInstanceOf(FormTokenKeysUnavailableError);

    fail = false;
    const first = await keys.get();
    fail = true;
    now = 5000;
    expect(await keys.get()).toBe(first);
  });
});

describe('a token signed with a key rotated in after this instance read its keys', () => {
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const READ_AT = NOW.getTime() - 60_000;

  /** Keys from SSM whose stored value the test rotates; `reads` counts GetParameter calls. */
  function rotatingSource() {
    const state = { value: newFormTokenKeysValue(), reads: 0, now: READ_AT };
    const source = ssmTokenKeys('/p', {
      read: async () => {
        state.reads += 1;
        return state.value;
      },
      now: () => state.now,
    });
    return { state, source };
  }

  it('verifies after one re-read of the keys, instead of answering "out of date"', async () => {
    const { state, source } = rotatingSource();
    await settle();
    const held = await source.get();
    const rotated = newFormTokenKeysValue();
    state.value = rotated;
    state.now = NOW.getTime();
    // Another instance, which already read the new value, issued the form.
    const token = issueToken(keysOf(rotated), OFFER, NOW);

    const checked = await checkPostedToken(source, held, token, OFFER, NOW);

    expect(checked).toEqual({ status: 'valid', submissionId: submissionIdOf(token) });
    expect(state.reads).toBe(2);
  });

  it('re-reads at most once per FORCED_REFRESH_MIN_MS, however many forged tokens arrive', async () => {
    const { state, source } = rotatingSource();
    await settle();
    const held = await source.get();
    state.now = NOW.getTime();
    const forged = () => issueToken(keysOf(), OFFER, NOW);

    await checkPostedToken(source, held, forged(), OFFER, NOW);
    await checkPostedToken(source, held, forged(), OFFER, NOW);
    state.now += FORCED_REFRESH_MIN_MS - 1;
    const later = new Date(state.now);
    const stillForged = await checkPostedToken(source, held, issueToken(keysOf(), OFFER, later), OFFER, later);

    expect(stillForged).toEqual({ status: 'invalid' });
    expect(state.reads).toBe(2);
  });

  it('does not re-read for a token issued before the keys were read: no key it could need is newer', async () => {
    const { state, source } = rotatingSource();
    await settle();
    state.now = NOW.getTime();
    const held = await source.get();
    const old = issueToken(keysOf(), OFFER, new Date(READ_AT - 10 * 60_000));

    expect(await checkPostedToken(source, held, old, OFFER, NOW)).toEqual({ status: 'invalid' });
    expect(state.reads).toBe(1);
  });

  it('refuses without a read when the keys are a fixed value', async () => {
    const value = newFormTokenKeysValue();
    const source = staticTokenKeys(value, 'FORM_TOKEN_KEYS');
    const token = issueToken(keysOf(), OFFER, NOW);

    expect(await checkPostedToken(source, await source.get(), token, OFFER, NOW)).toEqual({ status: 'invalid' });
  });
});

describe('the SSM GetParameter call', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  let silent: Server;
  const sockets: Socket[] = [];
  let port: number;
  beforeAll(async () => {
    // Accepts connections and never says a word (not even the TLS handshake).
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up after its timeout when SSM does not answer', async () => {
    const call = getSsmParameter({
      name: '/p',
      region: 'eu-west-1',
      credentials,
      timeoutMs: 50,
      endpoint: `https://127.0.0.1:${port}/`,
    });
    await expect(call).rejects.toThrow(new FormTokenKeysUnavailableError('SSM did not answer within 50 ms'));
  });

  it('fails as unavailable, naming the error code only, when it cannot connect', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const call = getSsmParameter({
      name: '/p',
      region: 'eu-west-1',
      credentials,
      endpoint: `https://127.0.0.1:${closedPort}/`,
    });
    await expect(call).rejects.toThrow(new FormTokenKeysUnavailableError('SSM request failed (ECONNREFUSED)'));
  });
});

describe('cross-site form posts', () => {
  const own = { host: 'abc.execute-api.eu-west-1.amazonaws.com' };
  it.each([
    [{ ...own, 'sec-fetch-site': 'cross-site' }, true],
    [{ ...own, 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }, true],
    [{ ...own, origin: 'null' }, true],
    [{ ...own, origin: 'not a url' }, true],
    [{ ...own, origin: 'https://offers.example.com', 'sec-fetch-site': 'same-origin' }, false],
    [{ ...own, origin: 'https://abc.execute-api.eu-west-1.amazonaws.com' }, false],
    // No fetch metadata and no Origin (an old browser, a script): the token decides.
    [{ ...own }, false],
    [{ ...own, 'sec-fetch-site': 'same-site' }, false],
  ])('%j is cross-site: %s', (headers, crossSite) => {
    expect(isCrossSitePost(headers, 'https://offers.example.com')).toBe(crossSite);
  });
});
