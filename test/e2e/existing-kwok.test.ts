import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOwnedBy } from '../../src/process/ownership.js';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { existingLabScenarioChecks } from './scenario-checks.js';
import { labCli, REPO } from './helpers.js';

// Provider: existing with ocmRuntime host-processes, on three clusters made outside the lab with plain
// `kwokctl create cluster --runtime binary` (the toolchain's Kubernetes binaries; no Docker). Their nodes are kwok's
// and run no pods, so OCM's hub components and klusterlet agents run on this host. All three clusters are contexts
// of one kubeconfig, as kwokctl writes it, so the lab reaches each by its context.
const CLUSTERS = ['hub', 'cluster1', 'cluster2'] as const;
type Cluster = (typeof CLUSTERS)[number];
const KWOK_NAMES: Record<Cluster, string> = { hub: 'ocmlab-kw-hub', cluster1: 'ocmlab-kw-c1', cluster2: 'ocmlab-kw-c2' };
const UNSIGNED_HUB = 'ocmlab-kw-nosign';

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-existing-kwok-'));
const config = join(dir, 'lab.config.yaml');
const kubeconfig = join(dir, 'kube', 'config.yaml');
const owner = join(dir, '.lab', 'kwoklab');
const kwokWorkdir = join(dir, 'kwok');
const lab = (...args: string[]) => labCli([...args, '--config', config], { timeoutMs: 900_000 });

const CONFIG = readFileSync(join(REPO, 'lab.config.yaml'), 'utf8')
  .replace(/^name: .*$/m, 'name: kwoklab')
  .replace(/^provider: .*$/m, 'provider: existing')
  .replace(/^hub:\n  name: hub\n/m, `hub:\n  name: hub\n  kubeconfig: kube/config.yaml\n  context: kwok-${KWOK_NAMES.hub}\n`)
  .replace(/^  - name: (cluster[12])\n/gm, (_line, name: 'cluster1' | 'cluster2') => `  - name: ${name}\n    kubeconfig: kube/config.yaml\n    context: kwok-${KWOK_NAMES[name]}\n`)
  .replace(/^local:\n(  .*\n)*/m, '')
  .replace(/^kind:\n(  .*\n)*/m, 'existing:\n  ocmRuntime: host-processes\n')
  // The user's component: down removes it from clusters the lab does not own.
  .concat('install:\n  - {name: app, clusters: managed, manifests: fixtures/installs/app}\n');

function bin(name: string): string {
  const toolchain = findToolchain();
  if (!toolchain) throw new Error('the toolchain is missing: run ./lab setup');
  return toolchain.bin(name as Parameters<typeof toolchain.bin>[0]);
}

/** kwokctl as a user runs it offline: the toolchain's binaries, its kubectl first on PATH, its own work dir. */
async function kwokctl(...args: string[]): Promise<void> {
  const env = { KWOK_WORKDIR: kwokWorkdir, PATH: `${join(bin('kubectl'), '..')}:${process.env.PATH}` };
  const result = await execa(bin('kwokctl'), args, { env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`kwokctl ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.all}`);
}

/**
 * A hub signs its agents' client certificates with its kube-controller-manager, which needs the cluster CA for that
 * (kwokctl does not pass it by default; see the README).
 */
async function createCluster(name: string, role: 'hub' | 'managed'): Promise<void> {
  const binaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].flatMap((b) => [`--${b}-binary`, bin(b)]);
  const pki = join(kwokWorkdir, 'clusters', name, 'pki');
  const signing = role === 'hub' ? ['cert', 'key'].flatMap((part) => ['--extra-args', `kube-controller-manager=cluster-signing-${part}-file=${pki}/ca.${part === 'cert' ? 'crt' : 'key'}`]) : [];
  await kwokctl('create', 'cluster', '--name', name, '--runtime', 'binary', ...binaries, '--kwok-controller-binary', bin('kwok'), ...signing, '--kubeconfig', kubeconfig, '--wait', '2m');
  await kwokctl('scale', 'node', '--name', name, '--replicas', '1');
}

const kubectl = async (cluster: Cluster | 'unsigned-hub', ...args: string[]) => {
  const name = cluster === 'unsigned-hub' ? UNSIGNED_HUB : KWOK_NAMES[cluster];
  return (await execa(bin('kubectl'), ['--kubeconfig', kubeconfig, '--context', `kwok-${name}`, ...args])).stdout.split('\n').filter(Boolean);
};

/** What OCM leaves on a cluster: its CRDs, namespaces (the hub's per-cluster ones too), webhooks and cluster roles. */
async function ocmTraces(cluster: Cluster | 'unsigned-hub'): Promise<string[]> {
  const namespaces = (await kubectl(cluster, 'get', 'namespaces', '-o', 'name')).filter((n) => /open-cluster-management|^namespace\/cluster[12]$/.test(n));
  const crds = (await kubectl(cluster, 'get', 'crd', '-o', 'name')).filter((n) => /open-cluster-management\.io|clusterprofiles|clusterproperties/.test(n));
  const webhooks = (await kubectl(cluster, 'get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations', '-o', 'name')).filter((n) => n.includes('open-cluster-management'));
  const rbac = (await kubectl(cluster, 'get', 'clusterroles,clusterrolebindings', '-o', 'name')).filter((n) => n.includes('open-cluster-management'));
  return [...namespaces, ...crds, ...webhooks, ...rbac];
}

async function nodesReady(cluster: Cluster): Promise<string[]> {
  return kubectl(cluster, 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
}

describe('an existing lab on clusters made with plain kwokctl (provider existing, OCM as host processes)', { timeout: 1_800_000 }, () => {
  beforeAll(async () => {
    writeFileSync(config, CONFIG);
    cpSync(join(REPO, 'scenarios'), join(dir, 'scenarios'), { recursive: true });
    cpSync(join(REPO, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
    const setup = await labCli(['setup'], { timeoutMs: 3_600_000 });
    expect(setup.exitCode, setup.all).toBe(0);
    // One at a time: each adds its context to the one kubeconfig.
    for (const cluster of CLUSTERS) await createCluster(KWOK_NAMES[cluster], cluster === 'hub' ? 'hub' : 'managed');
  }, 3_600_000);

  afterAll(async () => {
    await lab('down');
    for (const cluster of CLUSTERS) await kwokctl('delete', 'cluster', '--name', KWOK_NAMES[cluster], '--kubeconfig', join(dir, 'kwok-delete.yaml')).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('up refuses OCM as pods on clusters of kwok fake nodes, naming the setting to use, and installs nothing', async () => {
    writeFileSync(config, CONFIG.replace('ocmRuntime: host-processes', 'ocmRuntime: pods'));
    try {
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(2);
      expect(up.all).toMatch(/cluster (hub|cluster1|cluster2) \(.*context kwok-ocmlab-kw-.*\) has only kwok fake nodes: OCM's pods would be reported Running but never run there/);
      expect(up.all).toContain('set existing.ocmRuntime: host-processes');
      for (const cluster of CLUSTERS) expect(await ocmTraces(cluster), cluster).toEqual([]);
    } finally {
      writeFileSync(config, CONFIG);
    }
  });

  it('up refuses a cluster that already has an OCM it did not install, and installs nothing', async () => {
    const crd = join(findToolchain()!.crdDir, '0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml');
    await kubectl('hub', 'apply', '-f', crd);
    try {
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(1);
      expect(up.all).toContain('hub already has OCM (its CRD managedclusters.cluster.open-cluster-management.io), installed outside this lab');
      expect(await ocmTraces('hub')).toEqual(['customresourcedefinition.apiextensions.k8s.io/managedclusters.cluster.open-cluster-management.io']);
      for (const cluster of ['cluster1', 'cluster2'] as const) expect(await ocmTraces(cluster), cluster).toEqual([]);
      expect(processesOwnedBy({ root: owner })).toEqual([]);
    } finally {
      await kubectl('hub', 'delete', '-f', crd);
    }
  });

  it('up stops with the fix when the hub approves a CSR but nothing signs it (a kwokctl hub made without a signing key)', async () => {
    await createCluster(UNSIGNED_HUB, 'managed');
    // A lab of its own: the other lab's state names its hub.
    const nosign = join(dir, 'nosign.config.yaml');
    writeFileSync(nosign, CONFIG.replace('name: kwoklab', 'name: kwnosign').replace(`context: kwok-${KWOK_NAMES.hub}`, `context: kwok-${UNSIGNED_HUB}`));
    const lab = (...args: string[]) => labCli([...args, '--config', nosign], { timeoutMs: 900_000 });
    try {
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(1);
      expect(up.all).toMatch(/the hub approved the certificate request of cluster cluster[12], but nothing signs it, so cluster[12] can never join/);
      expect(up.all).toContain('--extra-args kube-controller-manager=cluster-signing-cert-file=<cluster dir>/pki/ca.crt');
      const down = await lab('down');
      expect(down.exitCode, down.all).toBe(0);
      expect(processesOwnedBy({ root: join(dir, '.lab', 'kwnosign') })).toEqual([]);
      for (const cluster of [...CLUSTERS, 'unsigned-hub'] as const) expect(await ocmTraces(cluster), cluster).toEqual([]);
    } finally {
      await lab('down');
      await kwokctl('delete', 'cluster', '--name', UNSIGNED_HUB, '--kubeconfig', join(dir, 'kwok-delete.yaml'));
    }
  });

  it('up runs OCM on this host for the clusters, each reached by its context; joined, accepted, and up again changes nothing', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(await kubectl('hub', 'get', 'managedclusters', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status}{"\\n"}{end}')).toEqual([
      'cluster1=True',
      'cluster2=True',
    ]);
    expect(await kubectl('hub', 'get', 'namespace', 'open-cluster-management-hub', '-o', 'jsonpath={.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual([owner]);
    // The processes carry the lab's marker; the contexts they use are private files of one context each.
    const processes = processesOwnedBy({ root: owner });
    expect(processes.filter((p) => p.args.some((a) => a === 'agent')).length).toBe(2);
    const contexts = join(owner, 'secrets', 'contexts');
    expect(statSync(contexts).mode & 0o777).toBe(0o700);
    for (const cluster of CLUSTERS) {
      const file = join(contexts, `${cluster}.kubeconfig`);
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain(`"current-context":"kwok-${KWOK_NAMES[cluster]}"`);
    }
    const status = await lab('status', '--json');
    expect(status.exitCode, status.all).toBe(0);
    expect((JSON.parse(status.stdout) as { installs: { name: string; cluster: string; health: string }[] }).installs.map((i) => `${i.name}@${i.cluster}=${i.health}`)).toEqual([
      'app@cluster1=ready',
      'app@cluster2=ready',
    ]);
    const again = await lab('up');
    expect(again.exitCode, again.all).toBe(0);
    expect(processesOwnedBy({ root: owner }).map((p) => p.pid).sort()).toEqual(processes.map((p) => p.pid).sort());
  });

  existingLabScenarioChecks(dir, lab);

  it('down, with state.json and the install record lost, stops every OCM process, removes what it installed and leaves every cluster running', async () => {
    rmSync(join(owner, 'state.json'));
    rmSync(join(owner, 'ocm', 'installing.json'));
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(processesOwnedBy({ root: owner })).toEqual([]);
    for (const cluster of CLUSTERS) {
      expect(await nodesReady(cluster), cluster).toEqual(['True']);
      expect(await ocmTraces(cluster), cluster).toEqual([]);
      expect((await kubectl(cluster, 'get', 'namespaces', '-o', 'name')).filter((n) => n === 'namespace/lab-app'), cluster).toEqual([]);
    }
    const again = await lab('down');
    expect(again.exitCode, again.all).toBe(0);
  });
});
