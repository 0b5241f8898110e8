// httpServes, the health check of a control-plane server or an OCM host process, against a server of our own.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpOk, httpServes } from '../../../src/process/http-probe.js';

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** How many requests each server made by healthz() has had, by address. */
const asked = new Map<string, number>();

/** A plain-HTTP /healthz answering `statuses[i]` to the i-th request (the last from then on) after `delayMs`; its address. */
async function healthz(statuses: number[], delayMs = 0): Promise<string> {
  let requests = 0;
  const server = createServer((_req, res) => {
    const status = statuses[Math.min(requests++, statuses.length - 1)]!;
    asked.set(listen, requests);
    setTimeout(() => res.writeHead(status).end(), delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const listen = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return listen;
}

describe('httpServes', () => {
  it('a server that takes 2.5 s to answer serves (one 2 s probe said it did not)', async () => {
    const listen = await healthz([200], 2500);
    expect(await httpOk(listen, '/healthz')).toBe(false);
    expect(await httpServes(listen, '/healthz')).toBe(true);
  }, 20_000);

  it('a server that answers 500 twice, then 200, serves: asked once for each answer', async () => {
    const listen = await healthz([500, 500, 200]);
    expect(await httpServes(listen, '/healthz')).toBe(true);
    expect(asked.get(listen)).toBe(3);
  });

  it('a server that never answers 200 does not serve, asked again every half second (not in a busy loop)', async () => {
    const listen = await healthz([503]);
    expect(await httpServes(listen, '/healthz', 1500)).toBe(false);
    expect(asked.get(listen)).toBeLessThanOrEqual(4);
  });

  it('an address where nothing listens does not serve, at once', async () => {
    const listen = await healthz([200]);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const started = Date.now();
    expect(await httpServes(listen, '/healthz')).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
