import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates the folder and any missing parents, each 0700. */
export function mkdirPrivate(path: string): string {
  if (existsSync(path)) return path;
  mkdirPrivate(dirname(path));
  mkdirSync(path, { mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

/** Writes a file (0600) atomically, creating private parent folders (0700). */
export function writePrivateFile(path: string, content: string): void {
  mkdirPrivate(dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
