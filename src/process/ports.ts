import { createServer, type Server } from 'node:net';

/**
 * Reserves `count` distinct free TCP ports on 127.0.0.1 by holding them all open at once, then releases them.
 * Allocating every port of a bring-up here avoids two parallel cluster creations picking the same one.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      if (address && typeof address === 'object') ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
