import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, lstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LabError } from '../errors.js';
import { mkdirPrivate } from '../fs/private-files.js';
import { removeIfEmpty } from './state.js';

/** How long a command waits for another one working on the same lab before it gives up. */
const WAIT_SECONDS = 15;

export type Unlock = () => Promise<void>;

/**
 * The lab's lock file lies beside its state dir (`.lab/.<name>.lock`), so every user and every command of the
 * same lab (`sudo ./lab down` and `./lab run` alike) takes the same lock, and no one else's folder is involved.
 */
export function lockPath(root: string): string {
  return join(dirname(root), `.${basename(root)}.lock`);
}

/** Opens (creating 0600) the lock file without following a symlink; refuses anything but a regular file. */
function openLockFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LabError(`cannot open the lab's lock file ${path}: ${code === 'ELOOP' ? 'it is a symbolic link' : code}`, {
      hint: code === 'ELOOP' ? `someone replaced it with a link; remove it (rm ${path}) and run the command again` : 'check the permissions of the folder',
    });
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new LabError(`the lab's lock file ${path} is not a regular file`, { hint: `remove it and run the command again` });
  }
  return fd;
}

/** Runs util-linux's `flock` on our open file: the lock belongs to the open file, so it lasts as long as our fd. */
function flockFd(fd: number, wait: boolean): Promise<'locked' | 'busy' | 'no-flock'> {
  const waitArgs = wait ? ['--timeout', String(WAIT_SECONDS)] : ['--nonblock'];
  const child = spawn('flock', ['--exclusive', ...waitArgs, '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
  return new Promise((done) => {
    child.once('error', () => done('no-flock'));
    child.once('exit', (code) => done(code === 0 ? 'locked' : 'busy'));
  });
}

/** Whether `path` still names the file `fd` has open (a lab taken down meanwhile removed and maybe re-made it). */
function stillNamed(fd: number, path: string): boolean {
  try {
    const here = lstatSync(path);
    const held = fstatSync(fd);
    return here.isFile() && here.ino === held.ino && here.dev === held.dev;
  } catch {
    return false;
  }
}

function readHolder(fd: number): { pid: number; command: string } | undefined {
  try {
    const buffer = Buffer.alloc(4096);
    const size = readSync(fd, buffer, 0, buffer.length, 0);
    const holder = JSON.parse(buffer.subarray(0, size).toString('utf8')) as { pid?: unknown; command?: unknown };
    return typeof holder.pid === 'number' && typeof holder.command === 'string' ? { pid: holder.pid, command: holder.command } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lab's exclusive lock for a command that changes it (up, down, run, demo).
 *
 * The lock is a kernel lock (flock(2)) on the lock file's open file, taken by util-linux's `flock` on the
 * descriptor this process holds: the kernel drops it the moment this process dies, however it dies, so
 * there is no stale lock to take over. (A lock file judged stale by age, as proper-lockfile does, was seen
 * handing one stale lock to two commands at once under load.) Who holds it is written into the lock file
 * itself. A lab that no longer exists when its lock is released gets its lock file removed; a command that
 * was waiting on the removed file notices (the path names another file or none) and locks afresh.
 * With `createDir: false` (teardown) a missing lab is not created just to hold the lock. A lock held by a
 * live command is waited for briefly (`wait: false`: not at all).
 */
export async function lockLab(labRoot: string, command: string, options: { createDir?: boolean; wait?: boolean } = {}): Promise<Unlock> {
  const root = resolve(labRoot);
  if (options.createDir === false && !existsSync(root)) return async () => undefined;
  const path = lockPath(root);
  for (;;) {
    mkdirPrivate(dirname(path));
    const fd = openLockFile(path);
    const outcome = await flockFd(fd, options.wait !== false);
    if (outcome === 'locked' && !stillNamed(fd, path)) {
      closeSync(fd);
      continue;
    }
    if (outcome !== 'locked') {
      const who = readHolder(fd);
      closeSync(fd);
      if (outcome === 'no-flock') throw new LabError('cannot lock the lab: the `flock` command (util-linux) is missing', { hint: 'install util-linux' });
      throw new LabError(`another "./lab ${who?.command ?? '?'}"${who ? ` (pid ${who.pid})` : ''} is working on this lab`, {
        hint: 'wait for it to finish, or stop it with Ctrl-C',
      });
    }
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify({ pid: process.pid, command }), 0);
    return async () => {
      if (!existsSync(root) && stillNamed(fd, path)) {
        unlinkSync(path);
        removeIfEmpty(dirname(path));
      } else {
        ftruncateSync(fd, 0);
      }
      closeSync(fd);
    };
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
