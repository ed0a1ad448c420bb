import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for one JSON POST, header-signed: what the customer page's DynamoDB client
 * needs and nothing more (no presigning, no query strings, no chunked payloads).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** As sent in the Host header: `dynamodb.eu-west-1.amazonaws.com`, or `127.0.0.1:8000`. */
  readonly host: string;
  /** Already percent-encoded, as it goes on the request line. */
  readonly path: string;
  /** Every header here is signed; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningScope {
  readonly credentials: AwsCredentials;
  readonly region: string;
  readonly service: string;
  readonly date: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** `20150830T123600Z` */
function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 3986 unreserved characters stay; everything else is %XX (encodeURIComponent leaves !'()*). */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Services other than S3 sign the path encoded twice: the request line's (already encoded) path is
 * encoded once more, segment by segment.
 */
function canonicalPath(path: string): string {
  return path.split('/').map(uriEscape).join('/');
}

/**
 * The headers to add to the request: `x-amz-date`, `x-amz-security-token` with temporary
 * credentials (Lambda's always are), and `authorization`. `host` and the request's own headers are
 * signed along with them.
 */
export function signRequest(request: SignableRequest, scope: SigningScope): Record<string, string> {
  const { credentials, region, service, date } = scope;
  const added: Record<string, string> = { 'x-amz-date': amzDate(date) };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;

  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries({ ...request.headers, host: request.host, ...added })) {
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  }
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    '', // no query string
    ...names.map((name) => `${name}:${headers.get(name)}`),
    '',
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');

  const day = added['x-amz-date']!.slice(0, 8);
  const credentialScope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, added['x-amz-date'], credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  return {
    ...added,
    authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
