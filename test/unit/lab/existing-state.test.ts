import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { kubeconfigEnv, writeMergedKubeconfig } from '../../../src/lab/kubeconfigs.js';
import { newState, StateStore } from '../../../src/lab/state.js';
import { clusterAccess, resolveKubeconfigPath } from '../../../src/providers/existing/cluster-access.js';
import { findToolchain } from '../../../src/toolchain/toolchain.js';

// Provider: none (files, and the toolchain's kubectl reading them). The state and kubeconfig handling of a lab on clusters it did not make.
const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function lab(): { base: string; spec: LabSpec; store: StateStore } {
  const base = mkdtempSync(join(tmpdir(), 'ocm-lab-existing-'));
  roots.push(base);
  const spec = {
    name: 'ext',
    provider: 'existing',
    configPath: join(base, 'lab.config.yaml'),
    hub: { name: 'hub', kubeconfig: 'kube/hub.yaml' },
    managedClusters: [{ name: 'c1', kubeconfig: '/abs/c1.yaml', context: 'admin@c1' }],
  } as unknown as LabSpec;
  return { base, spec, store: new StateStore(join(base, '.lab', 'ext'), spec) };
}

const USER_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: a, cluster: {server: 'https://a.example:6443'}}, {name: b, cluster: {server: 'https://b.example:6443'}}]
users: [{name: u, user: {token: secret-token}}]
contexts: [{name: ctx-a, context: {cluster: a, user: u}}, {name: ctx-b, context: {cluster: b, user: u}}]
current-context: ctx-a
`;

describe('a lab on clusters it did not make (provider existing)', () => {
  it('resolves kubeconfig paths like every path of the config: ~ is home, relative is next to the config', () => {
    expect(resolveKubeconfigPath('~/.kube/c1.yaml', '/labs/lab.config.yaml')).toBe(join(homedir(), '.kube/c1.yaml'));
    expect(resolveKubeconfigPath('kube/hub.yaml', '/labs/lab.config.yaml')).toBe('/labs/kube/hub.yaml');
    expect(resolveKubeconfigPath('/abs/c1.yaml', '/labs/lab.config.yaml')).toBe('/abs/c1.yaml');
    const { base, spec } = lab();
    expect(clusterAccess(spec, 'hub')).toEqual({ kubeconfig: join(base, 'kube/hub.yaml') });
    expect(clusterAccess(spec, 'c1')).toEqual({ kubeconfig: '/abs/c1.yaml', context: 'admin@c1' });
    expect(clusterAccess(spec, 'c9')).toBeUndefined();
  });

  it('state.json must name the kubeconfig and context the config names now, never another file', () => {
    const { base, spec, store } = lab();
    const state = newState(spec, 'existing');
    const server = 'https://a.example:6443';
    state.clusters.hub = { name: 'hub', role: 'hub', kubeconfig: join(base, 'kube/hub.yaml'), server, serverFromClusters: server };
    state.clusters.c1 = { name: 'c1', role: 'managed', kubeconfig: '/abs/c1.yaml', context: 'admin@c1', server, serverFromClusters: server };
    store.write(state);
    expect(store.read()?.clusters.c1?.context).toBe('admin@c1');
    for (const tamper of [{ kubeconfig: '/etc/shadow' }, { context: 'someone-else' }]) {
      writeFileSync(store.stateFile, JSON.stringify({ ...state, clusters: { ...state.clusters, c1: { ...state.clusters.c1, ...tamper } } }));
      expect(() => store.read()).toThrow(/clusters\.c1\.kubeconfig: .* is not the kubeconfig of c1 \(\/abs\/c1\.yaml \(context admin@c1\)\): the config names another cluster than the lab was made on, or state\.json was edited/);
      // The way out of a config that moved: down with the config as it was, then up with the new one.
      expect(() => store.read()).toThrow(expect.objectContaining({ exitCode: 2, hint: expect.stringMatching(/^to move the lab to other clusters: put the config back as it was, \.\/lab down/) }));
    }
  });

  it('KUBECONFIG for a context is a credential-free selector in front of the user\'s file, and kubectl reads it so', async () => {
    const { base, store } = lab();
    const file = join(base, 'user.yaml');
    writeFileSync(file, USER_KUBECONFIG, { mode: 0o600 });
    expect(kubeconfigEnv(store, { name: 'c1', kubeconfig: file })).toBe(file);
    const value = kubeconfigEnv(store, { name: 'c1', kubeconfig: file, context: 'ctx-b' });
    const [selector, rest] = value.split(delimiter);
    expect(rest).toBe(file);
    expect(readFileSync(selector!, 'utf8')).not.toMatch(/secret-token|server/);
    // The toolchain's kubectl (`.ci/run` builds the toolchain before the tests).
    const toolchain = findToolchain();
    expect(toolchain, 'the toolchain is missing: run ./lab setup').toBeDefined();
    const view = await execa(toolchain!.bin('kubectl'), ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'], { env: { KUBECONFIG: value } });
    expect(view.stdout).toBe('https://b.example:6443');
  });

  it('every cluster\'s KUBECONFIG is a list of the users\' files (hub context first), never a merged copy of their credentials', () => {
    const { base, spec, store } = lab();
    const hubFile = join(base, 'hub.yaml');
    const c1File = join(base, 'c1.yaml');
    writeFileSync(hubFile, USER_KUBECONFIG);
    writeFileSync(c1File, USER_KUBECONFIG);
    const state = newState(spec, 'existing');
    const server = 'https://a.example:6443';
    state.clusters.hub = { name: 'hub', role: 'hub', kubeconfig: hubFile, context: 'ctx-a', server, serverFromClusters: server };
    state.clusters.c1 = { name: 'c1', role: 'managed', kubeconfig: c1File, context: 'ctx-b', server, serverFromClusters: server };
    const value = writeMergedKubeconfig(store, state, ['hub', 'c1']);
    expect(value.split(delimiter)).toEqual([join(store.root, 'kubeconfigs', 'hub.context.yaml'), hubFile, c1File]);
  });
});
