import { request as httpsRequest } from 'node:https';
import aws4 from 'aws4';
import type { AwsCredentials } from '../db/dynamodb-lite.ts';

/**
 * One synchronous Lambda Invoke (`POST /2015-03-31/functions/<name>/invocations`, RequestResponse),
 * signed with SigV4 by `aws4` over node:https, as the small DynamoDB client does, so the console
 * stays free of the AWS SDK. Used by the console to ask the office sync function (the only holder
 * of the directory credential) for a partner's on-demand sync.
 */
export interface LambdaInvokeCall {
  /** The function's name or ARN. */
  readonly functionName: string;
  readonly payload: unknown;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** No complete answer within this (ms), connecting included: the call fails. */
  readonly timeoutMs: number;
  /** `https://lambda.<region>.amazonaws.com` unless given (tests; there `http:` is accepted too). */
  readonly endpoint?: string;
}

/**
 * The invoke failed: no answer in time, no connection, Lambda refused it (throttled, not allowed),
 * or the function itself failed (`X-Amz-Function-Error`). The message names the status and the
 * error type only, never the payload (it may quote a request the function made).
 */
export class LambdaInvokeError extends Error {
  override readonly name = 'LambdaInvokeError';
}

/**
 * The setting that carries an invoked function's name to its caller (FunctionSpec `invokes`):
 * `officeSync` → `OFFICE_SYNC_FUNCTION_NAME`.
 */
export function invokedFunctionSetting(functionKey: string): string {
  return `${functionKey.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}_FUNCTION_NAME`;
}

/** The function's JSON answer; LambdaInvokeError otherwise. */
export function invokeLambda(call: LambdaInvokeCall): Promise<unknown> {
  const base = new URL(call.endpoint ?? `https://lambda.${call.region}.amazonaws.com`);
  const path = `/2015-03-31/functions/${encodeURIComponent(call.functionName)}/invocations`;
  const body = JSON.stringify(call.payload);
  // aws4 adds Host, Content-Length, X-Amz-Date (now), the session token and Authorization.
  const { headers } = aws4.sign(
    {
      host: base.host,
      path,
      method: 'POST',
      service: 'lambda',
      region: call.region,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body,
    },
    call.credentials,
  );
  const url = new URL(path, base);
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
      settle(() => reject(new LambdaInvokeError(`Lambda did not answer within ${call.timeoutMs} ms`)));
      req.destroy();
    }, call.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle(() => reject(new LambdaInvokeError(`Lambda invoke failed (${error.code ?? error.name})`))),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        settle(() => {
          let answer: unknown;
          try {
            answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            answer = undefined;
          }
          const status = res.statusCode ?? 0;
          const functionError = res.headers['x-amz-function-error'];
          if (status !== 200 || functionError !== undefined) {
            const type =
              typeof functionError === 'string'
                ? `function error ${functionError}`
                : String(res.headers['x-amzn-errortype'] ?? 'no type').split(':')[0];
            return reject(new LambdaInvokeError(`Lambda Invoke answered ${status} (${type})`));
          }
          resolve(answer);
        }),
      );
    });
    req.end(body);
  });
}
