import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findToolchain } from '../../src/toolchain/toolchain.js';
import { LAB, labCli, REPO } from './helpers.js';

// Provider: local. `install:` on real control planes: a manifests folder on the managed clusters, a kustomization
// (a CRD, an object of it, a generated ConfigMap) on the hub and a local Helm chart (rendered by the toolchain's helm)
// on cluster2, applied by `up` once OCM is ready and judged by readiness (Deployments rolled out on kwok's simulated pods).
const dir = mkdtempSync(join(tmpdir(), 'ocm-lab-installs-'));
const lab = (...args: string[]) => labCli(args, { cwd: dir, command: LAB });
const config = (installs: string) => `name: installs\nprovider: local\nmanagedClusters:\n  - name: cluster1\n  - name: cluster2\ninstall:\n${installs}`;
const APP = '  - {name: app, clusters: managed, manifests: installs/app}\n';
const TOOLS = '  - {name: tools, clusters: hub, manifests: installs/kustomized}\n';
const chart = (values: string) => `  - name: web\n    clusters: [cluster2]\n    helm: {chart: installs/chart-web, namespace: lab-web, release: site, values: ${values}}\n`;
const WEB = chart('{replicaCount: 2, greeting: hi}');

async function kubectl(cluster: string, ...args: string[]): Promise<string[]> {
  const kubeconfig = (await lab('kubeconfig', cluster)).stdout.trim().split('\n').at(-1)!;
  const result = await execa(findToolchain()!.bin('kubectl'), ['--kubeconfig', kubeconfig, ...args], { reject: false });
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [`error: ${result.stderr.trim()}`];
}

interface Status {
  healthy: boolean;
  installs: { name: string; cluster: string; health: string; detail?: string }[];
}

describe('install: the user\'s components in the lab (provider local)', { timeout: 900_000 }, () => {
  beforeAll(() => {
    cpSync(join(REPO, 'fixtures/installs'), join(dir, 'installs'), { recursive: true });
  });
  afterAll(async () => {
    await lab('down');
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('a missing path stops up at its line in the config (exit 2), and nothing is made; down still works', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), config('  - {name: app, manifests: installs/nothing-here}\n'));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(2);
    expect(up.stderr).toMatch(/lab\.config\.yaml:7:\d+: install\[0\]\.manifests: no such file or folder: .*installs\/nothing-here/);
    expect(existsSync(join(dir, '.lab', 'installs', 'state.json'))).toBe(false);
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
  });

  it('a manifest that is not YAML stops up at its file and line (exit 2), before any cluster is made', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), config('  - {name: bad, manifests: installs/bad}\n'));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(2);
    expect(up.all).toMatch(/installs\/bad\/broken\.yaml:9:\d+: invalid YAML/);
    expect(existsSync(join(dir, '.lab', 'installs', 'state.json'))).toBe(false);
    expect(existsSync(join(dir, '.lab', 'installs', 'kwok'))).toBe(false);
  });

  it('a chart helm cannot render stops up at its helm.chart line (exit 2), before any cluster is made', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), config('  - name: web\n    helm: {chart: installs/chart-broken}\n'));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(2);
    expect(up.stderr).toMatch(/lab\.config\.yaml:8:\d+: install\[0\]\.helm\.chart: helm cannot render chart installs\/chart-broken: .*parse error/);
    expect(existsSync(join(dir, '.lab', 'installs', 'kwok'))).toBe(false);
  });

  it('up applies a manifests folder, a kustomization and a Helm chart on their clusters, and waits until they are ready', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), config(APP + TOOLS + WEB));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/Install components: app applied on cluster1, cluster2; tools applied on hub; web applied on cluster2/);
    for (const cluster of ['cluster1', 'cluster2']) {
      expect(await kubectl(cluster, 'get', 'deployment', 'web', '-n', 'lab-app', '-o', 'jsonpath={.status.availableReplicas}')).toEqual(['2']);
      expect(await kubectl(cluster, 'get', 'configmap', 'app-settings', '-n', 'lab-app', '-o', 'jsonpath={.metadata.labels.lab\\.ocm\\.io/install}')).toEqual(['app']);
    }
    expect(await kubectl('hub', 'get', 'widget', 'demo', '-n', 'lab-tools', '-o', 'jsonpath={.spec.size}')).toEqual(['3']);
    expect((await kubectl('hub', 'get', 'configmaps', '-n', 'lab-tools', '-o', 'name')).some((n) => n.startsWith('configmap/tool-settings-'))).toBe(true);
    expect(await kubectl('cluster1', 'get', 'namespace', 'lab-tools', '-o', 'name')).toEqual([expect.stringContaining('NotFound')]);
    // The chart: its release namespace made, values from the config, objects in the release namespace, no test hook.
    expect(await kubectl('cluster2', 'get', 'deployment', 'site-web', '-n', 'lab-web', '-o', 'jsonpath={.status.availableReplicas}')).toEqual(['2']);
    expect(await kubectl('cluster2', 'get', 'configmap', 'site-settings', '-n', 'lab-web', '-o', 'jsonpath={.data.greeting}/{.data.namespace}')).toEqual(['hi/lab-web']);
    expect(await kubectl('cluster2', 'get', 'pods', '-n', 'lab-web', '-o', 'name')).not.toContain('pod/site-test');
    expect(await kubectl('cluster1', 'get', 'namespace', 'lab-web', '-o', 'name')).toEqual([expect.stringContaining('NotFound')]);
    const status = JSON.parse((await lab('status', '--json')).stdout) as Status;
    expect(status.installs.map((i) => `${i.name}@${i.cluster}=${i.health}`)).toEqual(['app@cluster1=ready', 'app@cluster2=ready', 'tools@hub=ready', 'web@cluster2=ready']);
    expect(status.healthy).toBe(true);
  });

  it('up again changes nothing: same objects, same resourceVersions', async () => {
    const before = await kubectl('cluster1', 'get', 'deployment', 'web', '-n', 'lab-app', '-o', 'jsonpath={.metadata.uid}/{.metadata.resourceVersion}');
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/Install components: app ready on cluster1, cluster2; tools ready on hub; web ready on cluster2/);
    expect(await kubectl('cluster1', 'get', 'deployment', 'web', '-n', 'lab-app', '-o', 'jsonpath={.metadata.uid}/{.metadata.resourceVersion}')).toEqual(before);
  });

  it('a changed manifest or chart value is applied, an object dropped from the folder is deleted, and status sees an install that is not ready', async () => {
    writeFileSync(join(dir, 'installs/app/20-web.yaml'), readFileSync(join(REPO, 'fixtures/installs/app/20-web.yaml'), 'utf8').replace('replicas: 2', 'replicas: 3'));
    rmSync(join(dir, 'installs/app/10-settings.yaml'));
    writeFileSync(join(dir, 'lab.config.yaml'), config(APP + TOOLS + chart('{replicaCount: 3, greeting: hi}')));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/app applied on cluster1, cluster2; tools ready on hub; web applied on cluster2/);
    expect(await kubectl('cluster2', 'get', 'deployment', 'site-web', '-n', 'lab-web', '-o', 'jsonpath={.status.availableReplicas}')).toEqual(['3']);
    expect(await kubectl('cluster2', 'get', 'deployment', 'web', '-n', 'lab-app', '-o', 'jsonpath={.status.availableReplicas}')).toEqual(['3']);
    expect(await kubectl('cluster2', 'get', 'configmap', 'app-settings', '-n', 'lab-app', '-o', 'name')).toEqual([expect.stringContaining('NotFound')]);

    // Broken by hand: a Deployment that can never roll out (no node matches) is pending in status, and the lab unhealthy.
    await kubectl('cluster1', 'patch', 'deployment', 'web', '-n', 'lab-app', '--type=merge', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"lab.example.com/none":"x"}}}}}');
    const result = await lab('status', '--json');
    const status = JSON.parse(result.stdout) as Status;
    expect(result.exitCode).toBe(1);
    expect(status.installs.find((i) => i.cluster === 'cluster1')).toMatchObject({ name: 'app', health: 'pending', detail: expect.stringContaining('Deployment web') });
  });

  it('entries removed from the config are uninstalled by up, with the release namespace the lab made', async () => {
    writeFileSync(join(dir, 'lab.config.yaml'), config(TOOLS));
    const up = await lab('up');
    expect(up.exitCode, up.all).toBe(0);
    expect(up.stdout).toMatch(/app removed; web removed/);
    for (const cluster of ['cluster1', 'cluster2']) expect(await kubectl(cluster, 'get', 'namespace', 'lab-app', '-o', 'name')).toEqual([expect.stringContaining('NotFound')]);
    expect(await kubectl('cluster2', 'get', 'namespace', 'lab-web', '-o', 'name')).toEqual([expect.stringContaining('NotFound')]);
    expect(await kubectl('hub', 'get', 'widget', 'demo', '-n', 'lab-tools', '-o', 'name')).toEqual(['widget.lab.example.com/demo']);
  });

  it('an object that was there before is applied over but never taken: removing its install leaves it', async () => {
    await kubectl('cluster1', 'create', 'configmap', 'users-own', '--from-literal=owner=user');
    writeFileSync(join(dir, 'users-own.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: users-own}\ndata: {lab: applied}\n');
    writeFileSync(join(dir, 'lab.config.yaml'), config(TOOLS + '  - {name: mine, clusters: [cluster1], manifests: users-own.yaml}\n'));
    expect((await lab('up')).exitCode).toBe(0);
    expect(await kubectl('cluster1', 'get', 'configmap', 'users-own', '-n', 'default', '-o', 'jsonpath={.data.lab}/{.metadata.annotations.lab\\.ocm\\.io/installed-by}')).toEqual(['applied/']);
    writeFileSync(join(dir, 'lab.config.yaml'), config(TOOLS));
    const up = await lab('up');
    expect(up.stdout).toMatch(/mine removed/);
    expect(await kubectl('cluster1', 'get', 'configmap', 'users-own', '-n', 'default', '-o', 'name')).toEqual(['configmap/users-own']);
  });

  it('down removes the lab', async () => {
    const down = await lab('down');
    expect(down.exitCode, down.all).toBe(0);
  });
});
