import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { type AwsCredentials, signRequest } from '../../shared/db/sigv4.ts';

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
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
// A GetItem as DynamoDbLite sends it, non-ASCII included: the payload hash is over UTF-8 bytes.
const BODY = JSON.stringify({
  TableName: 'purchase-offers',
  Key: { PK: { S: 'OFFER#ABCD-EFGH-JKMN-PQRS-TVWX' }, SK: { S: 'OFFER' } },
  ExpressionAttributeValues: { ':name': { S: 'São Paulo — Açaí' } },
  ConsistentRead: true,
});
const HEADERS = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' };

async function smithyAuthorization(credentials: AwsCredentials, host: string, path = '/'): Promise<string | undefined> {
  const signer = new SignatureV4({
    credentials,
    region: 'sa-east-1',
    service: 'dynamodb',
    sha256: Sha256,
    // As the DynamoDB client signs: no x-amz-content-sha256 header.
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'https:',
    hostname: host,
    path,
    headers: { ...HEADERS, host },
    body: BODY,
  });
  const signed = await signer.sign(request, { signingDate: DATE });
  return (signed as HttpRequest).headers.authorization;
}

function ours(credentials: AwsCredentials, host: string, path = '/') {
  return signRequest(
    { method: 'POST', host, path, headers: HEADERS, body: BODY },
    { credentials, region: 'sa-east-1', service: 'dynamodb', date: DATE },
  );
}

describe('SigV4 signing', () => {
  it('signs a DynamoDB request exactly as @smithy/signature-v4 does', async () => {
    const host = 'dynamodb.sa-east-1.amazonaws.com';
    const signed = ours(KEYS, host);
    expect(signed.authorization).toBe(await smithyAuthorization(KEYS, host));
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-target,');
    expect(signed['x-amz-date']).toBe('20261124T123456Z');
    expect(signed['x-amz-security-token']).toBeUndefined();
  });

  it('signs the session token of temporary credentials (Lambda’s), and sends it', async () => {
    const credentials = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////token+/=' };
    const host = 'dynamodb.sa-east-1.amazonaws.com';
    const signed = ours(credentials, host);
    expect(signed.authorization).toBe(await smithyAuthorization(credentials, host));
    expect(signed.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
    expect(signed['x-amz-security-token']).toBe(credentials.sessionToken);
  });

  it('signs a local endpoint’s host with its port, and a path other than /', async () => {
    expect(ours(KEYS, '127.0.0.1:8000', '/ddb/a%20b').authorization).toBe(
      await smithyAuthorization(KEYS, '127.0.0.1:8000', '/ddb/a%20b'),
    );
  });

  it('reproduces AWS’s published test vector post-x-www-form-urlencoded', () => {
    const signed = signRequest(
      {
        method: 'POST',
        host: 'example.amazonaws.com',
        path: '/',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'Param1=value1',
      },
      {
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
        region: 'us-east-1',
        service: 'service',
        date: new Date('2015-08-30T12:36:00Z'),
      },
    );
    expect(signed.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });
});
