import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import type { AwsCredentials } from '../db/dynamodb-lite.ts';

/**
 * One SigV4-signed POST to an AWS endpoint, signed by `aws4` and sent over node:https, for the
 * functions that stay free of the AWS SDK (its bundle and cold start: test/bench/RESULTS.md). The
 * AWS JSON 1.1 calls (aws-json-lite.ts) and Lambda Invoke (shared/lambda/invoke.ts) build on it;
 * each reads the answer by its own protocol.
 */
export interface SignedPostCall {
  /** `https:` (an `http:` URL only for a test's local server). Its path and query are signed. */
  readonly url: URL;
  /** The signing name: `ssm`, `lambda`. */
  readonly service: string;
  readonly region: string;
  /** Besides those aws4 adds (Host, Content-Length, X-Amz-Date, the session token, Authorization). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly credentials: AwsCredentials;
  /** No complete answer within this (ms), connecting included: the call fails. */
  readonly timeoutMs: number;
}

/** Any complete answer, whatever its status: reading it is the caller's. */
export interface SignedPostAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * No answer: the timeout passed (`timedOut`) or the connection failed (`code`: the socket error's
 * code, or its name). Carries nothing of the request (its headers hold a signature).
 */
export class SignedPostError extends Error {
  override readonly name = 'SignedPostError';
  constructor(
    readonly timedOut: boolean,
    readonly code: string,
  ) {
    super(timedOut ? 'no answer in time' : `request failed (${code})`);
  }
}

/** The answer; SignedPostError when none came. */
export function signedPost(call: SignedPostCall): Promise<SignedPostAnswer> {
  const { headers } = aws4.sign(
    {
      host: call.url.host,
      path: `${call.url.pathname}${call.url.search}`,
      method: 'POST',
      service: call.service,
      region: call.region,
      headers: { ...call.headers },
      body: call.body,
    },
    call.credentials,
  );
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    // Plain http only for a test's local server; not an `import` of node:http, whose namespace
    // loads undici at init.
    const request = call.url.protocol === 'http:' ? process.getBuiltinModule('node:http').request : httpsRequest;
    const req = request(call.url, { method: 'POST', headers });
    const timer = setTimeout(() => {
      settle(() => reject(new SignedPostError(true, 'timeout')));
      req.destroy();
    }, call.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle(() => reject(new SignedPostError(false, error.code ?? error.name))),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })),
      );
    });
    req.end(call.body);
  });
}
