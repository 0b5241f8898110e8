import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, labCli, REPO } from './helpers.js';

// Run from the lab's own folder (not the repo), as users with their own lab.config.yaml do.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-manual-'));
const lab = (...args: string[]) => labCli(args, { cwd: dir, command: LAB });

describe('a cluster with accept: manual', { timeout: 600_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'lab.config.yaml'), 'name: manual\nprovider: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster3\n    accept: manual\n');
  });
  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('up joins it but leaves acceptance to the user; the lab counts as healthy', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const kc = new KubeConfig();
    kc.loadFromFile((await lab('kubeconfig', 'hub')).stdout.trim().split('\n').at(-1)!);
    const mc = (await kc.makeApiClient(CustomObjectsApi).getClusterCustomObject({
      group: 'cluster.open-cluster-management.io',
      version: 'v1',
      plural: 'managedclusters',
      name: 'cluster3',
    })) as { spec: { hubAcceptsClient: boolean }; status?: { conditions?: { type: string; status: string }[] } };
    expect(mc.spec.hubAcceptsClient).toBe(false);
    expect(mc.status?.conditions?.find((c) => c.type === 'HubAcceptedManagedCluster')?.status).not.toBe('True');

    const status = await lab('status', '--json');
    expect(status.exitCode, status.all).toBe(0);
    const cluster3 = (JSON.parse(status.stdout) as { managedClusters: { name: string; acceptMode: string; accepted: string }[] }).managedClusters.find((m) => m.name === 'cluster3');
    expect(cluster3).toMatchObject({ acceptMode: 'manual' });
    expect(cluster3?.accepted).not.toBe('True');
    expect((await lab('up')).stdout).toContain('healthy, nothing to do');
  });

  it('a scenario accepts it, then loses and restarts its agent', async () => {
    const run = await lab('run', join(REPO, 'fixtures/scenarios/manual'));
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/^1 passed, 0 failed, 0 skipped$/m);
  });
});
