import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Creates the folder and any missing parents, each 0700. */
export function mkdirPrivate(path: string): string {
  if (existsSync(path)) return path;
  mkdirPrivate(dirname(path));
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    // Another writer made it meanwhile.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o700);
  return path;
}

/** Flushes a folder's entries (a rename in it) to disk; file systems that cannot sync a folder are let be. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a file (0600) atomically and durably, creating private parent folders (0700): the content goes to a
 * temp file of an unguessable name, created exclusively (`wx`: never through a planted file or symlink),
 * synced, then renamed over `path` and the folder synced. A failed write (a full disk) removes the temp file.
 */
export function writePrivateFile(path: string, content: string): void {
  const dir = mkdirPrivate(dirname(path));
  const tmp = join(dir, `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined = openSync(tmp, 'wx', 0o600);
  try {
    // Exactly 0600 whatever the umask.
    fchmodSync(fd, 0o600);
    writeFileSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  syncFolder(dir);
}
