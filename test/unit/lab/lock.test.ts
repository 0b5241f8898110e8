import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockLab } from '../../../src/lab/lock.js';

const base = mkdtempSync(join(tmpdir(), 'ocm-lab-lock-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const takeLock = (root: string, startAt: number, holdMs: number) =>
  execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/take-lock.ts'), root, String(startAt), String(holdMs)], { reject: false });

describe('lockLab with real processes', () => {
  it('when three commands ask at the same moment, exactly one gets the lock', async () => {
    for (let round = 0; round < 4; round++) {
      const root = join(base, `race${round}`, '.lab', 'lab');
      const startAt = Date.now() + 2500;
      const outcomes = (await Promise.all([1, 2, 3].map(() => takeLock(root, startAt, 1000)))).map((r) => r.stdout.trim()).sort();
      expect(outcomes, `round ${round}`).toEqual(['lost', 'lost', 'won']);
    }
  }, 60_000);

  it('the lock of a command killed with SIGKILL is free at once: no stale lock to take over', async () => {
    const root = join(base, 'killed', '.lab', 'lab');
    const holder = takeLock(root, 0, 60_000);
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    await expect(lockLab(root, 'down', { wait: false })).rejects.toThrow(/another "\.\/lab up" \(pid \d+\) is working on this lab/);
    holder.kill('SIGKILL');
    await holder;
    await (await lockLab(root, 'down', { wait: false }))();
  }, 30_000);
});
