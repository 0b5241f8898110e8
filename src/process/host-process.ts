import { closeSync, existsSync, openSync } from 'node:fs';
import { execa, type Result } from 'execa';
import { z } from 'zod';
import { isInside } from '../fs/contained-path.js';
import { LabError, TimeoutError } from '../errors.js';
import { sleep } from './abort.js';
import { pollUntil } from './poll.js';
import { httpOk, httpServes } from './http-probe.js';
import { tailFileOr } from './log-tail.js';
import { isRecordedProcess, ownerEnv } from './ownership.js';
import { isAlive, startIdentity } from './proc.js';

export interface HostProcessSpec {
  id: string;
  cluster: string;
  command: string;
  args: string[];
  log: string;
  /** 127.0.0.1:port of the process's health endpoint. */
  listen: string;
}

export interface HostProcessRecord extends HostProcessSpec {
  pid: number;
  startedAt: string;
  /** The process's boot id and start time (see startIdentity): with the owner marker, what proves it is ours. */
  identity: string;
}

/** How each process this CLI started ended ('exited with code 3', 'was killed by SIGKILL'): a record cannot tell. */
const endings = new Map<number, Promise<string>>();

function ending(result: Pick<Result, 'exitCode' | 'signal'>): string {
  if (result.signal) return `was killed by ${result.signal}`;
  return result.exitCode === undefined ? 'could not run' : `exited with code ${result.exitCode}`;
}

/**
 * Starts a long-running program that outlives this CLI: detached, in its own process group,
 * stdout+stderr appended to its log file (0600), marked as owned by the lab at `owner`.
 */
export function startHostProcess(spec: HostProcessSpec, owner: string): HostProcessRecord {
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
      env: ownerEnv(owner),
    });
    const ended = child.then(ending, () => 'ended');
    child.unref();
    const identity = child.pid ? startIdentity(child.pid) : undefined;
    if (!child.pid || !identity) throw new LabError(`could not start ${spec.command}`, { hint: `see its log: ${spec.log}` });
    endings.set(child.pid, ended);
    return { ...spec, pid: child.pid, startedAt: new Date().toISOString(), identity };
  } finally {
    closeSync(fd);
  }
}

const recordSchema = z.object({
  id: z.string().min(1),
  cluster: z.string().min(1),
  command: z.string().min(1),
  args: z.array(z.string()),
  log: z.string().min(1),
  listen: z.string().regex(/^127\.0\.0\.1:\d{1,5}$/),
  pid: z.number().int().min(2),
  startedAt: z.string(),
  identity: z.string().min(1),
});

/**
 * Host-process records as a lab wrote them, keeping only well-formed ones whose log lies inside `logsDir`
 * (a tampered record must not lead the lab to read or write elsewhere); a process whose record is dropped
 * is still found by its owner marker.
 */
export function parseHostProcessRecords(text: string, logsDir: string): Record<string, HostProcessRecord> {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const records: Record<string, HostProcessRecord> = {};
  for (const [key, value] of Object.entries(raw)) {
    const parsed = recordSchema.safeParse(value);
    if (parsed.success && parsed.data.id === key && isInside(parsed.data.log, logsDir)) records[key] = parsed.data;
  }
  return records;
}

/** True when the recorded process still runs and is provably the one the lab at `owner` started (not a reused pid). */
export function isRunning(record: Pick<HostProcessRecord, 'pid' | 'identity'>, owner: string): boolean {
  return isRecordedProcess(record.pid, record.identity, { root: owner });
}

async function waitUntil(pids: number[], done: (pid: number) => boolean, timeoutMs: number): Promise<number[]> {
  const result = await pollUntil(() => pids.filter((pid) => !done(pid)), (left) => left.length === 0, { timeoutMs, intervalMs: 50 });
  return result.value;
}

const gone = (pid: number) => !existsSync(`/proc/${pid}`);

/**
 * SIGTERM, then SIGKILL whatever is left after the grace period; returns once the processes are gone
 * from /proc, not merely exited (a zombie still counts as running for tools that check its pid, as
 * kwokctl does before starting a component again).
 */
export async function terminate(pids: number[], graceMs = 5000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  const left = await waitUntil(pids, (pid) => !isAlive(pid), graceMs);
  left.forEach((pid) => signal(pid, 'SIGKILL'));
  await waitUntil(pids, gone, 5000);
}

export async function stopHostProcess(record: HostProcessRecord, owner: string): Promise<void> {
  if (isRunning(record, owner)) await terminate([record.pid]);
}

/** 'outdated': runs, but not as the lab's config now asks (e.g. other feature gates); `up` starts it anew. */
export type Health = 'healthy' | 'unhealthy' | 'stopped' | 'outdated';

/** One probe of the process's /healthz (served over TLS with a self-signed cert on 127.0.0.1), for a wait that asks again. */
async function probeHealth(record: HostProcessRecord, owner: string): Promise<Health> {
  if (!isRunning(record, owner)) return 'stopped';
  return (await httpOk(record.listen, '/healthz')) ? 'healthy' : 'unhealthy';
}

/** The process's health now, for status and for up's choice to restart it: a slow /healthz is asked again (httpServes). */
export async function currentHealth(record: HostProcessRecord, owner: string): Promise<Health> {
  if (!isRunning(record, owner)) return 'stopped';
  return (await httpServes(record.listen, '/healthz')) ? 'healthy' : 'unhealthy';
}

/** Time for this CLI to hear of a child's end after /proc shows it gone (the exit is reaped asynchronously). */
const ENDING_GRACE_MS = 2000;

/**
 * Why a process the wait saw stop is not running: how it ended when this CLI started it, or that it still runs but
 * is no longer provably the lab's (which is the lab's own error, not the process's).
 */
async function notRunning(record: HostProcessRecord): Promise<{ what: string; hint: string }> {
  const ended = endings.get(record.pid);
  const how = ended && (await Promise.race([ended, sleep(ENDING_GRACE_MS).then(() => undefined)]));
  const log = `full log: ${record.log}`;
  if (how?.startsWith('was killed')) {
    return { what: `${record.id} ${how}`, hint: `nothing of the lab sends ${how.slice('was killed by '.length)} to a process it is starting: look for what else on this host kills processes (an OOM kill shows in dmesg); ${log}` };
  }
  if (how) return { what: `${record.id} ${how}`, hint: log };
  if (isAlive(record.pid)) {
    return { what: `${record.id} (pid ${record.pid}) still runs, but no longer carries the lab's owner marker or its recorded start time`, hint: `the lab will not touch it; report this with the output of: cat /proc/${record.pid}/stat; ${log}` };
  }
  return { what: `${record.id} exited`, hint: log };
}

/** Polls /healthz (a process has nothing to watch) until healthy; fails at once when the process exits. */
export async function waitUntilHealthy(record: HostProcessRecord, owner: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const result = await pollUntil(() => probeHealth(record, owner), (health) => health !== 'unhealthy', { timeoutMs: options.timeoutMs, intervalMs: 250, signal: options.signal });
  if (result.value === 'healthy') return;
  if (result.value === 'stopped') {
    const { what, hint } = await notRunning(record);
    throw new LabError(`${what} during start-up:\n${tailFileOr(record.log, 20, '(no log)') || '(empty log)'}`, { hint });
  }
  throw new TimeoutError(`${record.id} did not become healthy on ${record.listen} within ${options.timeoutMs / 1000}s`, { hint: `see its log: ${record.log}` });
}
