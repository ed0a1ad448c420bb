import { ConfigError } from '../../shared/config/env.ts';
import {
  addressRule,
  assertPublicUrl,
  DnsUnavailableError,
  loopbackHttpAllowed,
  NonPublicAddressError,
  publicOnlyLookup,
  type Resolver,
  UnsafeUrlError,
} from '../../shared/net/public-address.ts';

/** A resolver answering fixed addresses per name (no DNS traffic). */
const fixedResolver =
  (answers: Record<string, readonly string[]>): Resolver =>
  async (hostname) => {
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(url: string, resolve?: Resolver): Promise<UnsafeUrlError> {
  const error = await assertPublicUrl(url, resolve ? { resolve } : {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UnsafeUrlError)) throw new Error(`expected a refusal of ${url}, got ${String(error)}`);
  return error;
}

describe('addressRule: the address classes a webhook may not reach', () => {
  it.each([
    ['127.0.0.1', 'loopback_address'],
    ['127.255.0.9', 'loopback_address'],
    ['::1', 'loopback_address'],
    ['10.1.2.3', 'private_address'],
    ['172.16.0.1', 'private_address'],
    ['172.31.255.254', 'private_address'],
    ['192.168.1.1', 'private_address'],
    ['fc00::1', 'private_address'],
    ['fd12:3456::1', 'private_address'],
    ['169.254.1.1', 'link_local_address'],
    ['fe80::1', 'link_local_address'],
    ['100.64.0.1', 'cgnat_address'],
    ['100.127.255.254', 'cgnat_address'],
    ['224.0.0.1', 'multicast_address'],
    ['ff02::1', 'multicast_address'],
    ['0.0.0.0', 'unspecified_address'],
    ['::', 'unspecified_address'],
    ['255.255.255.255', 'broadcast_address'],
    ['169.254.169.254', 'cloud_metadata_address'],
    ['fd00:ec2::254', 'cloud_metadata_address'],
    ['::ffff:127.0.0.1', 'loopback_address'],
    ['::ffff:10.0.0.1', 'private_address'],
    ['::ffff:169.254.169.254', 'cloud_metadata_address'],
    ['::ffff:a9fe:a9fe', 'cloud_metadata_address'],
    ['64:ff9b::7f00:1', 'reserved_address'],
    ['2002:7f00:1::1', 'reserved_address'],
    ['192.0.2.10', 'reserved_address'],
  ])('%s is refused as %s', (address, rule) => {
    expect(addressRule(address)).toBe(rule);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    '::ffff:8.8.8.8',
  ])('%s is public', (address) => {
    expect(addressRule(address)).toBeUndefined();
  });
});

describe('assertPublicUrl', () => {
  it('answers the URL and the address to connect to when every address of the name is public', async () => {
    const resolve = fixedResolver({ 'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] });

    const target = await assertPublicUrl('https://hooks.example.com/in', { resolve });

    expect(target).toEqual({ url: new URL('https://hooks.example.com/in'), address: '93.184.215.14', family: 4 });
  });

  it('refuses a name that resolves to 127.0.0.1, naming the address', async () => {
    const error = await refusal('https://sneaky.example.com/', fixedResolver({ 'sneaky.example.com': ['127.0.0.1'] }));

    expect(error).toBeInstanceOf(NonPublicAddressError);
    expect(error.rule).toBe('loopback_address');
    expect(error.reason).toBe('must be a public host: sneaky.example.com resolves to 127.0.0.1, a loopback address');
  });

  it('refuses a name when any one of its addresses is inside', async () => {
    const resolve = fixedResolver({ 'mixed.example.com': ['93.184.215.14', '10.0.0.5'] });

    expect((await refusal('https://mixed.example.com/', resolve)).rule).toBe('private_address');
  });

  it.each([
    ['https://127.0.0.1/', 'loopback_address'],
    ['https://[::1]/', 'loopback_address'],
    ['https://[::ffff:127.0.0.1]/', 'loopback_address'],
    ['https://2130706433/', 'loopback_address'],
    ['https://0x7f.0.0.1/', 'loopback_address'],
    ['https://169.254.169.254/latest/meta-data/', 'cloud_metadata_address'],
    ['https://[fd00:ec2::254]/', 'cloud_metadata_address'],
    ['https://[fe80::1]/', 'link_local_address'],
    ['https://100.64.1.1/', 'cgnat_address'],
    ['https://192.168.0.10/', 'private_address'],
  ])('refuses the IP literal host of %s without resolving (%s)', async (url, rule) => {
    const resolve: Resolver = async () => {
      throw new Error('an IP literal is not resolved');
    };

    expect((await refusal(url, resolve)).rule).toBe(rule);
  });

  it('refuses http, user info and names that do not resolve', async () => {
    const resolve = fixedResolver({ 'hooks.example.com': ['93.184.215.14'] });

    expect((await refusal('http://hooks.example.com/', resolve)).rule).toBe('https_only');
    expect((await refusal('https://user:pw@hooks.example.com/', resolve)).rule).toBe('credentials');
    expect((await refusal('https://nowhere.example.com/', resolve)).rule).toBe('unresolvable_host');
    expect((await refusal('not a url', resolve)).rule).toBe('url');
  });

  it('fails with DnsUnavailableError when resolution outlasts the timeout', async () => {
    const never: Resolver = () => new Promise(() => {});

    await expect(
      assertPublicUrl('https://slow.example.com/', { resolve: never, dnsTimeoutMs: 20 }),
    ).rejects.toBeInstanceOf(DnsUnavailableError);
  });

  it('fails with DnsUnavailableError when the resolver fails transiently', async () => {
    const flaky: Resolver = async () => {
      throw Object.assign(new Error('queryA ESERVFAIL'), { code: 'ESERVFAIL' });
    };

    await expect(assertPublicUrl('https://hooks.example.com/', { resolve: flaky })).rejects.toBeInstanceOf(
      DnsUnavailableError,
    );
  });

  it('with allowLoopback, takes http and https loopback receivers and still refuses every other class', async () => {
    const resolve = fixedResolver({ localhost: ['127.0.0.1'], 'hooks.example.com': ['93.184.215.14'] });

    await expect(assertPublicUrl('http://127.0.0.1:8088/hook', { allowLoopback: true })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(
      assertPublicUrl('http://localhost:8088/hook', { allowLoopback: true, resolve }),
    ).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(assertPublicUrl('http://10.0.0.1/', { allowLoopback: true })).rejects.toMatchObject({
      rule: 'private_address',
    });
    await expect(assertPublicUrl('http://hooks.example.com/', { allowLoopback: true, resolve })).rejects.toMatchObject({
      rule: 'https_only',
    });
  });
});

describe('publicOnlyLookup (the socket lookup at delivery)', () => {
  const lookup = (hostname: string, resolve: Resolver, all = false) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((done) =>
      publicOnlyLookup({ resolve })(hostname, { all }, (error, address, family) =>
        done({ error, address, ...(family === undefined ? {} : { family }) }),
      ),
    );

  it('hands the socket the checked address', async () => {
    const answer = await lookup('hooks.example.com', fixedResolver({ 'hooks.example.com': ['93.184.215.14'] }));

    expect(answer).toEqual({ error: null, address: '93.184.215.14', family: 4 });
  });

  it('refuses a name that now resolves inside (DNS rebinding) with NonPublicAddressError', async () => {
    const answer = await lookup('rebind.example.com', fixedResolver({ 'rebind.example.com': ['127.0.0.1'] }));

    expect(answer.error).toBeInstanceOf(NonPublicAddressError);
    expect((answer.error as NonPublicAddressError).rule).toBe('loopback_address');
  });
});

describe('loopbackHttpAllowed (WEBHOOKS_ALLOW_LOOPBACK_HTTP)', () => {
  it('is off unless set to true', () => {
    expect(loopbackHttpAllowed({ STAGE: 'local' })).toBe(false);
    expect(loopbackHttpAllowed({ STAGE: 'prod', WEBHOOKS_ALLOW_LOOPBACK_HTTP: 'false' })).toBe(false);
  });

  it('is honoured on the local stage outside Lambda', () => {
    expect(loopbackHttpAllowed({ STAGE: 'local', WEBHOOKS_ALLOW_LOOPBACK_HTTP: 'true' })).toBe(true);
  });

  it('fails fast when set on any other stage or inside Lambda', () => {
    expect(() => loopbackHttpAllowed({ STAGE: 'prod', WEBHOOKS_ALLOW_LOOPBACK_HTTP: 'true' })).toThrow(ConfigError);
    expect(() => loopbackHttpAllowed({ WEBHOOKS_ALLOW_LOOPBACK_HTTP: 'true' })).toThrow(ConfigError);
    expect(() =>
      loopbackHttpAllowed({ STAGE: 'local', AWS_LAMBDA_FUNCTION_NAME: 'fn', WEBHOOKS_ALLOW_LOOPBACK_HTTP: 'true' }),
    ).toThrow(ConfigError);
  });
});
