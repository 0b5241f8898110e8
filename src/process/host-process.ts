import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessRecord } from '../lab/state.js';

export interface HostProcessSpec {
  id: string;
  cluster: string;
  command: string;
  args: string[];
  log: string;
  listen: string;
}

/**
 * Starts a long-running program that outlives this CLI: detached, in its own process group,
 * stdout+stderr appended to its log file (0600).
 */
export function startHostProcess(spec: HostProcessSpec): ProcessRecord {
  // execa's types admit only the literal fds 3-9; at run time any open fd is handed to the child as is.
  const fd = openSync(spec.log, 'a', 0o600) as 3;
  try {
    const child = execa(spec.command, spec.args, {
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      stdout: fd,
      stderr: fd,
      reject: false,
    });
    child.catch(() => undefined);
    child.unref();
    if (!child.pid) throw new Error(`could not start ${spec.command}`);
    return { ...spec, pid: child.pid, startedAt: new Date().toISOString() };
  } finally {
    closeSync(fd);
  }
}

function cmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** True when `pid` is still the process we started (not a reused pid). */
export function isRunning(record: Pick<ProcessRecord, 'pid' | 'command'>): boolean {
  const args = cmdline(record.pid);
  return !!args && args[0] === record.command && !isZombie(record.pid);
}

async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids;
  while (alive.length && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter((pid) => cmdline(pid) && !isZombie(pid));
  }
  return alive;
}

/** SIGTERM, then SIGKILL whatever is left after the grace period. */
export async function terminate(pids: number[], graceMs = 5000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  const left = await waitForExit(pids, graceMs);
  left.forEach((pid) => signal(pid, 'SIGKILL'));
  await waitForExit(left, 2000);
}

export async function stopHostProcess(record: ProcessRecord): Promise<void> {
  if (isRunning(record)) await terminate([record.pid]);
}

/** Every process on this host whose command line mentions `marker` (a lab's state dir): the reaper's view. */
export function processesMentioning(marker: string): { pid: number; args: string[] }[] {
  const found: { pid: number; args: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const args = cmdline(pid);
    if (args?.some((a) => a.includes(marker)) && !isZombie(pid)) found.push({ pid, args });
  }
  return found;
}

export type Health = 'healthy' | 'unhealthy' | 'stopped';

/** Probes the process's /healthz (served over TLS with a self-signed cert on 127.0.0.1). */
export async function probeHealth(record: ProcessRecord, timeoutMs = 2000): Promise<Health> {
  if (!isRunning(record)) return 'stopped';
  const [host, port] = record.listen.split(':');
  const ok = await new Promise<boolean>((resolve) => {
    const req = request(
      { host, port: Number(port), path: '/healthz', method: 'GET', rejectUnauthorized: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
  return ok ? 'healthy' : 'unhealthy';
}
