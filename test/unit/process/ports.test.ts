import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { claim, freePorts } from '../../../src/process/ports.js';

describe('freePorts', () => {
  it('hands out distinct ports below the kernel\'s ephemeral range (Docker and clients take those)', async () => {
    const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = [...(await freePorts(40)), ...(await freePorts(40))];
    expect(new Set(ports).size).toBe(80);
    for (const port of ports) expect(port).toBeLessThan(ephemeralStart);
  });

  // Issue 14: two labs coming up at once were given the same port (reservations were per process).
  // The other process picks its own port: any port picked here might already be held by a lab running beside the tests.
  it('a port claimed by another process is not claimed here, and is free again once that process dies', async () => {
    const child = execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/claim-port.ts')], { reject: false });
    const said = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const other = Number(said);
    expect(Number.isInteger(other) && other > 0, `the child said ${JSON.stringify(said)}`).toBe(true);
    expect(await claim(other)).toBe(false);
    child.kill('SIGKILL');
    await child;
    expect(await claim(other)).toBe(true);
  }, 20_000);
});
