import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleSessionRecord, DynamoConsoleSessionStore } from '../../shared/db/console-sessions.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../shared/domain/api-key.ts';
import { secretMatches } from '../../shared/security/constant-time.ts';

/**
 * The console's session rules, apart from HTTP:
 * - a session id is 32 random bytes (256 bits), base64url; the table stores only its SHA-256;
 * - a session ends 8 h after its last recorded activity (idle) and 24 h after sign-in (absolute),
 *   whichever comes first, and at sign-out;
 * - activity is recorded at most every 5 minutes: a write on every page view would double the
 *   console's table cost for nothing, since the idle limit is hours. So the idle limit runs from
 *   the last recorded activity: between 7 h 55 min and 8 h after the last request;
 * - the API key it was started with is looked up again at most every 60 s per execution
 *   environment (the authorizer's rule): revoking the key ends its sessions within a minute.
 */
export const IDLE_TIMEOUT_MS = 8 * 60 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const TOUCH_INTERVAL_MS = 5 * 60 * 1000;
export const KEY_RECHECK_MS = 60 * 1000;

/** A live session, as the console's pages see it. */
export interface LiveSession {
  readonly partnerId: string;
  readonly csrfToken: string;
  readonly label: string;
  readonly keyId: string;
}

/** A new session id for the cookie: 32 random bytes (256 bits), base64url (43 characters). */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the table stores for a session id: its SHA-256, hex (the id itself is never stored). */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** When the session stops signing anyone in (ms since the epoch). */
export function sessionExpiry(record: Pick<ConsoleSessionRecord, 'createdAt' | 'lastSeenAt'>): number {
  return Math.min(Date.parse(record.lastSeenAt) + IDLE_TIMEOUT_MS, Date.parse(record.createdAt) + ABSOLUTE_TIMEOUT_MS);
}

/** Compares a posted CSRF token with the session's in constant time (no early exit on a prefix). */
export function csrfTokenMatches(expected: string, posted: string | undefined): boolean {
  return posted !== undefined && secretMatches(expected, posted);
}

const toEpochSeconds = (ms: number) => Math.ceil(ms / 1000);

/** What ConsoleSessions runs on: the session table, the API key lookup and a clock. */
export interface ConsoleSessionsDeps {
  readonly store: Pick<DynamoConsoleSessionStore, 'create' | 'get' | 'touch' | 'end'>;
  /** The API key lookup, cached for KEY_RECHECK_MS (CachingKeyLookup). */
  readonly keys: Pick<ApiKeyStore, 'getByHash'>;
  readonly now: () => Date;
}

/**
 * Starts, resumes and ends console sessions by the rules above. Errors of the store or the key
 * lookup (a table outage) are thrown as they come.
 */
export class ConsoleSessions {
  constructor(private readonly deps: ConsoleSessionsDeps) {}

  /** Starts a session for a valid key; answers the id for the cookie (never stored) and the session. */
  async start(key: ApiKeyRecord): Promise<{ id: string; session: LiveSession }> {
    const id = newSessionId();
    const at = this.deps.now().toISOString();
    const record: ConsoleSessionRecord = {
      idHash: sessionIdHash(id),
      partnerId: key.partnerId,
      keyHash: key.keyHash,
      label: key.label,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: at,
      lastSeenAt: at,
    };
    await this.deps.store.create(record, toEpochSeconds(sessionExpiry(record)));
    return { id, session: liveSession(record, key) };
  }

  /**
   * The live session behind `id`, or undefined when there is none: unknown, signed out, idle or
   * too old, or its key revoked. Records activity when the last record is TOUCH_INTERVAL_MS old.
   */
  async resume(id: string): Promise<LiveSession | undefined> {
    const record = await this.deps.store.get(sessionIdHash(id));
    const now = this.deps.now().getTime();
    if (!record || record.endedAt !== undefined || now >= sessionExpiry(record)) return undefined;
    const key = await this.deps.keys.getByHash(record.keyHash);
    if (!key || key.revokedAt !== undefined || key.partnerId !== record.partnerId) return undefined;
    if (now - Date.parse(record.lastSeenAt) >= TOUCH_INTERVAL_MS) {
      const lastSeenAt = new Date(now).toISOString();
      const expiry = sessionExpiry({ createdAt: record.createdAt, lastSeenAt });
      // Signed out between the read and this write: the sign-out wins.
      if (!(await this.deps.store.touch(record.idHash, lastSeenAt, toEpochSeconds(expiry)))) return undefined;
    }
    return liveSession(record, key);
  }

  /** Ends the session behind `id` (sign-out); the item goes by TTL an hour later. */
  async end(id: string): Promise<void> {
    const now = this.deps.now().getTime();
    await this.deps.store.end(sessionIdHash(id), new Date(now).toISOString(), toEpochSeconds(now + 3_600_000));
  }
}

function liveSession(record: ConsoleSessionRecord, key: ApiKeyRecord): LiveSession {
  return { partnerId: record.partnerId, csrfToken: record.csrfToken, label: record.label, keyId: key.keyId };
}
