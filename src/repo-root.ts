import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ocm-lab checkout: the nearest folder at or above `from` whose package.json is named ocm-lab.
 * The same answer from src/** (tsx, vitest) and dist/** (compiled), at any depth.
 */
export function repoRoot(from: string = import.meta.url): string {
  let dir = from.startsWith('file:') ? dirname(fileURLToPath(from)) : from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ocm-lab') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no ocm-lab package.json at or above ${from}`);
    dir = parent;
  }
}
