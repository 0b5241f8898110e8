import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labCli, labProcesses, REPO } from './helpers.js';

// Provider: local. The scale benchmark's smoke run in CI (issue 17): hub + 10 managed clusters with real agents,
// brought up by `npm run bench -- --scale 10 --step 5` (hub + 5, then the same lab grown by 5: a growing lab leaves its
// running clusters as they are), 10 ManifestWorks per cluster applied and waited for until Available, then `down`.
// The heavy runs (hub + 50, 100 works a cluster) belong to `npm run bench`.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-scale-smoke-'));
const stateBase = join(dir, 'state');
const out = join(dir, 'results');

interface ScaleResults {
  steps: { clusters: number; phases: { title: string }[] }[];
  samples: { clusters: number; works: number; labProcesses: number; labPssMb: number; busyCores?: number }[];
  totals: { clusters: number; upSeconds?: number; works: number; worksAvailableSeconds?: number; downSeconds?: number };
  failure?: string;
  leftovers: string[];
}

describe('scale smoke: hub + 5 grown to hub + 10 with real agents, 100 ManifestWorks (provider local)', { timeout: 1_200_000 }, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('brings hub + 5 up, grows it to hub + 10, gets every work Available, and down leaves nothing', async () => {
    const bench = await labCli(['tsx', 'ops/bench.ts', '--scale', '10', '--step', '5', '--works-per-cluster', '10', '--out', out], {
      command: 'npx',
      cwd: REPO,
      env: { OCM_LAB_STATE_DIR: stateBase },
      timeoutMs: 1_100_000,
    });
    expect(bench.exitCode, bench.all).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ScaleResults;
    expect(results.failure).toBeUndefined();
    expect(results.leftovers).toEqual([]);
    expect(results.steps.map((s) => s.clusters)).toEqual([5, 10]);
    expect(results.totals).toMatchObject({ clusters: 10, works: 100 });
    expect(results.totals.upSeconds).toBeGreaterThan(0);
    expect(results.totals.worksAvailableSeconds).toBeGreaterThan(0);
    expect(results.totals.downSeconds).toBeGreaterThan(0);
    // After the works: every cluster's processes were there and counted (hub + 10, several programs each).
    const loaded = results.samples.at(-1)!;
    expect(loaded).toMatchObject({ clusters: 10, works: 100 });
    expect(loaded.labProcesses).toBeGreaterThan(11 * 4);
    expect(loaded.labPssMb).toBeGreaterThan(0);
    // The machine's busy cores, quiet after each step and over the works: a live lab never costs nothing.
    expect(results.samples.map((s) => s.busyCores)).toEqual(results.samples.map(() => expect.any(Number)));
    expect(Math.min(...results.samples.map((s) => s.busyCores!))).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + results.samples.length);
    expect(readFileSync(join(out, 'samples.svg'), 'utf8')).toContain('<svg');
    // Read apart from the bench's own check: no process mentions the lab's state dir, and the dir is gone.
    const root = join(stateBase, 'bench-scale-10');
    expect(labProcesses(root)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });
});
