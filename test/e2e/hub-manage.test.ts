import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, labCli, labProcesses, REPO } from './helpers.js';

// Provider: local. hub.manage on real control planes: the hub's klusterlet runs as a host process against the
// hub's own API server. (The kind suite runs the same scenario on kind, and the existing suite on plain kind clusters.)
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-hub-manage-'));
const lab = (...args: string[]) => labCli(args, { cwd: dir, command: LAB });

describe('the hub as a managed cluster of itself (hub.manage, provider local)', { timeout: 600_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'lab.config.yaml'), 'name: selfmanaged\nprovider: local\nhub: {manage: true}\nmanagedClusters:\n  - name: cluster1\n');
  });
  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('up joins and accepts local-cluster besides cluster1, makes no third cluster, and status shows it available', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/local-cluster: accepted, joined, available/);
    const status = JSON.parse((await lab('status', '--json')).stdout) as { clusters: { name: string }[]; managedClusters: { name: string; available: string }[] };
    expect(status.clusters.map((c) => c.name)).toEqual(['hub', 'cluster1']);
    expect(status.managedClusters.map((m) => `${m.name}=${m.available}`)).toEqual(['cluster1=True', 'local-cluster=True']);
    expect((await lab('up')).stdout).toContain('healthy, nothing to do');
  });

  it('a ManifestWork to local-cluster lands on the hub and goes with the work', async () => {
    const run = await lab('run', join(REPO, 'fixtures/scenarios/hub-manage/local-cluster.yaml'));
    expect(run.exitCode, run.all).toBe(0);
  });

  it('down removes it with the lab: no process of the lab is left', async () => {
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(labProcesses(join(dir, '.lab', 'selfmanaged'))).toEqual([]);
  });
});
