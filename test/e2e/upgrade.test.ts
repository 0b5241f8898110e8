import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/process/abort.js';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { LAB, labCli, REPO } from './helpers.js';

// Provider: local. OCM v1.0.0 built beside the pinned v1.2.0 (its binaries, webhook server and CRDs), a lab made at
// v1.0.0, and the built-in upgrade scenario moving it to v1.2.0 with workloads in place; then an upgrade during which
// a workload is re-created on purpose, which the upgrade step must catch.
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-upgrade-'));
const lab = (...args: string[]) => labCli(args, { cwd: dir, command: LAB, timeoutMs: 900_000 });
const versionsFile = join(dir, '.lab', 'upgrade', 'ocm', 'versions.json');

interface Status {
  healthy: boolean;
  ocm: { hub?: string; agents?: string };
  components: { id: string; health: string; version?: string; pid?: number }[];
}
const statusNow = async () => JSON.parse((await lab('status', '--json')).stdout) as Status;

async function kubectl(cluster: string, ...args: string[]): Promise<string> {
  const kubeconfig = (await lab('kubeconfig', cluster)).stdout.trim().split('\n').at(-1)!;
  return (await execa(findToolchain()!.bin('kubectl'), ['--kubeconfig', kubeconfig, ...args])).stdout;
}

describe('OCM versions and upgrades (provider local)', { timeout: 1_800_000 }, () => {
  beforeAll(() => {
    cpSync(join(REPO, 'fixtures/configs/upgrade.yaml'), join(dir, 'lab.config.yaml'));
    cpSync(join(REPO, 'scenarios'), join(dir, 'scenarios'), { recursive: true });
    cpSync(join(REPO, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  });
  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('up makes a lab at OCM v1.0.0 (built on demand), and status says so per part and per component', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const status = await statusNow();
    expect(status.ocm).toEqual({ hub: 'v1.0.0', agents: 'v1.0.0' });
    expect(status.healthy).toBe(true);
    // v1.0.0 has no add-on webhooks: the hub runs without that server.
    expect(status.components.map((c) => c.id)).not.toContain('hub/addon-webhook');
    expect(new Set(status.components.map((c) => c.version))).toEqual(new Set(['v1.0.0']));
  });

  it('the upgrade scenario moves the hub, then the agents, to v1.2.0 with every workload kept, and the lab works after', async () => {
    const run = await lab('run', 'scenarios/upgrade/upgrade.yaml');
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/hub v1\.0\.0 → v1\.2\.0 in [\d.]+m?s; restarted: hub\/registration-webhook, hub\/work-webhook, hub\/registration, hub\/placement, hub\/addon-manager; 3 applied objects kept/);
    expect(run.stdout).toMatch(/agents v1\.0\.0 → v1\.2\.0 in [\d.]+m?s; restarted: cluster\d\/klusterlet, cluster\d\/klusterlet; 3 applied objects kept/);
    const status = await statusNow();
    expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
    expect(status.healthy).toBe(true);
    expect(status.components.map((c) => c.id)).toContain('hub/addon-webhook');
    expect(new Set(status.components.map((c) => c.version))).toEqual(new Set(['v1.2.0']));
  });

  it('up again leaves the upgraded lab as it is: no part goes back to the config\'s v1.0.0, no process restarts', async () => {
    const before = (await statusNow()).components.map((c) => `${c.id}:${c.pid}`);
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const status = await statusNow();
    expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
    expect(status.components.map((c) => `${c.id}:${c.pid}`)).toEqual(before);
  });

  it('an upgrade fails, naming the object, when a workload is re-created during it; the hub at v1.2.0 beside agents at v1.0.0 is a visible state', async () => {
    expect((await lab('down')).exitCode).toBe(0);
    expect((await lab('up')).exitCode).toBe(0);
    const run = lab('run', 'fixtures/scenarios/upgrade/recreated.yaml');
    // Once the hub is being moved (its new version recorded), the ConfigMap the work applied is replaced by hand.
    for (let i = 0; i < 600 && !(existsSync(versionsFile) && readFileSync(versionsFile, 'utf8').includes('"hub": "v1.2.0"')); i++) await sleep(100);
    const configMap = await kubectl('cluster1', 'get', 'configmap', 'keep-me', '-n', 'default', '-o', 'json');
    await kubectl('cluster1', 'delete', 'configmap', 'keep-me', '-n', 'default');
    const { metadata, data } = JSON.parse(configMap) as { metadata: { name: string; namespace: string; labels?: object }; data: object };
    await execa(findToolchain()!.bin('kubectl'), ['--kubeconfig', (await lab('kubeconfig', 'cluster1')).stdout.trim().split('\n').at(-1)!, 'create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: metadata.name, namespace: metadata.namespace }, data }),
    });
    const result = await run;
    expect(result.exitCode, result.all).toBe(1);
    expect(result.all).toMatch(/the upgrade disturbed the workloads \(hub v1\.0\.0 → v1\.2\.0 in [\d.]+m?s\):\n\s+- ConfigMap default\/keep-me on cluster1 \(ManifestWork keep-me\) was re-created \(uid [0-9a-f-]+ → [0-9a-f-]+\)/);
    const status = await statusNow();
    expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.0.0' });
    expect(status.components.find((c) => c.id === 'hub/registration')?.version).toBe('v1.2.0');
    expect(status.components.find((c) => c.id === 'cluster1/klusterlet')?.version).toBe('v1.0.0');
    expect(status.healthy).toBe(true);
  });

  it('raising ocm.version in the config upgrades the part still behind on the next up', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), readFileSync(join(dir, 'lab.config.yaml'), 'utf8').replace('version: v1.0.0', 'version: v1.2.0'));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    const status = await statusNow();
    expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
    expect(status.components.find((c) => c.id === 'cluster1/klusterlet')?.version).toBe('v1.2.0');
    expect(status.healthy).toBe(true);
  });

  it('down removes the lab', async () => {
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
  });
});
