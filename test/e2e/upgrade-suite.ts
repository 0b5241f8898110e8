import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/process/abort.js';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { LAB, labCli, REPO } from './helpers.js';
import { withMachineAlone } from '../support/machine-turns.js';

/** How one provider's OCM shows in `status`: which components the upgrade restarts, and the ids of two of them. */
export interface UpgradeExpectations {
  provider: 'local' | 'kind';
  /** The lab config (at OCM v1.0.0), relative to the repo. */
  config: string;
  hubRestarted: RegExp;
  agentsRestarted: RegExp;
  /** A hub component, and cluster1's klusterlet (agent or operator). */
  hubComponent: string;
  cluster1Agent: string;
  /** A component v1.2.0 runs on the hub and v1.0.0 does not (the add-on webhook). */
  addonWebhook: string;
  /** Runs the upgrade scenario with the machine alone (test/support/machine-turns.ts). */
  scenarioAlone?: true;
}

interface Status {
  healthy: boolean;
  ocm: { hub?: string; agents?: string };
  components: { id: string; health: string; version?: string; pid?: number; pods?: { name: string }[] }[];
}

/**
 * What runs each component: its process (host processes), or its pods (operator-installed OCM). A pod a finished
 * rollout still terminates may be there before and gone after; a new one is a restart.
 */
function restartedSince(before: Status['components'], after: Status['components']): string[] {
  return after.flatMap((component) => {
    const earlier = before.find((c) => c.id === component.id);
    if (!earlier) return [`${component.id} is new`];
    if (component.pid !== earlier.pid) return [`${component.id} runs as pid ${component.pid}, was ${earlier.pid}`];
    const pods = new Set(earlier.pods?.map((p) => p.name));
    return (component.pods ?? []).filter((p) => !pods.has(p.name)).map((p) => `${component.id} has a new pod ${p.name}`);
  });
}

/**
 * OCM v1.0.0 beside the pinned v1.2.0, a lab made at v1.0.0, and the built-in upgrade scenario moving it to v1.2.0 with
 * workloads in place; then an upgrade during which a workload is re-created on purpose, which the upgrade step must
 * catch; then raising ocm.version, which the next `up` acts on.
 */
export function upgradeSuite(expected: UpgradeExpectations): void {
  const dir = mkdtempSync(join(tmpdir(), `ocm-lab-upgrade-${expected.provider}-`));
  const lab = (...args: string[]) => labCli(args, { cwd: dir, command: LAB, timeoutMs: 900_000 });

  const statusNow = async () => JSON.parse((await lab('status', '--json')).stdout) as Status;

  async function kubectl(cluster: string, ...args: string[]): Promise<string> {
    const kubeconfig = (await lab('kubeconfig', cluster)).stdout.trim().split('\n').at(-1)!;
    return (await execa(findToolchain()!.bin('kubectl'), ['--kubeconfig', kubeconfig, ...args])).stdout;
  }

  describe(`OCM versions and upgrades (provider ${expected.provider})`, { timeout: 1_800_000 }, () => {
    let versionsFile = '';
    beforeAll(() => {
      cpSync(join(REPO, expected.config), join(dir, 'lab.config.yaml'));
      const name = /^name: (\S+)$/m.exec(readFileSync(join(dir, 'lab.config.yaml'), 'utf8'))![1]!;
      versionsFile = join(dir, '.lab', name, 'ocm', 'versions.json');
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
      expect(status.components.map((c) => c.id)).not.toContain(expected.addonWebhook);
      expect(new Set(status.components.map((c) => c.version))).toEqual(new Set(['v1.0.0']));
    });

    it('the upgrade scenario moves the hub, then the agents, to v1.2.0 with every workload kept, and the lab works after', async () => {
      const scenario = () => lab('run', 'scenarios/upgrade/upgrade.yaml');
      const run = await (expected.scenarioAlone ? withMachineAlone(scenario) : scenario());
      expect(run.exitCode, run.all).toBe(0);
      expect(run.stdout).toMatch(expected.hubRestarted);
      expect(run.stdout).toMatch(expected.agentsRestarted);
      // The Deployment the works run keeps its pod: neither replaced nor restarted (on local, kwok's simulated pod).
      expect(run.stdout).toMatch(/3 applied objects kept \(uid, resourceVersion\), their pods kept \(1, none replaced or restarted\)/);
      const status = await statusNow();
      expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
      expect(status.healthy).toBe(true);
      expect(status.components.map((c) => c.id)).toContain(expected.addonWebhook);
      expect(new Set(status.components.map((c) => c.version))).toEqual(new Set(['v1.2.0']));
    });

    it('up again leaves the upgraded lab as it is: no part goes back to the config\'s v1.0.0, no component restarts', async () => {
      const before = (await statusNow()).components;
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(0);
      const status = await statusNow();
      expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
      expect(status.components.map((c) => c.id)).toEqual(before.map((c) => c.id));
      expect(restartedSince(before, status.components)).toEqual([]);
    });

    it('an upgrade fails, naming the object, when a workload is re-created during it; the hub at v1.2.0 beside agents at v1.0.0 is a visible state', async () => {
      expect((await lab('down')).exitCode).toBe(0);
      expect((await lab('up')).exitCode).toBe(0);
      const run = lab('run', 'fixtures/scenarios/upgrade/recreated.yaml');
      // Once the hub is being moved (its new version recorded), the ConfigMap the work applied is replaced by hand.
      for (let i = 0; i < 600 && !(existsSync(versionsFile) && readFileSync(versionsFile, 'utf8').includes('"hub": "v1.2.0"')); i++) await sleep(100);
      const configMap = await kubectl('cluster1', 'get', 'configmap', 'keep-me', '-n', 'default', '-o', 'json');
      await kubectl('cluster1', 'delete', 'configmap', 'keep-me', '-n', 'default');
      const { metadata, data } = JSON.parse(configMap) as { metadata: { name: string; namespace: string; uid: string; labels?: object }; data: object };
      // Under load the work agent may re-create it first: re-created either way, with a new uid.
      const recreate = await execa(findToolchain()!.bin('kubectl'), ['--kubeconfig', (await lab('kubeconfig', 'cluster1')).stdout.trim().split('\n').at(-1)!, 'create', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: metadata.name, namespace: metadata.namespace }, data }),
        reject: false,
      });
      if (recreate.exitCode !== 0) expect(recreate.stderr).toContain('AlreadyExists');
      expect(JSON.parse(await kubectl('cluster1', 'get', 'configmap', 'keep-me', '-n', 'default', '-o', 'json')).metadata.uid).not.toBe(metadata.uid);
      const result = await run;
      expect(result.exitCode, result.all).toBe(1);
      expect(result.all).toMatch(/the upgrade disturbed the workloads \(hub v1\.0\.0 → v1\.2\.0 in [\d.]+m?s\):\n\s+- ConfigMap default\/keep-me on cluster1 \(ManifestWork keep-me\) was re-created \(uid [0-9a-f-]+ → [0-9a-f-]+\)/);
      const status = await statusNow();
      expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.0.0' });
      expect(status.components.find((c) => c.id === expected.hubComponent)?.version).toBe('v1.2.0');
      expect(status.components.find((c) => c.id === expected.cluster1Agent)?.version).toBe('v1.0.0');
      expect(status.healthy).toBe(true);
    });

    it('raising ocm.version in the config upgrades the part still behind on the next up', async () => {
      writeFileSync(join(dir, 'lab.config.yaml'), readFileSync(join(dir, 'lab.config.yaml'), 'utf8').replace('version: v1.0.0', 'version: v1.2.0'));
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(0);
      const status = await statusNow();
      expect(status.ocm).toEqual({ hub: 'v1.2.0', agents: 'v1.2.0' });
      expect(status.components.find((c) => c.id === expected.cluster1Agent)?.version).toBe('v1.2.0');
      expect(status.healthy).toBe(true);
    });

    it('down removes the lab', async () => {
      const down = await lab('down');
      expect(down.exitCode, down.all).toBe(0);
    });
  });
}
