import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as wait } from 'node:timers/promises';

/** Between SIGTERM to a group and SIGKILL to what is left of it. */
const KILL_GRACE_MS = 2_000;
/** How long the output pipes may stay open once the group is gone (a process that left the group holds them) before we stop reading. */
const DRAIN_MS = 500;
/** Output kept: the last this many characters (a script may print without end). */
const OUTPUT_LIMIT = 1 << 20;
const POLL_MS = 50;

export interface GroupRun {
  /** How the command ended: it exited, its time ran out, or its signal was aborted. */
  ended: 'exit' | 'timeout' | 'abort';
  exitCode: number | null;
  /** The signal that ended the command's own process, when one did. */
  exitSignal: NodeJS.Signals | null;
  /** stdout and stderr as they came, interleaved (the last OUTPUT_LIMIT characters). */
  output: string;
}

/**
 * Runs a command in a process group of its own and, however it ends (exit, timeout, abort), stops the whole
 * group before returning: SIGTERM, then SIGKILL after a grace. Nothing it started goes on running, and a
 * process that keeps its output open cannot hold up the caller.
 */
export async function runInOwnGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal: AbortSignal },
): Promise<GroupRun> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
    if (output.length > 2 * OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', collect);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const pgid = child.pid;
  // Should this process end while the command runs, the group goes with it.
  const killOnExit = () => pgid && signalGroup(pgid, 'SIGKILL');
  process.on('exit', killOnExit);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let end: Omit<GroupRun, 'output'>;
  try {
    end = await new Promise<Omit<GroupRun, 'output'>>((resolve, reject) => {
      child.once('exit', (exitCode, exitSignal) => resolve({ ended: 'exit', exitCode, exitSignal }));
      child.once('error', reject);
      timer = setTimeout(() => resolve({ ended: 'timeout', exitCode: null, exitSignal: null }), options.timeoutMs);
      onAbort = () => resolve({ ended: 'abort', exitCode: null, exitSignal: null });
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal.removeEventListener('abort', onAbort);
    if (pgid) await stopGroup(pgid);
    process.off('exit', killOnExit);
    await Promise.race([closed, wait(DRAIN_MS)]);
    child.stdout.destroy();
    child.stderr.destroy();
  }
  return { ...end, output };
}

/** SIGTERM to every process of the group, then SIGKILL to those still there after the grace. */
export async function stopGroup(pgid: number): Promise<void> {
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + KILL_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) await wait(POLL_MS);
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 20 && groupAlive(pgid); i++) await wait(POLL_MS);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * Whether a process of the group still runs. Zombies do not count: where PID 1 does not reap orphans
 * (some containers) they stay in the group for good, and they run nothing.
 */
export function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return entries.some((pid) => {
    try {
      // /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}
