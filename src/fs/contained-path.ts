import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { LabError } from '../errors.js';

/** True when `path` is `root` or lies inside it, compared as resolved paths (never as string prefixes). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest (for paths not made yet). */
function realPathOf(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    const parent = dirname(full);
    return parent === full ? full : resolve(realPathOf(parent), relative(parent, full));
  }
}

/**
 * `root` joined with `parts`, refused (a LabError) unless the result stays inside `root`: both as written
 * (no `..`, no absolute part) and as the file system resolves it (no symlink that leads out).
 */
export function containedPath(root: string, ...parts: string[]): string {
  const path = resolve(root, ...parts);
  if (!isInside(path, root) || !isInside(realPathOf(path), realPathOf(root))) {
    throw new LabError(`refusing to use ${path}: it lies outside ${root}`, {
      hint: 'the lab only reads and writes inside its own folders; check the name or path that led here',
      exitCode: 2,
    });
  }
  return path;
}
