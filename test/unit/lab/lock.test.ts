import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockLab, lockPath } from '../../../src/lab/lock.js';

const base = mkdtempSync(join(tmpdir(), 'ocm-lab-lock-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const takeLock = (root: string, startAt: number, holdMs: number) =>
  execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/take-lock.ts'), root, String(startAt), String(holdMs)], { reject: false });

describe('lockLab with real processes', () => {
  it('when three commands ask at the same moment, exactly one gets the lock', async () => {
    // The racers spin until a common moment; starting node and tsx took up to 4.6 s under load here, so the
    // moment lies 5 s ahead, and the winner holds the lock long enough that a racer late by seconds still meets it.
    for (let round = 0; round < 4; round++) {
      const root = join(base, `race${round}`, '.lab', 'lab');
      const startAt = Date.now() + 5000;
      const outcomes = (await Promise.all([1, 2, 3].map(() => takeLock(root, startAt, 4000)))).map((r) => r.stdout.trim()).sort();
      expect(outcomes, `round ${round}`).toEqual(['lost', 'lost', 'won']);
    }
  }, 120_000);

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

describe('the lock file beside the state dir', () => {
  it('is the same file whatever TMPDIR says (sudo ./lab down and ./lab run take one lock)', async () => {
    const root = join(base, 'tmpdirs', '.lab', 'lab');
    const holder = execa(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures/take-lock.ts'), root, '0', '60000'], {
      reject: false,
      env: { TMPDIR: mkdtempSync(join(tmpdir(), 'other-tmp-')) },
    });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    await expect(lockLab(root, 'down', { wait: false })).rejects.toThrow(/another "\.\/lab up"/);
    holder.kill('SIGKILL');
    await holder;
  }, 30_000);

  // Reproduces issue 14: the holder file was written through a predictable name that followed symlinks.
  it('refuses a lock file that is a symlink, and never writes through it', async () => {
    const root = join(base, 'planted', '.lab', 'lab');
    mkdirSync(dirname(root), { recursive: true });
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'precious');
    chmodSync(victim, 0o644);
    symlinkSync(victim, lockPath(root));
    await expect(lockLab(root, 'up', { wait: false })).rejects.toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('is removed with the lab, and a command that waited on the removed file locks afresh', async () => {
    const root = join(base, 'removed', '.lab', 'lab');
    mkdirSync(root, { recursive: true });
    const unlockDown = await lockLab(root, 'down');
    const waiter = lockLab(root, 'up');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(root, { recursive: true });
    await unlockDown();
    expect(existsSync(lockPath(root))).toBe(false);
    const unlockUp = await waiter;
    expect(existsSync(lockPath(root))).toBe(true);
    await expect(lockLab(root, 'run', { wait: false })).rejects.toThrow(/another "\.\/lab up"/);
    await unlockUp();
  }, 30_000);
});
