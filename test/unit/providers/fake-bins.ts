import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Puts stand-in programs (scripts given by name) first on PATH for each test of the calling suite, in a fresh
 * folder that the scripts find as $FAKE_DIR; `dir()` answers that folder. Our logic only: no real engine.
 */
export function useFakeBins(scripts: Record<string, string>): { dir: () => string } {
  let dir = '';
  let path: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocm-lab-fake-bins-'));
    for (const [name, script] of Object.entries(scripts)) {
      writeFileSync(join(dir, name), script);
      chmodSync(join(dir, name), 0o755);
    }
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    process.env.FAKE_DIR = dir;
  });
  afterEach(() => {
    process.env.PATH = path;
    delete process.env.FAKE_DIR;
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}
