import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePorts } from '../../src/process/ports.js';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { existingLabScenarioChecks } from './scenario-checks.js';
import { labCli, REPO } from './helpers.js';

// Provider: existing, on three clusters made outside the lab with plain `kind create cluster` (real Docker, the
// offline node image `./lab setup --kind` builds, and the kind config a user of this machine needs for it).
// The lab installs OCM with the real clusteradm, runs the built-in scenarios, and `down` leaves the clusters
// running without the OCM it installed; then an OCM installed by hand is adopted and left in place.
const KIND_NAMES = { hub: 'ocmlab-ext-hub', cluster1: 'ocmlab-ext-c1', cluster2: 'ocmlab-ext-c2' } as const;
const VERSIONS = JSON.parse(readFileSync(join(REPO, 'ops/toolchain/versions.json'), 'utf8')) as { ocm: string; kubernetes: string };

const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-existing-'));
const config = join(dir, 'lab.config.yaml');
const kubeconfigOf = (cluster: keyof typeof KIND_NAMES) => join(dir, 'kube', `${cluster}.yaml`);
const lab = (...args: string[]) => labCli([...args, '--config', config], { timeoutMs: 1_200_000 });

// The repo's lab (labels and cluster sets the built-in scenarios rely on), pointed at the clusters by kubeconfig.
const CONFIG = readFileSync(join(REPO, 'lab.config.yaml'), 'utf8')
  .replace(/^name: .*$/m, 'name: extlab')
  .replace(/^provider: .*$/m, 'provider: existing')
  .replace(/^hub:\n  name: hub\n/m, 'hub:\n  name: hub\n  kubeconfig: kube/hub.yaml\n')
  .replace(/^  - name: (cluster[12])\n/gm, '  - name: $1\n    kubeconfig: kube/$1.yaml\n')
  .replace(/^local:\n(  .*\n)*/m, '')
  .replace(/^kind:\n(  .*\n)*/m, 'existing:\n  forceInternalEndpointLookup: true\n');

function tool(name: 'kubectl' | 'clusteradm' | 'kind'): string {
  const toolchain = findToolchain();
  if (!toolchain) throw new Error('the toolchain is missing: run ./lab setup --kind');
  return toolchain.bin(name);
}

const kubectl = async (cluster: keyof typeof KIND_NAMES, ...args: string[]) =>
  (await execa(tool('kubectl'), ['--kubeconfig', kubeconfigOf(cluster), ...args])).stdout.split('\n').filter(Boolean);
/** clusteradm as a user runs it; a failure reports clusteradm's output, never the command line (it holds the token). */
async function clusteradm(cluster: keyof typeof KIND_NAMES, ...args: string[]): Promise<string> {
  const result = await execa(tool('clusteradm'), [...args, '--kubeconfig', kubeconfigOf(cluster)], { reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`clusteradm ${args[0]} on ${cluster} failed (exit ${result.exitCode}):\n${result.all}`);
  return result.stdout;
}

/** What OCM leaves on a cluster: its namespaces (operator, hub, agent, and the hub's per-cluster ones) and CRDs. */
async function ocmTraces(cluster: keyof typeof KIND_NAMES): Promise<string[]> {
  const namespaces = (await kubectl(cluster, 'get', 'namespaces', '-o', 'name')).filter((n) => /open-cluster-management|^namespace\/cluster[12]$/.test(n));
  const crds = (await kubectl(cluster, 'get', 'crd', '-o', 'name')).filter((n) => n.includes('open-cluster-management.io'));
  return [...namespaces, ...crds];
}

async function nodesReady(cluster: keyof typeof KIND_NAMES): Promise<string[]> {
  return kubectl(cluster, 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
}

describe('an existing lab on clusters made with plain kind (provider existing)', { timeout: 1_800_000 }, () => {
  beforeAll(async () => {
    writeFileSync(config, CONFIG);
    cpSync(join(REPO, 'scenarios'), join(dir, 'scenarios'), { recursive: true });
    cpSync(join(REPO, 'fixtures'), join(dir, 'fixtures'), { recursive: true });
    const setup = await labCli(['setup', '--kind'], { timeoutMs: 3_600_000 });
    expect(setup.exitCode, setup.all).toBe(0);
    const fixture = parse(readFileSync(join(REPO, 'fixtures/existing/kind-offline.yaml'), 'utf8')) as { networking: object };
    const nodeImage = `ocm-lab/kind-node:${VERSIONS.kubernetes}`;
    // Made at once, each with a port of its own: kind's own pick can give two clusters made at once the same one.
    const ports = await freePorts(Object.keys(KIND_NAMES).length);
    await Promise.all(
      Object.entries(KIND_NAMES).map(async ([cluster, name], i) => {
        const kindConfig = join(dir, `${name}.kind.yaml`);
        writeFileSync(kindConfig, stringify({ ...fixture, networking: { ...fixture.networking, apiServerAddress: '127.0.0.1', apiServerPort: ports[i] } }));
        await execa(tool('kind'), ['delete', 'cluster', '--name', name, '--kubeconfig', join(dir, `kind-delete-${name}.yaml`)]);
        await execa(tool('kind'), ['create', 'cluster', '--name', name, '--image', nodeImage, '--config', kindConfig, '--kubeconfig', kubeconfigOf(cluster as keyof typeof KIND_NAMES)]);
      }),
    );
  }, 3_600_000);

  afterAll(async () => {
    await lab('down');
    for (const name of Object.values(KIND_NAMES)) await execa(tool('kind'), ['delete', 'cluster', '--name', name, '--kubeconfig', join(dir, 'kind-delete.yaml')]);
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('up refuses credentials that are not cluster-admin, naming the cluster and the file, and installs nothing', async () => {
    // A service account with no rights, as a kubeconfig of its own (the hub's server and CA, its token).
    await kubectl('hub', 'create', 'serviceaccount', 'ocmlab-nobody', '-n', 'default');
    const [token] = await kubectl('hub', 'create', 'token', 'ocmlab-nobody', '-n', 'default');
    const [server] = await kubectl('hub', 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}');
    const [ca] = await kubectl('hub', 'config', 'view', '--raw', '--minify', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}');
    const nobody = join(dir, 'kube', 'hub-nobody.yaml');
    writeFileSync(
      nobody,
      `apiVersion: v1\nkind: Config\nclusters: [{name: hub, cluster: {server: '${server}', certificate-authority-data: ${ca}}}]\n` +
        `users: [{name: nobody, user: {token: ${token}}}]\ncontexts: [{name: nobody, context: {cluster: hub, user: nobody}}]\ncurrent-context: nobody\n`,
      { mode: 0o600 },
    );
    writeFileSync(config, CONFIG.replace('kubeconfig: kube/hub.yaml', 'kubeconfig: kube/hub-nobody.yaml'));
    try {
      const up = await lab('up');
      expect(up.exitCode, up.all).toBe(1);
      expect(up.all).toContain(`the credentials for hub (${nobody}) are not cluster-admin`);
      expect(up.all).not.toContain(token!);
      for (const cluster of Object.keys(KIND_NAMES) as (keyof typeof KIND_NAMES)[]) expect(await ocmTraces(cluster), cluster).toEqual([]);
    } finally {
      writeFileSync(config, CONFIG);
      await kubectl('hub', 'delete', 'serviceaccount', 'ocmlab-nobody', '-n', 'default');
    }
  });

  it('up installs OCM with clusteradm, joins and accepts both clusters, and marks what it installed', async () => {
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    // The refused `up` before this one already recorded the lab (and nothing on the clusters).
    expect(up.stdout).toMatch(/Provider: existing \(lab already exists\)/);
    const owner = join(dir, '.lab', 'extlab');
    expect(await kubectl('hub', 'get', 'clustermanager', 'cluster-manager', '-o', 'jsonpath={.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual([owner]);
    expect(await kubectl('hub', 'get', 'managedclusters', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status}{"\\n"}{end}')).toEqual([
      'cluster1=True',
      'cluster2=True',
    ]);
    // The user's kubeconfigs are read where they are: the state names them, and holds no copy.
    const state = readFileSync(join(owner, 'state.json'), 'utf8');
    expect(JSON.parse(state).clusters.cluster1.kubeconfig).toBe(kubeconfigOf('cluster1'));
    const again = await lab('up');
    expect(again.exitCode, again.all).toBe(0);
    expect((await lab('status')).exitCode).toBe(0);
  });

  it("leaves the user's clusters as OCM made them: no quick-readiness policy, OCM's own probes, no annotation of the lab's on the agents' hub kubeconfig secrets", async () => {
    for (const cluster of ['hub', 'cluster1', 'cluster2'] as const) {
      expect(await kubectl(cluster, 'get', 'mutatingadmissionpolicies', '-o', 'name'), cluster).not.toContain('mutatingadmissionpolicy.admissionregistration.k8s.io/ocm-lab-ocm-readiness');
      const periods = await kubectl(cluster, 'get', 'pods', '-n', 'open-cluster-management', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].readinessProbe.periodSeconds}{"\\n"}{end}');
      expect(periods.length, cluster).toBeGreaterThan(0);
      expect(periods.every((p) => p === '10'), `${cluster}: ${periods.join(',')}`).toBe(true);
    }
    for (const cluster of ['cluster1', 'cluster2'] as const) {
      expect(await kubectl(cluster, 'get', 'secret', '-n', 'open-cluster-management-agent', 'hub-kubeconfig-secret', '-o', 'jsonpath={.metadata.annotations}')).not.toContain('hub-connection-recheck');
    }
  });

  existingLabScenarioChecks(dir, lab);

  it('down, with state.json and the install record lost, finds the OCM it installed by its mark, removes it and leaves every cluster running', async () => {
    const owner = join(dir, '.lab', 'extlab');
    rmSync(join(owner, 'state.json'));
    rmSync(join(owner, 'ocm', 'installing.json'));
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    for (const cluster of Object.keys(KIND_NAMES) as (keyof typeof KIND_NAMES)[]) {
      expect(await nodesReady(cluster), cluster).toEqual(['True']);
      expect(await ocmTraces(cluster), cluster).toEqual([]);
    }
    const again = await lab('down');
    expect(again.exitCode, again.all).toBe(0);
  });

  it('adopts an OCM installed by hand and joins the hub to itself (hub.manage); down leaves that OCM as it was', async () => {
    await clusteradm('hub', 'init', '--wait', '--bundle-version', VERSIONS.ocm);
    const token = JSON.parse(await clusteradm('hub', 'get', 'token', '--output', 'json'))['hub-token'] as string;
    const [server] = await kubectl('hub', 'config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}');
    for (const cluster of ['cluster1', 'cluster2'] as const) {
      await clusteradm(cluster, 'join', '--hub-token', token, '--hub-apiserver', server!, '--cluster-name', cluster, '--force-internal-endpoint-lookup', '--bundle-version', VERSIONS.ocm);
    }
    // accept --wait waits for both clusters' CSRs, then accepts them.
    await clusteradm('hub', 'accept', '--clusters', 'cluster1,cluster2', '--wait');
    // accept returns once the clusters are accepted; the hub makes their namespaces after that. Take the picture of
    // this OCM when it is whole (CI once took it before the hub had made cluster2's namespace).
    await kubectl('hub', 'wait', '--for=condition=ManagedClusterConditionAvailable', 'managedcluster/cluster1', 'managedcluster/cluster2', '--timeout=180s');
    await kubectl('hub', 'wait', '--for=create', 'namespace/cluster1', 'namespace/cluster2', '--timeout=60s');
    const byHand = { hub: await ocmTraces('hub'), cluster1: await ocmTraces('cluster1') };

    // The hub as its own managed cluster: the lab joins local-cluster to a hub it did not install.
    writeFileSync(config, CONFIG.replace(/^hub:\n  name: hub\n/m, 'hub:\n  name: hub\n  manage: true\n'));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(await kubectl('hub', 'get', 'clustermanager', 'cluster-manager', '-o', 'jsonpath={.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual([]);
    expect(await kubectl('cluster1', 'get', 'klusterlet', 'klusterlet', '-o', 'jsonpath={.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual([]);
    expect(await kubectl('hub', 'get', 'managedclusterset', 'dev', '-o', 'jsonpath={.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual([join(dir, '.lab', 'extlab')]);
    expect(await kubectl('hub', 'get', 'managedcluster', 'local-cluster', '-o', 'jsonpath={.metadata.labels.cluster\\.open-cluster-management\\.io/clusterset}')).toEqual(['default']);
    const run = await lab('run', join(dir, 'scenarios', 'work-single-cluster.yaml'), join(REPO, 'fixtures/scenarios/hub-manage/local-cluster.yaml'));
    expect(run.exitCode, run.all).toBe(0);
    // As an up killed while it touched cluster1's hub kubeconfig secret would leave it (hub-connection-recheck.ts).
    const recheckMark = ['get', 'secret', 'hub-kubeconfig-secret', '-n', 'open-cluster-management-agent', '-o', 'jsonpath={.metadata.annotations.ocm-lab\\.io/hub-connection-recheck}'];
    await kubectl('cluster1', 'annotate', 'secret', 'hub-kubeconfig-secret', '-n', 'open-cluster-management-agent', 'ocm-lab.io/hub-connection-recheck=3');
    expect(await kubectl('cluster1', ...recheckMark)).toEqual(['3']);

    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
    expect(await kubectl('cluster1', ...recheckMark), 'down takes the lab\'s mark off a klusterlet it adopted').toEqual([]);
    expect(await ocmTraces('hub')).toEqual(byHand.hub);
    expect(await ocmTraces('cluster1')).toEqual(byHand.cluster1);
    expect(await kubectl('hub', 'get', 'managedclusterset', '-o', 'name')).not.toContain('managedclusterset.cluster.open-cluster-management.io/dev');
    expect(await kubectl('hub', 'get', 'managedcluster', 'cluster1', '-o', 'jsonpath={.metadata.labels.env}')).toEqual([]);
    expect(await kubectl('hub', 'get', 'managedclusters', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status}{"\\n"}{end}')).toEqual([
      'cluster1=True',
      'cluster2=True',
    ]);
    expect(await kubectl('hub', 'get', 'managedcluster', 'cluster1', '-o', 'jsonpath={.metadata.labels.cluster\\.open-cluster-management\\.io/clusterset}')).toEqual(['default']);
  });
});
