import type { Context } from 'aws-lambda';
import type { PartnerSyncInvoker } from '../../shared/lambda/office-sync-request.ts';

/**
 * The console's "sync offices now", locally: where AWS has a Lambda Invoke of the office sync
 * function, the same handler is called in process with the same payload (the handler module is
 * imported at the first call, after the environment it reads at load is set).
 */
export function localPartnerSyncInvoker(): PartnerSyncInvoker {
  return async (request) => {
    const { handler } = (await import('../../functions/office-sync/handler.ts')) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    return handler(request, {} as Context);
  };
}
