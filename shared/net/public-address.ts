import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../config/env.ts';

/**
 * SSRF guard for partner-supplied URLs (webhook endpoints): a URL may only reach hosts on the
 * public internet. Checked at registration, and again at delivery after DNS resolution, where the
 * caller connects to the address returned here (never resolving the name a second time), so a
 * name that later resolves inside (DNS rebinding) is caught.
 *
 * Address classes come from ipaddr.js (its special ranges, RFC 6890 and friends); only its
 * `unicast` class passes. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are judged as the IPv4
 * address they carry; other IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo) are
 * refused outright, as their IPv4 target cannot be told reliably.
 */

/** Why an address is refused, as the rule a problem document names. */
export type AddressRule =
  | 'loopback_address'
  | 'private_address'
  | 'link_local_address'
  | 'cgnat_address'
  | 'multicast_address'
  | 'unspecified_address'
  | 'broadcast_address'
  | 'cloud_metadata_address'
  | 'reserved_address';

/** Instance metadata services (AWS IMDS over IPv4 and IPv6; GCP and Azure share 169.254.169.254). */
const CLOUD_METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

const RULE_BY_RANGE: Readonly<Record<string, AddressRule>> = {
  loopback: 'loopback_address',
  private: 'private_address',
  uniqueLocal: 'private_address',
  linkLocal: 'link_local_address',
  carrierGradeNat: 'cgnat_address',
  multicast: 'multicast_address',
  unspecified: 'unspecified_address',
  broadcast: 'broadcast_address',
};

const WHAT: Readonly<Record<AddressRule, string>> = {
  loopback_address: 'a loopback address',
  private_address: 'a private address',
  link_local_address: 'a link-local address',
  cgnat_address: 'a carrier-grade NAT address',
  multicast_address: 'a multicast address',
  unspecified_address: 'the unspecified address',
  broadcast_address: 'the broadcast address',
  cloud_metadata_address: 'a cloud metadata address',
  reserved_address: 'a reserved or special-purpose address',
};

/**
 * The rule an IP address breaks, or undefined for a public unicast address.
 * @throws Error (ipaddr.js's) when `address` is not an IP address.
 */
export function addressRule(address: string): AddressRule | undefined {
  let parsed = ipaddr.parse(address.replace(/^\[(.*)\]$/, '$1'));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (CLOUD_METADATA_ADDRESSES.has(parsed.toNormalizedString()) || CLOUD_METADATA_ADDRESSES.has(parsed.toString())) {
    return 'cloud_metadata_address';
  }
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return RULE_BY_RANGE[range] ?? 'reserved_address';
}

/** A URL the guard refused; `rule` and `message` are what a problem document's field error says. */
export class UnsafeUrlError extends Error {
  override readonly name: string = 'UnsafeUrlError';
  constructor(
    /** `https_only`, `url`, `credentials`, `unresolvable_host`, or an AddressRule. */
    readonly rule: string,
    /** Phrased to follow the field's name: "must use https". */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** An address of the URL's host (as given, or as resolved) is not public: `rule` says which class. */
export class NonPublicAddressError extends UnsafeUrlError {
  override readonly name = 'NonPublicAddressError';
}

/** The name could not be resolved in time, or the resolver failed transiently: worth a retry. */
export class DnsUnavailableError extends Error {
  override readonly name = 'DnsUnavailableError';
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to (as `dns.lookup` with `all: true` answers). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every address of the name. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** A resolution slower than this fails the check: 2 s, well inside a 10 s delivery or API budget. */
export const DNS_TIMEOUT_MS = 2_000;

export interface PublicOnlyOptions {
  /** Defaults to systemResolver; tests inject their own. */
  readonly resolve?: Resolver;
  /** ms a resolution may take; defaults to DNS_TIMEOUT_MS. */
  readonly dnsTimeoutMs?: number;
  /**
   * Local development only (see loopbackHttpAllowed): loopback addresses are accepted, over http
   * or https. Every other class is still refused.
   */
  readonly allowLoopback?: boolean;
}

export interface PublicTarget {
  readonly url: URL;
  /** The address to connect to: the first one the name resolved to (all of them were checked). */
  readonly address: string;
  readonly family: 4 | 6;
}

/** DNS error codes that mean "this name does not exist", as opposed to "ask again later". */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * Checks that `url` is an https URL (no user info) whose host, and every address its name
 * resolves to, is public; answers the URL and the address to connect to.
 * @throws UnsafeUrlError when the URL is refused (a caller's mistake: 422).
 * @throws DnsUnavailableError when the name could not be resolved within the timeout or the
 *   resolver failed transiently (503 at registration, a retry at delivery).
 */
export async function assertPublicUrl(url: string | URL, options: PublicOnlyOptions = {}): Promise<PublicTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError('url', 'must be an absolute URL');
  }
  const allowLoopback = options.allowLoopback === true;
  if (parsed.protocol !== 'https:' && !(allowLoopback && parsed.protocol === 'http:')) {
    throw new UnsafeUrlError('https_only', 'must use https');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new UnsafeUrlError('credentials', 'must not carry a user name or password');
  }
  // WHATWG URL parsing has already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses: readonly ResolvedAddress[] =
    isIP(host) !== 0 ? [{ address: host, family: isIP(host) === 6 ? 6 : 4 }] : await resolveInTime(host, options);
  if (addresses.length === 0) throw new UnsafeUrlError('unresolvable_host', `host ${host} has no address`);
  assertPublicAddresses(host, addresses, allowLoopback);
  if (parsed.protocol === 'http:' && addresses.some(({ address }) => addressRule(address) !== 'loopback_address')) {
    throw new UnsafeUrlError('https_only', 'must use https (http is only for loopback receivers in local runs)');
  }
  const [first] = addresses as [ResolvedAddress];
  return { url: parsed, address: first.address, family: first.family };
}

/** @throws NonPublicAddressError for the first address of `host` that is not public. */
function assertPublicAddresses(host: string, addresses: readonly ResolvedAddress[], allowLoopback: boolean): void {
  for (const { address } of addresses) {
    const rule = addressRule(address);
    if (rule === undefined || (allowLoopback && rule === 'loopback_address')) continue;
    const named = address === host ? `is ${WHAT[rule]}` : `resolves to ${address}, ${WHAT[rule]}`;
    throw new NonPublicAddressError(rule, `must be a public host: ${host} ${named}`);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request / net.connect that resolves the host once (with the DNS timeout),
 * refuses it unless every address is public, and hands the socket the checked address: the
 * connection goes where the check looked, so DNS rebinding cannot slip in between. Node skips
 * `lookup` for IP-literal hosts: check those with assertPublicUrl (or addressRule) first.
 * The error passed on is a NonPublicAddressError, an UnsafeUrlError (unresolvable name) or a
 * DnsUnavailableError.
 */
export function publicOnlyLookup(options: PublicOnlyOptions = {}) {
  return (hostname: string, lookupOptions: { all?: boolean } | number | undefined, callback: LookupCallback): void => {
    resolveInTime(hostname, options)
      .then((addresses) => {
        if (addresses.length === 0) throw new UnsafeUrlError('unresolvable_host', `host ${hostname} has no address`);
        assertPublicAddresses(hostname, addresses, options.allowLoopback === true);
        const [first] = addresses as [ResolvedAddress];
        if (typeof lookupOptions === 'object' && lookupOptions?.all) callback(null, [...addresses]);
        else callback(null, first.address, first.family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

async function resolveInTime(host: string, options: PublicOnlyOptions): Promise<readonly ResolvedAddress[]> {
  const resolve = options.resolve ?? systemResolver;
  const timeoutMs = options.dnsTimeoutMs ?? DNS_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DnsUnavailableError(`Resolving ${host} took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([resolve(host), timeout]);
  } catch (error) {
    if (error instanceof DnsUnavailableError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && NO_SUCH_NAME.has(code)) {
      throw new UnsafeUrlError('unresolvable_host', `must name a host that resolves: ${host} does not`);
    }
    throw new DnsUnavailableError(`Resolving ${host} failed`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The local-only setting that lets webhook URLs reach loopback receivers (`http://127.0.0.1:<port>`). */
export const ALLOW_LOOPBACK_SETTING = 'WEBHOOKS_ALLOW_LOOPBACK_HTTP';

/**
 * Whether loopback receivers are allowed: only when ALLOW_LOOPBACK_SETTING is `true` and the local
 * runtime (STAGE `local`, outside Lambda) runs the code.
 * @throws ConfigError when the setting is on anywhere else: a deployment must never accept it,
 *   so it fails at cold start rather than quietly opening loopback to partners.
 */
export function loopbackHttpAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[ALLOW_LOOPBACK_SETTING] !== 'true') return false;
  if (env.STAGE !== 'local' || env.AWS_LAMBDA_FUNCTION_NAME !== undefined) {
    throw new ConfigError(
      `${ALLOW_LOOPBACK_SETTING} is only for the local runtime; it is set on stage ${env.STAGE ?? '(none)'}`,
    );
  }
  return true;
}
