import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { LabError } from '../errors.js';
import { mkdirPrivate, writePrivateFile } from '../fs/private-files.js';

/** How long a command waits for another one working on the same lab before it gives up. */
const WAIT_SECONDS = 15;

export type Unlock = () => Promise<void>;

/**
 * Lock files live outside the lab, keyed by the lab's absolute state dir, and are never deleted:
 * unlinking a flock'd file lets a waiter lock the old file while a newcomer locks a new one.
 */
function lockPaths(root: string): { lock: string; holder: string } {
  const dir = mkdirPrivate(join(tmpdir(), `ocm-lab-locks-${process.getuid?.() ?? 'user'}`));
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const lock = join(dir, `${basename(root)}-${key}.lock`);
  return { lock, holder: `${lock}.json` };
}

/**
 * Takes the lab's exclusive lock for a command that changes it (up, down, run, demo).
 *
 * The lock is a kernel lock (flock(2), held by util-linux's `flock` on our behalf): the kernel
 * drops it the moment its holder dies, however it dies, so there is no stale lock to take over
 * and no race between two commands taking one over. (A lock file judged stale by age, as
 * proper-lockfile does, was seen handing one stale lock to two commands at once under load.)
 * `flock` runs `cat` on a pipe from this process: when this process exits, the pipe closes and
 * the lock goes with it. With `createDir: false` (teardown) a missing lab is not created just to
 * hold the lock. A lock held by a live command is waited for briefly (`wait: false`: not at all).
 */
export async function lockLab(labRoot: string, command: string, options: { createDir?: boolean; wait?: boolean } = {}): Promise<Unlock> {
  const root = resolve(labRoot);
  if (options.createDir === false && !existsSync(root)) return async () => undefined;
  const { lock, holder } = lockPaths(root);
  const waitArgs = options.wait === false ? ['--nonblock'] : ['--timeout', String(WAIT_SECONDS)];
  const child = spawn('flock', ['--exclusive', ...waitArgs, lock, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const outcome = await new Promise<'locked' | 'busy' | 'no-flock'>((done) => {
    createInterface({ input: child.stdout! }).once('line', (line) => done(line === 'locked' ? 'locked' : 'busy'));
    child.once('error', () => done('no-flock'));
    child.once('exit', () => done('busy'));
  });
  if (outcome === 'no-flock') throw new LabError('cannot lock the lab: the `flock` command (util-linux) is missing', { hint: 'install util-linux' });
  if (outcome === 'busy') {
    child.kill();
    const who = readHolder(holder);
    throw new LabError(`another "./lab ${who?.command ?? '?'}"${who ? ` (pid ${who.pid})` : ''} is working on this lab`, {
      hint: 'wait for it to finish, or stop it with Ctrl-C',
    });
  }
  // Let this process exit whenever it is done: the lock must not keep it alive.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  writePrivateFile(holder, JSON.stringify({ pid: process.pid, command }));
  return async () => {
    rmSync(holder, { force: true });
    const exited = new Promise((done) => child.once('exit', done));
    child.ref();
    child.stdin!.end();
    await exited;
  };
}

function readHolder(path: string): { pid: number; command: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; command: string };
  } catch {
    return undefined;
  }
}

/** Runs `work` while holding the lab's lock. */
export async function withLabLock<T>(root: string, command: string, work: () => Promise<T>, options: { createDir?: boolean } = {}): Promise<T> {
  const unlock = await lockLab(root, command, options);
  try {
    return await work();
  } finally {
    await unlock();
  }
}
