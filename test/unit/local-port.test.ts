import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { ensurePortFree, PortInUseError } from '../../infra/local/port.ts';

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('ensurePortFree (npm start checks its port before starting anything)', () => {
  it('refuses a port something holds with a PortInUseError naming it and the next one', async () => {
    // Arrange
    const holder = createServer();
    const port = await listen(holder);

    try {
      // Act
      const check = ensurePortFree(port);

      // Assert
      await expect(check).rejects.toBeInstanceOf(PortInUseError);
      await expect(check).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
      await expect(check).rejects.toThrow(`PORT=${port + 1} npm start`);
    } finally {
      holder.close();
    }
  });

  it('resolves for a free port and leaves it free for the gateway', async () => {
    // Arrange: a port known free a moment ago.
    const finder = createServer();
    const port = await listen(finder);
    await new Promise<void>((resolve) => finder.close(() => resolve()));

    // Act
    await ensurePortFree(port);

    // Assert: the gateway can listen on it right after.
    const gateway = createServer();
    await expect(listen(gateway, port)).resolves.toBe(port);
    gateway.close();
  });
});
