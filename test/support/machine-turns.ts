// `npm test` runs the kind and local projects as two vitest processes side by side (ops/test-projects.ts). Most tests
// take that well; a few hold timeouts that are not ours to stretch (OCM's own e2e suite gives its klusterlet 90 s to
// join) and failed while a local lab shared the 2 cores. Such a test takes the machine alone: it waits for the local
// files that run to end, and no local file starts until it is done. Local files take shared turns (one marker each);
// the alone turn is one marker that stops new shared turns. Markers name their process; a dead one's are ignored.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from '../../src/process/abort.js';

const REPO = resolve(import.meta.dirname, '../..');
const DIR = join(tmpdir(), `ocm-lab-test-turns-${createHash('sha256').update(REPO).digest('hex').slice(0, 12)}`);
const POLL_MS = 500;

const marker = (kind: 'shared' | 'alone') => join(DIR, `${kind}-${process.pid}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live markers of that kind, other than this process's own. */
function others(kind: 'shared' | 'alone'): string[] {
  return readdirSync(DIR).filter((name) => {
    const [k, pid] = name.split('-');
    return k === kind && Number(pid) !== process.pid && alive(Number(pid));
  });
}

/** A local file's turn: waits while a test has the machine alone. */
export async function takeSharedTurn(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  for (;;) {
    writeFileSync(marker('shared'), '');
    if (others('alone').length === 0) return;
    rmSync(marker('shared'), { force: true });
    await sleep(POLL_MS);
  }
}

export function endSharedTurn(): void {
  rmSync(marker('shared'), { force: true });
}

/** Runs the work once no local file runs, and keeps new ones from starting until it ends. */
export async function withMachineAlone<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(marker('alone'), '');
  try {
    while (others('shared').length > 0) await sleep(POLL_MS);
    return await work();
  } finally {
    rmSync(marker('alone'), { force: true });
  }
}
