import { parseSetCookie } from 'cookie';
import {
  clearedSessionCookie,
  cookiePolicyFor,
  LOCAL_COOKIE,
  STRICT_COOKIE,
  sessionCookie,
  sessionIdFrom,
} from '../../functions/console/cookie.ts';
import { DEFAULT_RETURN_PATH, requestedPath, safeReturnPath } from '../../functions/console/return-path.ts';
import {
  ABSOLUTE_TIMEOUT_MS,
  ConsoleSessions,
  csrfTokenMatches,
  IDLE_TIMEOUT_MS,
  newSessionId,
  sessionExpiry,
} from '../../functions/console/sessions.ts';
import { clientAddress, throttleWindow } from '../../functions/console/sign-in-throttle.ts';
import { DynamoConsoleSessionStore } from '../../shared/db/console-sessions.ts';
import { ConditionFailedError, type Item } from '../../shared/db/port.ts';
import type { ApiKeyRecord } from '../../shared/domain/api-key.ts';
import { apiEvent } from '../support/events.ts';
import { FakeTable } from '../support/fake-table.ts';

const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE';

describe('the session cookie', () => {
  it('is set HttpOnly, Secure, SameSite=Strict on Path=/ under a __Host- name, with no Domain or lifetime', () => {
    const header = sessionCookie(STRICT_COOKIE, ID);

    expect(header).toBe(`__Host-console=${ID}; Path=/; HttpOnly; Secure; SameSite=Strict`);
  });

  it('is cleared with the same name and attributes and Max-Age=0', () => {
    expect(parseSetCookie(clearedSessionCookie(STRICT_COOKIE))).toEqual({
      name: '__Host-console',
      value: '',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: 0,
    });
  });

  it('drops Secure and the __Host- prefix (which demands Secure) only in the local policy', () => {
    expect(sessionCookie(LOCAL_COOKIE, ID)).toBe(`console-session=${ID}; Path=/; HttpOnly; SameSite=Strict`);
  });

  it.each([
    ['local', 'http://127.0.0.1:3000', LOCAL_COOKIE],
    ['local', 'http://localhost:3000', LOCAL_COOKIE],
    ['local', 'http://[::1]:3000', LOCAL_COOKIE],
    // Local stage, but TLS or another host: no reason to relax.
    ['local', 'https://127.0.0.1:3000', STRICT_COOKIE],
    ['local', 'http://offers.example.com', STRICT_COOKIE],
    ['local', 'http://127.0.0.1.example.com', STRICT_COOKIE],
    // A deployed stage is strict whatever its base URL says.
    ['dev', 'http://127.0.0.1:3000', STRICT_COOKIE],
    [undefined, 'http://127.0.0.1:3000', STRICT_COOKIE],
    ['local', undefined, STRICT_COOKIE],
    ['local', 'not a url', STRICT_COOKIE],
  ])('stage %s with base URL %s uses %o', (stage, baseUrl, policy) => {
    expect(cookiePolicyFor(stage, baseUrl)).toEqual(policy);
  });

  it('reads the id from payload 2.0 cookies, or from the Cookie header', () => {
    expect(sessionIdFrom(['theme=dark', `__Host-console=${ID}`], undefined, STRICT_COOKIE)).toBe(ID);
    expect(sessionIdFrom(undefined, `theme=dark; __Host-console=${ID}`, STRICT_COOKIE)).toBe(ID);
    expect(sessionIdFrom(undefined, `console-session=${ID}`, LOCAL_COOKIE)).toBe(ID);
  });

  it('ignores another policy’s name, a missing cookie and a value that is not a session id', () => {
    expect(sessionIdFrom(undefined, `console-session=${ID}`, STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom(undefined, undefined, STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom([], '', STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom([`__Host-console=${ID.slice(1)}`], undefined, STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom([`__Host-console=${ID}x`], undefined, STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom(['__Host-console=%41%42'], undefined, STRICT_COOKIE)).toBeUndefined();
    expect(sessionIdFrom([`__Host-console=${ID.slice(0, 42)}=`], undefined, STRICT_COOKIE)).toBeUndefined();
  });

  it('trusts a name sent twice only when both values agree', () => {
    const other = newSessionId();

    expect(sessionIdFrom([`__Host-console=${ID}`, `__Host-console=${other}`], undefined, STRICT_COOKIE)).toBe(
      undefined,
    );
    expect(sessionIdFrom([`__Host-console=${ID}`, `__Host-console=${ID}`], undefined, STRICT_COOKIE)).toBe(ID);
  });

  it('round-trips a new session id: 32 random bytes, base64url', () => {
    const id = newSessionId();

    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(sessionIdFrom(undefined, sessionCookie(STRICT_COOKIE, id).split(';')[0], STRICT_COOKIE)).toBe(id);
    expect(newSessionId()).not.toBe(id);
  });
});

describe('the return path after sign-in', () => {
  it.each([
    ['/console/offers', '/console/offers'],
    ['/console/offers?status=active&lang=pt-BR', '/console/offers?status=active&lang=pt-BR'],
    ['/console/offers/ABCD-EFGH-JKMN-PQRS-TVWX/send', '/console/offers/ABCD-EFGH-JKMN-PQRS-TVWX/send'],
    // Normalised as a browser would, and still inside the console.
    ['/console/offers/../offers/new', '/console/offers/new'],
    ['/console/offers/%2e%2e/new', '/console/new'],
  ])('keeps the console path %s', (value, expected) => {
    expect(safeReturnPath(value)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'https://evil.example/console/offers',
    '//evil.example/console/offers',
    '///evil.example/console/offers',
    '/\\evil.example/console/offers',
    '/console\\..\\..\\evil',
    '\t/console/offers',
    '/console/offers\n',
    'javascript:alert(1)',
    '/console/../v1/offers',
    '/console/%2e%2e/v1/offers',
    '/o/ABCD-EFGH-JKMN-PQRS-TVWX',
    '/console',
    '/consoleevil',
    '/console/sign-in',
    '/console/sign-out',
  ])('ignores %j', (value) => {
    expect(safeReturnPath(value)).toBeUndefined();
  });

  it('ignores a path over 1,024 characters', () => {
    expect(safeReturnPath(`/console/offers?${'a'.repeat(1_000)}`)).toBeDefined();
    expect(safeReturnPath(`/console/offers?${'a'.repeat(1_010)}`)).toBeUndefined();
  });

  it('returns to the offers when nothing else is asked for', () => {
    expect(DEFAULT_RETURN_PATH).toBe('/console/offers');
    expect(safeReturnPath(DEFAULT_RETURN_PATH)).toBe(DEFAULT_RETURN_PATH);
  });

  it('takes a GET’s path with its query as the page to come back to', () => {
    expect(requestedPath('/console/offers', 'status=active')).toBe('/console/offers?status=active');
    expect(requestedPath('/console/offers', '')).toBe('/console/offers');
    expect(requestedPath('/console/offers', undefined)).toBe('/console/offers');
  });
});

describe('session rules', () => {
  const created = '2026-11-30T08:00:00.000Z';
  const at = (ms: number) => new Date(Date.parse(created) + ms).toISOString();

  it('ends 8 h after the last recorded activity while that comes first', () => {
    expect(sessionExpiry({ createdAt: created, lastSeenAt: created })).toBe(Date.parse(created) + IDLE_TIMEOUT_MS);
    expect(sessionExpiry({ createdAt: created, lastSeenAt: at(10 * 3_600_000) })).toBe(
      Date.parse(created) + 18 * 3_600_000,
    );
  });

  it('ends 24 h after sign-in however recent the activity', () => {
    expect(sessionExpiry({ createdAt: created, lastSeenAt: at(20 * 3_600_000) })).toBe(
      Date.parse(created) + ABSOLUTE_TIMEOUT_MS,
    );
  });

  it('accepts only the session’s own CSRF token', () => {
    const token = newSessionId();

    expect(csrfTokenMatches(token, token)).toBe(true);
    expect(csrfTokenMatches(token, undefined)).toBe(false);
    expect(csrfTokenMatches(token, '')).toBe(false);
    expect(csrfTokenMatches(token, token.slice(0, -1))).toBe(false);
    expect(csrfTokenMatches(token, `${token}a`)).toBe(false);
    expect(csrfTokenMatches(token, newSessionId())).toBe(false);
    expect(csrfTokenMatches('', '')).toBe(false);
  });
});

describe('sign-in throttling', () => {
  it('counts a client by the viewer address CloudFront forwards, else the source address', () => {
    const direct = apiEvent({ routeKey: 'POST /console/sign-in' });
    const viaCloudFront = apiEvent({
      routeKey: 'POST /console/sign-in',
      headers: { 'cloudfront-viewer-address': '198.51.100.10:46532' },
    });
    const ipv6 = apiEvent({
      routeKey: 'POST /console/sign-in',
      headers: { 'cloudfront-viewer-address': '2001:db8::1:46532' },
    });

    expect(clientAddress(direct)).toBe('127.0.0.1');
    expect(clientAddress(viaCloudFront)).toBe('198.51.100.10');
    expect(clientAddress(ipv6)).toBe('2001:db8::1');
  });

  it('counts per one-minute window and says how long the rest of it lasts', () => {
    const minute = 29_000_000;

    expect(throttleWindow(minute * 60_000)).toEqual({ minute, retryAfterSeconds: 60 });
    expect(throttleWindow(minute * 60_000 + 59_001)).toEqual({ minute, retryAfterSeconds: 1 });
    expect(throttleWindow(minute * 60_000 + 59_999)).toEqual({ minute, retryAfterSeconds: 1 });
    expect(throttleWindow(minute * 60_000 + 60_000)).toEqual({ minute: minute + 1, retryAfterSeconds: 60 });
  });
});

describe('resuming a session', () => {
  const key: ApiKeyRecord = {
    keyHash: 'k'.repeat(64),
    keyId: 'kkkkkkkkkkkk',
    partnerId: 'p-1',
    label: 'Ana Souza',
    createdAt: '2026-11-30T08:00:00.000Z',
  };
  const signedInAt = Date.parse('2026-11-30T08:00:00.000Z');

  /** Sessions on a fake table, at `now`, whose key lookup answers `found`; the stored item is what `start` put. */
  async function started(found: ApiKeyRecord | undefined, now: { at: number }) {
    const table = new FakeTable();
    const sessions = new ConsoleSessions({
      store: new DynamoConsoleSessionStore(table),
      keys: { getByHash: async () => found },
      now: () => new Date(now.at),
    });
    const { id } = await sessions.start(key);
    const stored = table.calls.put[0]?.Item as Item;
    table.answers.get = () => ({ ...stored });
    return { table, sessions, id };
  }

  it('refuses a session whose key now belongs to another partner (never another partner’s data)', async () => {
    const now = { at: signedInAt };
    const { sessions, id } = await started({ ...key, partnerId: 'p-2' }, now);

    expect(await sessions.resume(id)).toBeUndefined();
  });

  it('lets a sign-out that lands between the read and the activity write win', async () => {
    const now = { at: signedInAt };
    const { table, sessions, id } = await started(key, now);
    now.at = signedInAt + 10 * 60_000;
    table.answers.update = () => {
      throw new ConditionFailedError();
    };

    expect(await sessions.resume(id)).toBeUndefined();
    expect(table.calls.update[0]?.ConditionExpression).toBe('attribute_exists(PK) AND attribute_not_exists(endedAt)');
  });

  it('writes nothing while the last recorded activity is under 5 minutes old', async () => {
    const now = { at: signedInAt };
    const { table, sessions, id } = await started(key, now);
    now.at = signedInAt + 5 * 60_000 - 1;

    const live = await sessions.resume(id);

    expect(live).toEqual({ partnerId: 'p-1', csrfToken: expect.any(String), label: 'Ana Souza', keyId: key.keyId });
    expect(table.calls.update).toHaveLength(0);
  });
});
