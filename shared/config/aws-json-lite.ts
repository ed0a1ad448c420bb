import { request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import type { AwsCredentials } from '../db/dynamodb-lite.ts';

/**
 * One call to an AWS JSON 1.1 API (SSM, Secrets Manager: `POST /` with `X-Amz-Target`), signed
 * with SigV4 by `aws4` and sent over node:https, for the functions that stay free of the AWS SDK
 * (the customer page, the authorizer): the SDK would bring back most of their bundle and cold
 * start (test/bench/RESULTS.md).
 */
export interface AwsJsonCall {
  /** The signing name and host prefix: `ssm`, `secretsmanager`. */
  readonly service: string;
  /** `AmazonSSM.GetParameter`, `secretsmanager.GetSecretValue`. */
  readonly target: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** No answer within this (ms), connecting included: the call fails. */
  readonly timeoutMs: number;
  /** `https://<service>.<region>.amazonaws.com/` unless given (tests; there `http:` is accepted too). */
  readonly endpoint?: string;
  /** Names the service in error messages (`SSM`). */
  readonly label: string;
}

/**
 * The call failed: no answer in time, no connection, or an answer other than 200. The message
 * carries the service's error type and the HTTP status, never the answer's body (a decrypted
 * value must not reach logs).
 */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
}

/** The parsed 200 answer; AwsCallError otherwise. */
export function callAwsJson(call: AwsJsonCall): Promise<Record<string, unknown>> {
  const url = new URL(call.endpoint ?? `https://${call.service}.${call.region}.amazonaws.com/`);
  const body = JSON.stringify(call.body);
  const operation = call.target.split('.').pop();
  // aws4 adds Host, Content-Length, X-Amz-Date (now), the session token and Authorization.
  const { headers } = aws4.sign(
    {
      host: url.host,
      path: url.pathname,
      method: 'POST',
      service: call.service,
      region: call.region,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target },
      body,
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
    const request = url.protocol === 'http:' ? process.getBuiltinModule('node:http').request : httpsRequest;
    const req = request(url, { method: 'POST', headers });
    const timer = setTimeout(() => {
      settle(() => reject(new AwsCallError(`${call.label} did not answer within ${call.timeoutMs} ms`)));
      req.destroy();
    }, call.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle(() => reject(new AwsCallError(`${call.label} request failed (${error.code ?? error.name})`))),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        settle(() => {
          let answer: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (parsed !== null && typeof parsed === 'object') answer = parsed as Record<string, unknown>;
          } catch {
            // Not the service's JSON (a proxy's page): the status says enough.
          }
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            const type = typeof answer.__type === 'string' ? answer.__type.split('#').pop() : 'no value';
            return reject(new AwsCallError(`${call.label} ${operation} answered ${status} (${type})`));
          }
          resolve(answer);
        }),
      );
    });
    req.end(body);
  });
}
