/**
 * A local partner network directory: it speaks the upstream contract (README.md, "The upstream contract")
 * from an in-memory change log, optionally backed by an editable JSON file (`npm start` serves
 * .local/directory.json), and it can inject faults for tests: error statuses with Retry-After,
 * slow answers (timeouts), malformed pages and records, and requests held open until released.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

/** A record as served. Kept loose on purpose: the file may hold malformed records to demo. */
export interface LocalDirectoryRecord {
  readonly partnerId: string;
  readonly officeId: string;
  readonly updatedAt: string;
  readonly status: string;
  readonly [field: string]: unknown;
}

export type DirectoryFault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** Answers only after `ms`: longer than the client's timeout, it is a timeout. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** A body that is not JSON at all. */
  | { readonly kind: 'garbage' }
  /** A valid page with these extra records mixed in (malformed ones, say). */
  | { readonly kind: 'extraRecords'; readonly records: readonly unknown[] }
  /** The page's records twice over. */
  | { readonly kind: 'duplicatePage' }
  /** Holds the request open until the returned release function is called (or forever). */
  | { readonly kind: 'hold'; readonly until: Promise<void> };

interface PendingFault {
  readonly fault: DirectoryFault;
  readonly when: (url: URL) => boolean;
}

interface LogEntry {
  readonly seq: number;
  readonly record: LocalDirectoryRecord;
}

const key = (partnerId: string, officeId: string) => `${partnerId}/${officeId}`;
const MAX_PAGE_SIZE = 1000;

export interface LocalDirectoryOptions {
  /** The credential clients must send as `Authorization: Bearer <credential>`. */
  readonly credential: string;
  /** A JSON file `{ "offices": [...] }` re-read whenever it changes (edits become changes). */
  readonly file?: string;
  readonly defaultPageSize?: number;
  readonly now?: () => Date;
}

export class LocalDirectory {
  /** Different on every start: a cursor from an earlier instance means "send me everything". */
  private readonly instance = randomUUID().slice(0, 8);
  private seq = 0;
  private readonly log: LogEntry[] = [];
  /** The directory's truth: the newest version of each office (tombstones included). */
  private readonly current = new Map<string, LogEntry>();
  private faults: PendingFault[] = [];
  private fileMtime = -1;
  private server?: Server;
  private readonly now: () => Date;
  /** Every request URL served, in order (tests assert on paging and retries). */
  readonly requests: URL[] = [];
  /** Called as each request arrives, before faults are applied. */
  onRequest?: (url: URL) => void;

  constructor(private readonly options: LocalDirectoryOptions) {
    this.now = options.now ?? (() => new Date());
    if (options.file) this.reloadFile();
  }

  // ---- the directory's data -------------------------------------------------------------------

  /** An office changes upstream (or appears): becomes current if newer, and is delivered. */
  put(record: LocalDirectoryRecord): void {
    const entry = this.append(record);
    const k = key(record.partnerId, record.officeId);
    const existing = this.current.get(k);
    if (!existing || Date.parse(record.updatedAt) >= Date.parse(existing.record.updatedAt)) this.current.set(k, entry);
  }

  /** Delivers a record in the change feed without making it current: a stale or repeated delivery. */
  deliver(record: LocalDirectoryRecord): void {
    this.append(record);
  }

  /** The office is removed upstream: a tombstone in the feed, absent from full listings. */
  remove(partnerId: string, officeId: string, at: string = this.now().toISOString()): void {
    const existing = this.current.get(key(partnerId, officeId));
    if (!existing) return;
    this.put({ ...existing.record, status: 'deleted', updatedAt: at });
  }

  /** The office vanishes without a tombstone (as after the directory purged an old tombstone). */
  forget(partnerId: string, officeId: string): void {
    const k = key(partnerId, officeId);
    this.current.delete(k);
    for (let i = this.log.length - 1; i >= 0; i--) {
      const record = this.log[i]?.record;
      if (record && key(record.partnerId, record.officeId) === k) this.log.splice(i, 1);
    }
  }

  /** The current version of every office the directory knows, tombstones included. */
  snapshot(): LocalDirectoryRecord[] {
    return [...this.current.values()].map((entry) => entry.record);
  }

  private append(record: LocalDirectoryRecord): LogEntry {
    const entry = { seq: ++this.seq, record };
    this.log.push(entry);
    return entry;
  }

  // ---- the editable file ----------------------------------------------------------------------

  /** Applies the file's content as changes: new or edited records, and records taken out. */
  reloadFile(): void {
    const file = this.options.file;
    if (!file) return;
    const mtime = statSync(file).mtimeMs;
    if (mtime === this.fileMtime) return;
    const firstLoad = this.fileMtime === -1;
    this.fileMtime = mtime;
    let parsed: { offices?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { offices?: unknown };
    } catch (error) {
      console.error(`directory: ${file} is not valid JSON (${(error as Error).message}); keeping the previous data`);
      return;
    }
    const rows = Array.isArray(parsed.offices) ? (parsed.offices as Record<string, unknown>[]) : [];
    const at = firstLoad ? new Date(mtime).toISOString() : this.now().toISOString();
    const inFile = new Set<string>();
    for (const row of rows) {
      if (typeof row !== 'object' || row === null) continue;
      const partnerId = String(row.partnerId ?? '');
      const officeId = String(row.officeId ?? '');
      const k = key(partnerId, officeId);
      inFile.add(k);
      const existing = this.current.get(k)?.record;
      const candidate = { status: 'active', ...row, partnerId, officeId, updatedAt: '' };
      if (existing && sameContent(existing, candidate)) continue;
      // An edit is a change now, unless the file says when (and that is newer).
      const stated = typeof row.updatedAt === 'string' ? row.updatedAt : undefined;
      const updatedAt =
        stated && (!existing || Date.parse(stated) > Date.parse(existing.updatedAt))
          ? stated
          : firstLoad
            ? at
            : this.now().toISOString();
      this.put({ ...candidate, updatedAt });
    }
    for (const [k, entry] of this.current) {
      if (!inFile.has(k) && entry.record.status !== 'deleted')
        this.remove(entry.record.partnerId, entry.record.officeId);
    }
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** Queues faults for the next matching requests, one request each, in order. */
  failNext(faults: DirectoryFault | readonly DirectoryFault[], when: (url: URL) => boolean = () => true): void {
    for (const fault of Array.isArray(faults) ? faults : [faults])
      this.faults.push({ fault: fault as DirectoryFault, when });
  }

  clearFaults(): void {
    this.faults = [];
  }

  private takeFault(url: URL): DirectoryFault | undefined {
    const index = this.faults.findIndex((pending) => pending.when(url));
    if (index < 0) return undefined;
    const [pending] = this.faults.splice(index, 1);
    return pending?.fault;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    return this.baseUrl;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('The local directory is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://directory.local');
    this.requests.push(url);
    this.onRequest?.(url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/v1/offices') return send(404, { message: 'Not found' });
    if (req.headers.authorization !== `Bearer ${this.options.credential}`) {
      return send(401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    }

    const fault = this.takeFault(url);
    if (fault?.kind === 'status') {
      return send(
        fault.status,
        { message: `injected ${fault.status}` },
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (fault?.kind === 'hold') await fault.until;
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (res.destroyed) return;
    if (fault?.kind === 'garbage') return send(200, '{"offices": [ this is not json');

    this.reloadFileQuietly();
    const page = this.page(url);
    if ('error' in page) return send(400, { message: page.error });
    let offices: unknown[] = page.offices;
    if (fault?.kind === 'extraRecords') offices = [...fault.records, ...offices];
    if (fault?.kind === 'duplicatePage') offices = [...offices, ...offices];
    send(200, { ...page, offices });
  }

  private reloadFileQuietly(): void {
    try {
      this.reloadFile();
    } catch (error) {
      console.error(`directory: cannot read ${this.options.file}: ${(error as Error).message}`);
    }
  }

  /**
   * Every page returns the listing's high-water sequence number (fixed by its first page, carried
   * in the page token) as the cursor: a change made during the listing falls after it, and the next
   * incremental listing brings it.
   *
   * Incremental listings walk the change log in sequence order up to the high-water mark. Full
   * listings walk the current offices in key order instead: a change during the listing moves an
   * office's entry past the high-water mark, and a walk in sequence order would then skip the
   * office altogether, so a full listing would omit an office that exists (and the on-demand sync
   * would take it for gone). In key order, every office that exists throughout the listing is
   * listed, in the version current when its page is cut.
   */
  private page(
    url: URL,
  ): { offices: LocalDirectoryRecord[]; nextPageToken?: string; cursor: string } | { error: string } {
    const pageSize = Math.min(
      MAX_PAGE_SIZE,
      Number(url.searchParams.get('pageSize') ?? this.options.defaultPageSize ?? 100),
    );
    if (!Number.isInteger(pageSize) || pageSize < 1) return { error: 'pageSize must be a positive integer' };
    const partnerId = url.searchParams.get('partnerId') ?? undefined;
    const ofPartner = (entry: LogEntry) => partnerId === undefined || entry.record.partnerId === partnerId;
    const changedSince = url.searchParams.get('changedSince');
    // A cursor of this instance: changes after it. Anything else (first run, a cursor from before
    // a restart): a full listing, which is always a safe answer.
    const since = changedSince ? this.cursorSeq(changedSince) : undefined;
    const token = url.searchParams.get('pageToken');
    const position = token ? parsePageToken(token) : { highWater: this.seq };
    if (!position) return { error: 'invalid pageToken' };
    const { highWater } = position;
    const cursor = `${this.instance}-${highWater}`;

    if (since !== undefined) {
      if (position.afterKey !== undefined) return { error: 'invalid pageToken' };
      const after = position.afterSeq ?? 0;
      const selected = this.log
        .filter((entry) => entry.seq > since && entry.seq > after && entry.seq <= highWater)
        .filter(ofPartner)
        .sort((a, b) => a.seq - b.seq);
      const pageEntries = selected.slice(0, pageSize);
      const last = pageEntries.at(-1);
      return {
        offices: pageEntries.map((entry) => entry.record),
        ...(selected.length > pageSize && last ? { nextPageToken: `${highWater}.${last.seq}` } : {}),
        cursor,
      };
    }

    if (position.afterSeq !== undefined) return { error: 'invalid pageToken' };
    const afterKey = position.afterKey;
    // Full listings include tombstones: a client that lost its cursor still learns of removals.
    const selected = [...this.current.entries()]
      .filter(([k, entry]) => (afterKey === undefined || k > afterKey) && ofPartner(entry))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const pageEntries = selected.slice(0, pageSize);
    const lastKey = pageEntries.at(-1)?.[0];
    return {
      offices: pageEntries.map(([, entry]) => entry.record),
      ...(selected.length > pageSize && lastKey !== undefined
        ? { nextPageToken: `${highWater}~${Buffer.from(lastKey).toString('base64url')}` }
        : {}),
      cursor,
    };
  }

  private cursorSeq(cursor: string): number | undefined {
    const match = /^([0-9a-f]{8})-(\d+)$/.exec(cursor);
    return match && match[1] === this.instance ? Number(match[2]) : undefined;
  }
}

/** `<highWater>.<seq>` (incremental listings) or `<highWater>~<base64url key>` (full listings). */
function parsePageToken(token: string): { highWater: number; afterSeq?: number; afterKey?: string } | undefined {
  const bySeq = /^(\d+)\.(\d+)$/.exec(token);
  if (bySeq) return { highWater: Number(bySeq[1]), afterSeq: Number(bySeq[2]) };
  const byKey = /^(\d+)~([A-Za-z0-9_-]+)$/.exec(token);
  if (byKey) return { highWater: Number(byKey[1]), afterKey: Buffer.from(byKey[2] ?? '', 'base64url').toString() };
  return undefined;
}

function sameContent(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const strip = ({ updatedAt: _u, ...rest }: Record<string, unknown>) =>
    JSON.stringify(
      Object.keys(rest)
        .sort()
        .map((k) => [k, rest[k]]),
    );
  return strip(a) === strip(b);
}

// ---- npm start: the editable directory and the sync on a timer -------------------------------

export const LOCAL_DIRECTORY_CREDENTIAL = 'local-directory-credential';
const SEED_FILE = new URL('./directory-seed.json', import.meta.url);

export interface LocalOfficeSync {
  readonly directory: LocalDirectory;
  /** The editable file the directory serves. */
  readonly file: string;
  readonly intervalMinutes: number;
  /** What the office-sync handler needs in its environment (set before it is first imported). */
  readonly env: Record<string, string>;
  /** Runs the sync now and then every interval, through the same handler the schedule invokes. */
  schedule(runSync: () => Promise<unknown>): void;
  stop(): Promise<void>;
}

/**
 * Starts the local directory on `<localDir>/directory.json` (copied from directory-seed.json on
 * first start; edit it while running). OFFICE_SYNC_RATE_MINUTES sets the interval (default 10,
 * as deployed) and DIRECTORY_PORT the port (default: any free one).
 */
export async function startLocalOfficeSync(localDir: string): Promise<LocalOfficeSync> {
  const file = resolve(join(localDir, 'directory.json'));
  if (!existsSync(file)) {
    mkdirSync(localDir, { recursive: true });
    copyFileSync(SEED_FILE, file);
  }
  const intervalMinutes = Number(process.env.OFFICE_SYNC_RATE_MINUTES ?? 10);
  if (!(intervalMinutes > 0)) throw new Error('OFFICE_SYNC_RATE_MINUTES must be a positive number');
  const directory = new LocalDirectory({ credential: LOCAL_DIRECTORY_CREDENTIAL, file });
  await directory.start(Number(process.env.DIRECTORY_PORT ?? 0));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    directory,
    file,
    intervalMinutes,
    env: { DIRECTORY_BASE_URL: directory.baseUrl, DIRECTORY_CREDENTIAL: LOCAL_DIRECTORY_CREDENTIAL },
    schedule(runSync) {
      const tick = () => {
        // Like a scheduler with one run at a time: a slow run delays the next, never overlaps it.
        running ??= runSync()
          .catch((error: unknown) => console.error('office sync failed:', (error as Error).message))
          .finally(() => {
            running = undefined;
          });
      };
      tick();
      timer = setInterval(tick, intervalMinutes * 60_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await directory.close();
    },
  };
}
