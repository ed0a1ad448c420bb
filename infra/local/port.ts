import { createServer } from 'node:net';

/** The gateway's port is taken (another `npm start`, another dev server): a message, not a stack. */
export class PortInUseError extends Error {
  constructor(taken: number) {
    const other = taken === 65535 ? 3000 : taken + 1;
    super(
      `port ${taken} on 127.0.0.1 is in use (another npm start?). Stop what holds it, or pick another port: PORT=${other} npm start`,
    );
    this.name = 'PortInUseError';
  }
}

/**
 * Resolves when `port` on 127.0.0.1 can be listened on (it is listened on and released at once);
 * PortInUseError when something holds it. Checked before anything starts, so a second `npm start`
 * never launches a DynamoDB Local on the first one's data files. The gateway's own listen still
 * answers the same error, for a port taken in between.
 */
export function ensurePortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
