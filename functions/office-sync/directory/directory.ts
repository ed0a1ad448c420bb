import type { DirectoryOffice, InvalidDirectoryRecord } from '../../../shared/domain/office.ts';

/**
 * Port for the partner network directory (the upstream owner of partner offices). The HTTP adapter
 * is HttpDirectory (http-directory.ts); the contract it speaks is in README.md, "The upstream contract".
 */
export interface DirectoryQuery {
  /** Only offices changed after this cursor (a value the directory returned earlier). */
  readonly changedSince?: string;
  /** Only this partner's offices. */
  readonly partnerId?: string;
}

export interface DirectoryPage {
  /** The valid records of the page, in the order the directory sent them. */
  readonly offices: readonly DirectoryOffice[];
  /** Records that failed validation: skipped and reported, never fatal to the run. */
  readonly invalid: readonly Omit<InvalidDirectoryRecord, 'page'>[];
  /** Present when more pages follow. */
  readonly nextPageToken?: string;
  /** Where the next incremental listing starts once every page of this one is stored. */
  readonly cursor: string;
}

export interface OfficeDirectory {
  listOffices(query: DirectoryQuery, pageToken?: string, signal?: AbortSignal): Promise<DirectoryPage>;
}

/**
 * The directory could not give us a page: after retries for transient failures (429, 5xx,
 * timeouts, malformed pages), or at once for failures retrying cannot fix (401, 403, other 4xx).
 */
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** Seconds the directory asked us to wait (Retry-After), if it did. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Every page of one listing, fetched in order. */
export async function* listAllPages(
  directory: OfficeDirectory,
  query: DirectoryQuery,
  signal?: AbortSignal,
): AsyncGenerator<DirectoryPage> {
  let pageToken: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await directory.listOffices(query, pageToken, signal);
    yield page;
    pageToken = page.nextPageToken;
    // A directory that hands back a token it gave before would loop forever.
    if (pageToken !== undefined) {
      if (seen.has(pageToken)) throw new DirectoryError(`Directory repeated page token ${pageToken}`, false);
      seen.add(pageToken);
    }
  } while (pageToken !== undefined);
}
