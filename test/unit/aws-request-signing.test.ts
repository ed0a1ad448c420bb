import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import aws4 from 'aws4';
import { getSsmParameter } from '../../functions/offer-page/token-keys.ts';
import { type AwsCredentials, DynamoDbLite, LiteTable } from '../../shared/db/dynamodb-lite.ts';

const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** The hash @smithy/signature-v4 asks for, on node:crypto (the SDK's own lives in its client bundle). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const DATE = new Date('2026-11-24T12:34:56.789Z');
const REGION = 'sa-east-1';
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
// Non-ASCII included: the payload hash and Content-Length are over UTF-8 bytes.
const KEY = { PK: 'OFFER#ABCD-EFGH-JKMN-PQRS-TVWX', SK: 'São Paulo — Açaí' };

/** One request as it arrived: what DynamoDB would verify the signature against. */
interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let port: number;
let received: Received[];
const clients: DynamoDbLite[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const ssm = req.headers['x-amz-target'] === 'AmazonSSM.GetParameter';
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(ssm ? JSON.stringify({ Parameter: { Name: '/p', Type: 'SecureString', Value: 'the keys' } }) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

/** A GetItem through the small client's table at DATE, as the fake DynamoDB received it. */
async function sentByClient(credentials: AwsCredentials, path = '/'): Promise<Received> {
  const client = new DynamoDbLite({
    endpoint: `http://127.0.0.1:${port}${path}`,
    region: REGION,
    credentials: () => credentials,
    now: () => DATE.getTime(),
  });
  clients.push(client);
  await new LiteTable(client, 'purchase-offers').get({ Key: KEY, ConsistentRead: true });
  const [request] = received;
  if (!request) throw new Error('no request arrived');
  return request;
}

/** `20261124T123456Z` as a Date. */
const fromAmzDate = (value: string) =>
  new Date(value.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

/** The Authorization header the SDK's signer makes for the same request, headers and time. */
async function sdkAuthorization(
  credentials: AwsCredentials,
  request: Received,
  service = 'dynamodb',
  signingDate = DATE,
): Promise<string | undefined> {
  const { authorization: _, ...headers } = request.headers;
  const signer = new SignatureV4({
    credentials,
    region: REGION,
    service,
    sha256: Sha256,
    // As the DynamoDB client signs: no x-amz-content-sha256 header.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path: request.path,
      headers: headers as Record<string, string>,
      body: request.body,
    }),
    { signingDate },
  );
  return (signed as HttpRequest).headers.authorization;
}

describe('SigV4 signing of the small DynamoDB client (aws4), checked against the SDK’s signer', () => {
  it('signs a request exactly as @smithy/signature-v4 does, with the time and headers it sends', async () => {
    const request = await sentByClient(KEYS);

    expect(request.headers.authorization).toBe(await sdkAuthorization(KEYS, request));
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20261124\/sa-east-1\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers['x-amz-date']).toBe('20261124T123456Z');
    expect(request.headers.host).toBe(`127.0.0.1:${port}`);
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
    expect(request.headers['x-amz-security-token']).toBeUndefined();
  });

  it('signs the session token of temporary credentials (Lambda’s), and sends it', async () => {
    const credentials = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////token+/=' };

    const request = await sentByClient(credentials);

    expect(request.headers.authorization).toBe(await sdkAuthorization(credentials, request));
    expect(request.headers.authorization).toContain(
      'SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
    expect(request.headers['x-amz-security-token']).toBe(credentials.sessionToken);
  });

  it('signs a path other than / encoded twice, as services other than S3 expect', async () => {
    const request = await sentByClient(KEYS, '/ddb/a%20b');

    expect(request.path).toBe('/ddb/a%20b');
    expect(request.headers.authorization).toBe(await sdkAuthorization(KEYS, request));
  });
});

describe('SigV4 signing of the form-token keys’ SSM GetParameter call (aws4)', () => {
  it('signs the call as @smithy/signature-v4 does, session token included, and returns the value', async () => {
    const credentials = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////token+/=' };

    const value = await getSsmParameter({
      name: '/purchase-offers/test/form-token-keys',
      region: REGION,
      credentials,
      endpoint: `http://127.0.0.1:${port}/`,
    });

    expect(value).toBe('the keys');
    const [request] = received;
    expect(JSON.parse(request?.body ?? '')).toEqual({
      Name: '/purchase-offers/test/form-token-keys',
      WithDecryption: true,
    });
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request?.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    const signedAt = fromAmzDate(String(request?.headers['x-amz-date']));
    expect(request?.headers.authorization).toBe(
      await sdkAuthorization(credentials, request as Received, 'ssm', signedAt),
    );
    expect(request?.headers.authorization).toContain(
      '/sa-east-1/ssm/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
  });
});

describe('aws4', () => {
  it('reproduces AWS’s published test vector post-x-www-form-urlencoded', () => {
    // The vector signs only these three headers: the time is given, Content-Length left unsigned.
    const request: aws4.Request & { extraHeadersToIgnore: Record<string, boolean> } = {
      method: 'POST',
      host: 'example.amazonaws.com',
      path: '/',
      service: 'service',
      region: 'us-east-1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Amz-Date': '20150830T123600Z' },
      body: 'Param1=value1',
      extraHeadersToIgnore: { 'content-length': true },
    };

    const signed = aws4.sign(request, {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    });

    expect(signed.headers?.Authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });
});
