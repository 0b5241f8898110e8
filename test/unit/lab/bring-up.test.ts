import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabSpec } from '../../../src/config/schema.js';
import { Progress, type LabEvent } from '../../../src/core/progress.js';
import { BringUpContext, planOf, runBringUp, type BringUpAction } from '../../../src/lab/bring-up/action.js';
import { createClustersAction } from '../../../src/lab/bring-up/create-clusters.js';
import { checkAction } from '../../../src/lab/bring-up/check.js';
import { BRING_UP } from '../../../src/lab/bring-up/index.js';
import { installHubAction } from '../../../src/lab/bring-up/install-hub.js';
import { joinAction } from '../../../src/lab/bring-up/join.js';
import type { LabParts } from '../../../src/lab/lab-parts.js';
import { newState, StateStore } from '../../../src/lab/state.js';
import type { OcmInstaller } from '../../../src/ocm/installer.js';
import type { ClusterHandle, ClusterProvider, ClusterRequest } from '../../../src/providers/provider.js';

// Our own scheduling logic, with fake providers and installers: no cluster is made here (the e2e suites do that).
const spec = {
  name: 'unit',
  configPath: '/x/lab.config.yaml',
  hub: { name: 'hub' },
  managedClusters: [
    { name: 'c1', accept: 'auto' },
    { name: 'c2', accept: 'auto' },
  ],
} as unknown as LabSpec;
let stateDir = '';
beforeEach(() => {
  stateDir = join(mkdtempSync(join(tmpdir(), 'ocm-lab-bring-up-')), '.lab', 'unit');
});
afterEach(() => rmSync(join(stateDir, '..', '..'), { recursive: true, force: true }));

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** A context over a fresh state dir, recording every progress event and what the fakes did, in order. */
function context(parts: LabParts) {
  const state = new StateStore(stateDir);
  state.write(newState(spec, 'local'));
  const events: LabEvent[] = [];
  const ctx = new BringUpContext(spec, state, new Progress((e) => events.push(e)));
  ctx.parts = parts;
  return { ctx, events, state };
}

/** A fake provider whose clusters take the given time to create (or fail), and a fake installer; both log what they do. */
function fakes(createMs: Record<string, number>, failing: string[] = []) {
  const log: string[] = [];
  const provider = {
    health: async () => ({ running: true, problems: [] }),
    create: async (request: ClusterRequest): Promise<ClusterHandle> => {
      log.push(`create ${request.name} start`);
      await tick(createMs[request.name]);
      if (failing.includes(request.name)) throw new Error(`${request.name} broke`);
      log.push(`create ${request.name} done`);
      return { name: request.name, role: request.role, kubeconfig: join(stateDir, 'kubeconfigs', `${request.name}.yaml`), server: 'https://127.0.0.1:1', serverFromClusters: 'https://127.0.0.1:1' };
    },
  } as unknown as ClusterProvider;
  const installer = {
    afterControlPlaneRestart: async () => undefined,
    initHub: async () => {
      log.push('hub start');
      await tick(10);
      log.push('hub done');
      return { bootstrapKubeconfig: '/b', apiServer: 'https://127.0.0.1:1' };
    },
    join: async (cluster: ClusterHandle) => {
      log.push(`join ${cluster.name}`);
      return { bootstrapping: true };
    },
  } as unknown as OcmInstaller;
  return { log, parts: { provider, installer } };
}

const check: BringUpAction = { id: 'check', title: 'Check', run: async () => undefined };
const pipeline = [check, createClustersAction, installHubAction, joinAction];

describe('the bring-up (fake provider and installer)', () => {
  it('installs the hub while managed clusters are still being created, and joins each cluster as soon as it exists', async () => {
    const { log, parts } = fakes({ hub: 5, c1: 20, c2: 80 });
    const { ctx, state } = context(parts);
    await runBringUp(pipeline, ctx);
    expect(log.indexOf('hub done')).toBeLessThan(log.indexOf('create c2 done'));
    expect(log.indexOf('join c1')).toBeLessThan(log.indexOf('create c2 done'));
    expect(log.indexOf('join c2')).toBeGreaterThan(log.indexOf('create c2 done'));
    expect(Object.keys(state.read()!.clusters).sort()).toEqual(['c1', 'c2', 'hub']);
  });

  it('never joins a cluster that was not created, lets every other branch finish, and reports the creation\'s own error', async () => {
    const { log, parts } = fakes({ hub: 5, c1: 5, c2: 20 }, ['c2']);
    const { ctx, events } = context(parts);
    await expect(runBringUp(pipeline, ctx)).rejects.toThrow('c2 broke');
    expect(log).toContain('join c1');
    expect(log).not.toContain('join c2');
    expect(events).toContainEqual(expect.objectContaining({ type: 'end', id: 'join/c2', outcome: 'failed', message: 'cluster c2 was not created' }));
  });

  it('with hub.manage joins the hub to itself as local-cluster: the hub\'s kubeconfig, no cluster of its own', async () => {
    const { log, parts } = fakes({ hub: 5, c1: 5, c2: 5 });
    const joined: ClusterHandle[] = [];
    const join = parts.installer.join.bind(parts.installer);
    parts.installer.join = async (cluster, ...rest) => (joined.push(cluster), join(cluster, ...rest));
    const managing = { ...spec, hub: { name: 'hub', manage: true } } as LabSpec;
    const state = new StateStore(stateDir, managing);
    state.write(newState(managing, 'local'));
    const ctx = new BringUpContext(managing, state, new Progress(() => undefined));
    ctx.parts = parts;
    await runBringUp(pipeline, ctx);
    expect(log.filter((l) => l.startsWith('create') && l.endsWith('start')).sort()).toEqual(['create c1 start', 'create c2 start', 'create hub start']);
    const self = joined.find((c) => c.name === 'local-cluster');
    expect(self).toEqual({ ...state.read()!.clusters.hub, name: 'local-cluster', role: 'managed' });
    expect(Object.keys(state.read()!.clusters).sort()).toEqual(['c1', 'c2', 'hub', 'local-cluster']);
  });

  it('never installs the hub or joins when the hub was not created', async () => {
    const { log, parts } = fakes({ hub: 5, c1: 5, c2: 5 }, ['hub']);
    const { ctx } = context(parts);
    await expect(runBringUp(pipeline, ctx)).rejects.toThrow('hub broke');
    expect(log.filter((l) => l.startsWith('hub') || l.startsWith('join'))).toEqual([]);
  });

  it('skips every action that changes the lab when the lab is healthy', async () => {
    const { log, parts } = fakes({ hub: 1, c1: 1, c2: 1 });
    const { ctx, events } = context(parts);
    const healthy: BringUpAction = { id: 'check', title: 'Check', run: async (c) => void (c.unchanged = true) };
    await runBringUp([healthy, createClustersAction, installHubAction, joinAction], ctx);
    expect(log).toEqual([]);
    for (const id of ['create', 'hub', 'join']) expect(events).toContainEqual({ type: 'end', id, outcome: 'skipped', message: 'the lab is healthy' });
  });

  it('leaves the clusters the check found working as they are: a growing lab installs its hub before the new cluster exists', async () => {
    const { log, parts } = fakes({ c2: 60 });
    parts.provider.health = async (name: string) => (name === 'c2' ? { running: false, problems: ['cluster c2 does not exist'] } : { running: true, problems: [] });
    parts.installer.components = async () => [];
    parts.installer.versions = () => ({ hub: 'v1.2.0', agents: 'v1.2.0' });
    const { ctx, state } = context(parts);
    const grown = { ...ctx.spec, install: [] } as unknown as LabSpec;
    const growing = new BringUpContext(grown, state, new Progress(() => undefined));
    growing.parts = parts;
    const running = (name: string): ClusterHandle => ({ name, role: name === 'hub' ? 'hub' : 'managed', kubeconfig: join(stateDir, 'kubeconfigs', `${name}.yaml`), server: 'https://127.0.0.1:1', serverFromClusters: 'https://127.0.0.1:1' });
    state.update((s) => void Object.assign(s.clusters, { hub: running('hub'), c1: running('c1') }));
    await runBringUp([checkAction, createClustersAction, installHubAction, joinAction], growing);
    expect([...growing.working].sort()).toEqual(['c1', 'hub']);
    expect(log.filter((l) => l.startsWith('create'))).toEqual(['create c2 start', 'create c2 done']);
    expect(log.indexOf('hub done')).toBeLessThan(log.indexOf('create c2 done'));
    expect(log.indexOf('join c1')).toBeLessThan(log.indexOf('create c2 done'));
    expect(log.indexOf('join c2')).toBeGreaterThan(log.indexOf('create c2 done'));
  });

  it('refuses an action that comes after one not before it in the list', async () => {
    const { parts } = fakes({});
    const { ctx } = context(parts);
    await expect(runBringUp([{ id: 'a', title: 'A', after: ['b'], run: async () => undefined }], ctx)).rejects.toThrow(/comes after b/);
  });
});

describe('BRING_UP', () => {
  it('is the plan the CLI shows: every action once, per-cluster ones with a child per cluster', () => {
    const plan = planOf(BRING_UP, spec);
    expect(plan.map((s) => s.id)).toEqual(['toolchain', 'render-installs', 'provider', 'check', 'create', 'hub', 'join', 'accept', 'labels', 'verify', 'components', 'installs', 'kubeconfigs']);
    expect(plan.find((s) => s.id === 'create')?.children?.map((c) => c.id)).toEqual(['create/hub', 'create/c1', 'create/c2']);
    expect(plan.find((s) => s.id === 'join')?.children?.map((c) => c.id)).toEqual(['join/c1', 'join/c2']);
  });

  it('overlaps only the hub install with cluster creation: every other action waits for what it needs', () => {
    const after = Object.fromEntries(BRING_UP.map((a) => [a.id, a.after]));
    expect(after).toMatchObject({ hub: ['check'], join: ['hub'], accept: ['create', 'join'] });
    expect(BRING_UP.filter((a) => a.after !== undefined).map((a) => a.id)).toEqual(['hub', 'join', 'accept']);
  });
});
