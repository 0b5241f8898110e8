import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { labCli, labProcesses, recordedProcesses } from './helpers.js';

const CONFIG = `
name: e2e
provider: local
hub:
  name: hub
managedClusters:
  - name: cluster1
    labels: {env: dev}
    clusterSets: [dev]
  - name: cluster2
    labels: {env: prod}
    clusterSets: [prod, all]
local:
  fakeNodes: 1
`;

interface Condition {
  type: string;
  status: string;
}
interface ManagedCluster {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { hubAcceptsClient?: boolean };
  status?: { conditions?: Condition[] };
}

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-e2e-'));
const config = join(dir, 'lab.config.yaml');
const stateDir = join(dir, '.lab', 'e2e');
const lab = (...args: string[]) => labCli([...args, '--config', config]);

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

function hubObjects(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(CustomObjectsApi);
}

// Each step runs the real thing; a cold bring-up on 2 cores takes well under a minute, the limits leave room.
describe('lab lifecycle on the local provider', { timeout: 600_000 }, () => {
  beforeAll(() => {
    writeFileSync(config, CONFIG);
    expect(findToolchain(), 'the toolchain must be built first: ./lab setup').toBeDefined();
  });

  afterAll(async () => {
    // Never leave a lab behind, even when an assertion failed half-way.
    if (existsSync(stateDir)) await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  let hubKubeconfig = '';
  let upOutput = '';

  it('up brings up a hub and two managed clusters, accepted, joined and available', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toContain('Lab e2e is ready');
    upOutput = up.all;
    // Where the time went: one row per phase of the bring-up, in its order, and the total.
    const phases = up.stdout.split('\n').filter((l) => /^(PHASE|Create clusters|Install OCM hub|Join managed clusters|total) /.test(l));
    expect(phases.map((l) => l.split(/\s{2,}/)[0])).toEqual(['PHASE', 'Create clusters', 'Install OCM hub', 'Join managed clusters', 'total']);
    expect(phases.at(-1)).toMatch(/^total\s+\d+\.\ds$/);

    const kubeconfig = await lab('kubeconfig', 'hub');
    expect(kubeconfig.exitCode).toBe(0);
    hubKubeconfig = kubeconfig.stdout.trim().split('\n').at(-1)!;
    expect(statSync(hubKubeconfig).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    const secrets = filesUnder(stateDir).filter((f) => /\.key$|kubeconfig|\/secrets\//.test(f));
    expect(secrets.length).toBeGreaterThan(10);
    for (const file of secrets) expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });

    const api = hubObjects(hubKubeconfig);
    for (const name of ['cluster1', 'cluster2']) {
      const mc = (await api.getClusterCustomObject({
        group: 'cluster.open-cluster-management.io',
        version: 'v1',
        plural: 'managedclusters',
        name,
      })) as ManagedCluster;
      expect(mc.spec.hubAcceptsClient).toBe(true);
      const conditions = Object.fromEntries((mc.status?.conditions ?? []).map((c) => [c.type, c.status]));
      expect(conditions).toMatchObject({
        HubAcceptedManagedCluster: 'True',
        ManagedClusterJoined: 'True',
        ManagedClusterConditionAvailable: 'True',
      });
    }
  });

  it("the managed clusters' control planes run lean (GOGC=25, no watch cache, no policy status controller), the hub's as kwokctl makes it", () => {
    const processesOf = (cluster: string, program: string) => labProcesses(stateDir).filter((p) => p.cmd.split(' ')[0]!.endsWith(`/${program}`) && p.cmd.includes(`/clusters/${cluster}/`));
    const gcOf = (cluster: string, program: string) =>
      processesOf(cluster, program).map((p) => readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith('GOGC=')) ?? 'default');
    const hasArg = (cluster: string, program: string, arg: string) => processesOf(cluster, program).map((p) => p.cmd.split(' ').includes(arg));
    for (const program of ['kube-apiserver', 'etcd']) {
      expect(gcOf('cluster1', program), program).toEqual(['GOGC=25']);
      expect(gcOf('cluster2', program), program).toEqual(['GOGC=25']);
      expect(gcOf('hub', program), program).toEqual(['default']);
    }
    const lean = [
      ['kube-apiserver', '--watch-cache=false'],
      ['kube-controller-manager', '--controllers=*,-validatingadmissionpolicy-status-controller'],
    ] as const;
    for (const [program, arg] of lean) {
      expect(hasArg('cluster1', program, arg), program).toEqual([true]);
      expect(hasArg('cluster2', program, arg), program).toEqual([true]);
      expect(hasArg('hub', program, arg), program).toEqual([false]);
    }
  });

  it('applies config labels and creates the config cluster sets with their members', async () => {
    const api = hubObjects(hubKubeconfig);
    const mc = (await api.getClusterCustomObject({ group: 'cluster.open-cluster-management.io', version: 'v1', plural: 'managedclusters', name: 'cluster2' })) as ManagedCluster;
    expect(mc.metadata.labels).toMatchObject({ env: 'prod', 'clusterset.lab.ocm.io/prod': 'true', 'clusterset.lab.ocm.io/all': 'true' });
    const sets = (await api.listClusterCustomObject({ group: 'cluster.open-cluster-management.io', version: 'v1beta2', plural: 'managedclustersets' })) as {
      items: { metadata: { name: string } }[];
    };
    expect(sets.items.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['dev', 'prod', 'all']));
  });

  it('the hub kubeconfig works with kubectl and clusteradm directly', async () => {
    const toolchain = findToolchain()!;
    const kubectl = await labCli(['get', 'managedclusters', '-o', 'name'], { command: toolchain.bin('kubectl'), env: { KUBECONFIG: hubKubeconfig } });
    expect(kubectl.exitCode, kubectl.all).toBe(0);
    expect(kubectl.stdout.split('\n').sort()).toEqual(['managedcluster.cluster.open-cluster-management.io/cluster1', 'managedcluster.cluster.open-cluster-management.io/cluster2']);
    const clusteradm = await labCli(['get', 'clusters', '--kubeconfig', hubKubeconfig], { command: toolchain.bin('clusteradm') });
    expect(clusteradm.exitCode, clusteradm.all).toBe(0);
    expect(clusteradm.stdout).toContain('cluster1');
    expect(clusteradm.stdout).toContain('cluster2');
  });

  it('the merged kubeconfig has one working context per cluster (for k9s, kubectx)', async () => {
    const kubectl = findToolchain()!.bin('kubectl');
    const merged = (await lab('kubeconfig')).stdout.trim().split('\n').at(-1)!;
    expect(statSync(merged).mode & 0o777).toBe(0o600);
    const contexts = await labCli(['config', 'get-contexts', '-o', 'name', '--kubeconfig', merged], { command: kubectl });
    expect(contexts.stdout.split('\n').sort()).toEqual(['e2e-cluster1', 'e2e-cluster2', 'e2e-hub']);
    for (const context of ['e2e-cluster1', 'e2e-cluster2']) {
      const nodes = await labCli(['get', 'nodes', '-o', 'name', '--context', context, '--kubeconfig', merged], { command: kubectl });
      expect(nodes.exitCode, nodes.all).toBe(0);
      expect(nodes.stdout).toBe('node/node-000000');
    }
  });

  it('no token or private key appears in any log or in the commands\' output', async () => {
    const bootstrap = readFileSync(join(stateDir, 'secrets', 'bootstrap-hub.kubeconfig'), 'utf8');
    const token = /token: (\S+)/.exec(bootstrap)![1]!;
    expect(token.length).toBeGreaterThan(100);
    const outputs = [(await lab('status', '--json')).all, (await lab('status')).all, upOutput];
    const logs = filesUnder(stateDir).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBeGreaterThanOrEqual(4 + 3 * 5);
    for (const text of [...outputs, ...logs.map((f) => readFileSync(f, 'utf8'))]) {
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    }
  });

  it('status of a healthy lab writes nothing to stderr (Node warned of 11 abort listeners when it read the fleet)', async () => {
    for (const args of [['status'], ['status', '--json']]) {
      const status = await lab(...args);
      expect(status.exitCode, status.all).toBe(0);
      expect(status.stderr, args.join(' ')).toBe('');
    }
  });

  it('status --json reports every cluster and process healthy', async () => {
    const status = await lab('status', '--json');
    expect(status.exitCode, status.all).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      healthy: boolean;
      clusters: { name: string; working: boolean }[];
      components: { id: string; health: string }[];
      managedClusters: { name: string; available: string }[];
    };
    expect(parsed.healthy).toBe(true);
    expect(parsed.clusters.map((c) => `${c.name}=${c.working}`)).toEqual(['hub=true', 'cluster1=true', 'cluster2=true']);
    // What a clusteradm-installed hub runs (the work manager only with ManifestWorkReplicaSet on), and the klusterlets.
    expect(parsed.components.map((p) => `${p.id}=${p.health}`).sort()).toEqual([
      'cluster1/klusterlet=healthy',
      'cluster2/klusterlet=healthy',
      'hub/addon-manager=healthy',
      'hub/addon-webhook=healthy',
      'hub/placement=healthy',
      'hub/registration-webhook=healthy',
      'hub/registration=healthy',
      'hub/work-webhook=healthy',
    ]);
    expect(parsed.managedClusters.map((m) => `${m.name}=${m.available}`)).toEqual(['cluster1=True', 'cluster2=True']);
  });

  it('a second up changes nothing: same processes, same clusters', async () => {
    const before = labProcesses(stateDir).map((p) => p.pid).sort();
    const recordedBefore = recordedProcesses(stateDir);
    expect(Object.keys(recordedBefore)).toHaveLength(8);
    const up = await lab('up', '--json');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stderr).toContain('healthy, nothing to do');
    // --json carries the same timings: every action of the bring-up, the ones that change the lab skipped.
    const result = JSON.parse(up.stdout.trim().split('\n').at(-1)!) as { unchanged: boolean; totalMs: number; phases: { id: string; outcome: string; durationMs: number }[] };
    expect(result.unchanged).toBe(true);
    expect(result.phases.find((p) => p.id === 'create')).toMatchObject({ outcome: 'skipped' });
    expect(result.phases.every((p) => p.durationMs <= result.totalMs)).toBe(true);
    expect(recordedProcesses(stateDir)).toEqual(recordedBefore);
    expect(labProcesses(stateDir).map((p) => p.pid).sort()).toEqual(before);
  });

  it('a changed feature gate: status names the components it changes, up applies it and restarts only those', async () => {
    const before = recordedProcesses(stateDir);
    writeFileSync(config, CONFIG.replace('hub:\n', 'ocm:\n  featureGates: {ManifestWorkReplicaSet: true}\n  agentFeatureGates: {RawFeedbackJsonString: true}\nhub:\n'));
    try {
      const status = await lab('status');
      expect(status.exitCode, status.all).toBe(1);
      expect(status.stdout).toMatch(/hub\/work-webhook\s+outdated/);
      expect(status.stdout).toMatch(/cluster1\/klusterlet\s+outdated/);
      expect(status.stdout).toMatch(/hub\/work-manager\s+stopped/);

      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(0);
      const after = recordedProcesses(stateDir);
      expect(after['hub/work-webhook']!.args).toContain('--feature-gates=ManifestWorkReplicaSet=true');
      expect(after['hub/work-manager']!.args).toContain('--feature-gates=ManifestWorkReplicaSet=true');
      expect(after['cluster2/klusterlet']!.args).toContain('--feature-gates=RawFeedbackJsonString=true');
      const restarted = Object.keys(after).filter((id) => after[id]!.pid !== before[id]?.pid).sort();
      expect(restarted).toEqual(['cluster1/klusterlet', 'cluster2/klusterlet', 'hub/work-manager', 'hub/work-webhook']);
      expect((await lab('status')).exitCode).toBe(0);
    } finally {
      writeFileSync(config, CONFIG);
    }
    // Back to the config's gates: the work manager goes again.
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(Object.keys(recordedProcesses(stateDir)).sort()).toEqual(Object.keys(before).sort());
  });

  it('down leaves no process and no state; a second down is a no-op', async () => {
    expect(labProcesses(stateDir).length).toBeGreaterThan(10);
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(labProcesses(stateDir)).toEqual([]);
    expect(existsSync(join(dir, '.lab'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['lab.config.yaml']);

    const again = await lab('down');
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('nothing to remove');
  });
});
