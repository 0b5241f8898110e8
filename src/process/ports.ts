import getPort from 'get-port';

/** Ports this process has handed out: never handed out twice, even after the one who asked has bound them. */
const handedOut = new Set<number>();

/**
 * `count` distinct free TCP ports on 127.0.0.1. A port stays reserved for the life of this process,
 * so clusters created in parallel never get the same one while kwokctl has yet to bind it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const port = await getPort({ host: '127.0.0.1', exclude: handedOut });
    handedOut.add(port);
    ports.push(port);
  }
  return ports;
}
