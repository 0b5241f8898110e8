import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import getPort from 'get-port';
import { LabError } from '../errors.js';

/** Ports this process has handed out: never handed out twice, even after the one who asked has bound them. */
const handedOut = new Set<number>();
/** Host-wide claims on the ports handed out, held until this process exits. */
const claims: Server[] = [];

const LOWEST_PORT = 20_000;
const TRIES_PER_PORT = 200;

/**
 * The ports a lab picks from: below the kernel's ephemeral range, which the kernel hands to anyone who binds
 * port 0 (Docker's port publishing for a kind lab beside us, get-port's fallback, every client socket), so a
 * port we picked is not taken by a stranger before our component binds it.
 */
function portRange(): { from: number; to: number } {
  let ephemeralStart = 32_768;
  try {
    ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralStart;
  } catch {
    /* not Linux: the usual start */
  }
  return ephemeralStart - 1 > LOWEST_PORT + 1000 ? { from: LOWEST_PORT, to: ephemeralStart - 1 } : { from: 10_000, to: 19_999 };
}

/**
 * Claims `port` for this process against every other ocm-lab process on the host: an abstract Unix socket
 * named for the port, which the kernel releases when this process dies (no file to leave behind or to plant).
 * Two labs coming up at once could otherwise both find the same port free before either binds it.
 */
export function claim(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(`\0ocm-lab-port-${port}`, () => {
      server.unref();
      claims.push(server);
      resolve(true);
    });
  });
}

/**
 * `count` distinct free TCP ports on 127.0.0.1, outside the ephemeral range, claimed host-wide for the life
 * of this process, so clusters created in parallel, and labs coming up side by side, never get the same one
 * while its component has yet to bind it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const { from, to } = portRange();
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > TRIES_PER_PORT * count) {
      throw new LabError(`found no free port between ${from} and ${to} on 127.0.0.1`, { hint: 'stop what uses them (ss -ltnp), or take other labs down' });
    }
    const candidate = from + Math.floor(Math.random() * (to - from + 1));
    if (handedOut.has(candidate)) continue;
    // get-port answers another (random) port when the one asked for is taken: then try another candidate.
    if ((await getPort({ host: '127.0.0.1', port: candidate })) !== candidate) continue;
    if (!(await claim(candidate))) continue;
    handedOut.add(candidate);
    ports.push(candidate);
  }
  return ports;
}
