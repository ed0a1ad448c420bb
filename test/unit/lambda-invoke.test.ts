import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { invokedFunctionSetting, invokeLambda, LambdaInvokeError } from '../../shared/lambda/invoke.ts';
import {
  type PartnerSyncRequest,
  requestPartnerSync,
  setLocalPartnerSyncInvoker,
} from '../../shared/lambda/office-sync-request.ts';

/** A stand-in for Lambda's Invoke endpoint: records each request and answers as told. */
interface Seen {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
let server: Server;
let endpoint: string;
let seen: Seen[];
let answer: (res: import('node:http').ServerResponse) => void;

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  setLocalPartnerSyncInvoker(undefined);
});

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
const call = (timeoutMs = 2_000) => ({
  functionName: 'stack-OfficeSync-1',
  payload: { kind: 'partner-office-sync', partnerId: 'p-1', budgetMs: 100 },
  region: 'eu-west-1',
  credentials: CREDENTIALS,
  timeoutMs,
  endpoint,
});
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe('Lambda Invoke (SigV4 by aws4)', () => {
  it('posts the payload to the function’s invocations path, signed for lambda, and answers the function’s JSON', async () => {
    answer = json(200, { outcome: 'synced' });

    const result = await invokeLambda(call());

    expect(result).toEqual({ outcome: 'synced' });
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/2015-03-31/functions/stack-OfficeSync-1/invocations');
    expect(request?.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('token');
    expect(JSON.parse(request?.body ?? '')).toEqual(call().payload);
  });

  it('fails when the function failed, naming the error type but not the payload it answered', async () => {
    answer = json(
      200,
      { errorMessage: 'secret detail from a signed request' },
      { 'x-amz-function-error': 'Unhandled' },
    );

    const failure = invokeLambda(call());

    await expect(failure).rejects.toThrow(LambdaInvokeError);
    await expect(failure).rejects.toThrow('Lambda Invoke answered 200 (function error Unhandled)');
    await expect(failure).rejects.not.toThrow(/secret detail/);
  });

  it('fails when Lambda refuses the call (throttled)', async () => {
    answer = json(
      429,
      { message: 'Rate exceeded' },
      { 'x-amzn-errortype': 'TooManyRequestsException:http://internal' },
    );

    await expect(invokeLambda(call())).rejects.toThrow('Lambda Invoke answered 429 (TooManyRequestsException)');
  });

  it('gives up after its timeout', async () => {
    answer = () => undefined;

    await expect(invokeLambda(call(50))).rejects.toThrow('Lambda did not answer within 50 ms');
  });
});

describe('the console’s office sync request', () => {
  const env = () => ({
    [invokedFunctionSetting('officeSync')]: 'stack-OfficeSync-1',
    LAMBDA_ENDPOINT: endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });

  it('invokes the function named by OFFICE_SYNC_FUNCTION_NAME with the partner and the budget', async () => {
    answer = json(200, { outcome: 'rate-limited', retryAfterSeconds: 42 });

    const outcome = await requestPartnerSync('p-7', 3_000, env());

    expect(outcome).toEqual({ outcome: 'rate-limited', retryAfterSeconds: 42 });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ kind: 'partner-office-sync', partnerId: 'p-7', budgetMs: 3_000 });
  });

  it('refuses an answer that is not a sync outcome', async () => {
    answer = json(200, { statusCode: 200, body: '{}' });

    await expect(requestPartnerSync('p-7', 3_000, env())).rejects.toThrow(TypeError);
  });

  it('asks the local runtime’s office sync where no function is named', async () => {
    const asked: PartnerSyncRequest[] = [];
    setLocalPartnerSyncInvoker(async (request) => {
      asked.push(request);
      return { outcome: 'synced', syncedAt: '2026-11-30T00:00:00.000Z', written: 1, deactivated: 0 };
    });

    const outcome = await requestPartnerSync('p-8', 1_000, {});

    expect(outcome.outcome).toBe('synced');
    expect(asked).toEqual([{ kind: 'partner-office-sync', partnerId: 'p-8', budgetMs: 1_000 }]);
    expect(seen).toEqual([]);
  });

  it('names the setting of an invoked function from its route table key', () => {
    expect(invokedFunctionSetting('officeSync')).toBe('OFFICE_SYNC_FUNCTION_NAME');
  });
});
