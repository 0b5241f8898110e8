// httpServes, the health check of a control-plane server or an OCM host process, against a server of our own.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpOk, httpServes } from '../../../src/process/http-probe.js';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A plain-HTTP /healthz answering `statuses[i]` to the i-th request (the last from then on) after `delayMs`; its address. */
async function healthz(statuses: number[], delayMs = 0): Promise<string> {
  let asked = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(asked++, statuses.length - 1)]!;
    setTimeout(() => res.writeHead(status).end(), delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('httpServes', () => {
  it('a server that takes 2.5 s to answer serves (one 2 s probe said it did not)', async () => {
    const listen = await healthz([200], 2500);
    expect(await httpOk(listen, '/healthz')).toBe(false);
    expect(await httpServes(listen, '/healthz')).toBe(true);
  }, 20_000);

  it('a server that answers 500 twice, then 200, serves', async () => {
    expect(await httpServes(await healthz([500, 500, 200]), '/healthz')).toBe(true);
  });

  it('a server that never answers 200 does not serve', async () => {
    expect(await httpServes(await healthz([503]), '/healthz', 1500)).toBe(false);
  });

  it('an address where nothing listens does not serve, at once', async () => {
    const listen = await healthz([200]);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const started = Date.now();
    expect(await httpServes(listen, '/healthz')).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
