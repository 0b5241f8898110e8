import { autoAccepted, clusterNames, type LabSpec } from '../config/schema.js';
import { LabError, UsageError } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import { acceptCluster } from '../ocm/accept.js';
import { applyClusterSets, labelManagedCluster } from '../ocm/cluster-sets.js';
import type { ComponentStatus } from '../ocm/installer.js';
import { waitForManagedClusterReady } from '../ocm/verify.js';
import { sleep } from '../process/abort.js';
import type { ClusterHandle, ClusterRequest, ProviderKind } from '../providers/provider.js';
import { chooseProvider } from '../providers/select.js';
import { managedClustersProblem } from '../config/schema-lab-config.js';
import { buildToolchain, findToolchain, type Toolchain } from '../toolchain/toolchain.js';
import { writeMergedKubeconfig } from './kubeconfigs.js';
import { labParts, type LabParts } from './lab-parts.js';
import { withLabLock } from './lock.js';
import { labStore } from './open-lab.js';
import { Progress, type CoreOptions, type PlanStep } from '../core/progress.js';
import { newState, type StateStore } from './state.js';
import { collectStatus } from './status.js';

const JOIN_TIMEOUT_MS = 180_000;
const COMPONENTS_TIMEOUT_MS = 180_000;

export interface UpResult {
  name: string;
  provider: ProviderKind;
  /** Why this provider: set in the config, or what `auto` found. */
  providerReason: string;
  /** True when the lab was already healthy and `up` changed nothing. */
  unchanged: boolean;
  stateDir: string;
  kubeconfigs: Record<string, string>;
  mergedKubeconfig: string;
}

/** `./lab up`: takes the lab's lock and brings the lab up (see upLocked). */
export async function up(spec: LabSpec, options: CoreOptions = {}): Promise<UpResult> {
  const state = labStore(spec);
  return withLabLock(state.root, 'up', () => upLocked(spec, state, options));
}

function clusterRequests(spec: LabSpec): ClusterRequest[] {
  return [{ name: spec.hub.name, role: 'hub' }, ...spec.managedClusters.map((c) => ({ name: c.name, role: 'managed' as const }))];
}

function upPlan(spec: LabSpec): PlanStep[] {
  const perCluster = (prefix: string, names: string[]) => names.map((name) => ({ id: `${prefix}/${name}`, title: name }));
  const managed = spec.managedClusters.map((c) => c.name);
  const accepted = autoAccepted(spec).map((c) => c.name);
  return [
    { id: 'toolchain', title: 'Toolchain' },
    { id: 'provider', title: 'Provider' },
    { id: 'check', title: 'Check existing lab' },
    { id: 'create', title: 'Create clusters', concurrent: true, children: perCluster('create', clusterNames(spec)) },
    { id: 'hub', title: 'Install OCM hub' },
    { id: 'join', title: 'Join managed clusters', concurrent: true, children: perCluster('join', managed) },
    { id: 'accept', title: 'Accept managed clusters (clusteradm accept)', concurrent: true, children: perCluster('accept', accepted) },
    { id: 'labels', title: 'Apply labels and cluster sets' },
    { id: 'verify', title: 'Verify managed clusters are joined and available', concurrent: true, children: perCluster('verify', accepted) },
    { id: 'components', title: 'Verify OCM components are running' },
    { id: 'kubeconfigs', title: 'Write kubeconfigs' },
  ];
}

/**
 * The bring-up as ordered, named steps. Every step is idempotent, so running `up` again completes
 * a half-made lab, repairs a broken one and leaves a healthy one alone. The caller holds the lock.
 */
export async function upLocked(spec: LabSpec, state: StateStore, options: CoreOptions = {}): Promise<UpResult> {
  const { signal } = options;
  const progress = new Progress(options.onEvent);
  progress.plan(upPlan(spec));

  const toolchain = await progress.run('toolchain', () => toolchainFor(progress, signal), (t) => `Toolchain: ${t.dir}`);

  const { parts, provider, reason } = await progress.run(
    'provider',
    async () => {
      const existing = state.read();
      const choice = existing
        ? { name: existing.provider, record: existing.providerRecord, reason: 'lab already exists' }
        : await chooseProvider(spec, undefined, signal).then(({ entry, record, reason }) => ({ name: entry.name, record, reason }));
      // The config could only check `auto` against the larger bound; the chosen provider's own applies now.
      const tooMany = managedClustersProblem(choice.name, spec.managedClusters.length);
      if (tooMany) throw new UsageError(`managedClusters: ${tooMany}`, `provider ${choice.name} was chosen (${choice.reason}); name provider: local, or list fewer clusters`);
      const parts = labParts(choice.name, spec, state.root, toolchain, choice.record);
      // A name another lab (or a cluster of nobody's) holds is refused before anything of this lab is made.
      await parts.provider.refuseTakenNames?.(clusterNames(spec), { signal });
      if (!existing) state.write(newState(spec, choice.name, choice.record));
      return { parts, provider: choice.name, reason: choice.reason };
    },
    (r) => `Provider: ${r.provider} (${r.reason})`,
  );

  const unchanged = await progress.run(
    'check',
    async () => {
      const recorded = state.read()!;
      if (Object.keys(recorded.clusters).length === 0) return { unchanged: false, why: 'new lab' };
      const health = await collectStatus(spec, state, parts, signal);
      const allReady = autoAccepted(spec).every((c) => recorded.ready.includes(c.name));
      if (health.healthy && allReady) return { unchanged: true, why: 'healthy, nothing to do' };
      return { unchanged: false, why: `completing it (${health.problems.length ? health.problems.join('; ') : 'bring-up did not finish'})` };
    },
    (r) => `Check existing lab: ${r.why}`,
  );

  const result = (): UpResult => {
    const recorded = state.read()!;
    return {
      name: spec.name,
      provider,
      providerReason: reason,
      unchanged: unchanged.unchanged,
      stateDir: state.root,
      kubeconfigs: Object.fromEntries(clusterNames(spec).map((n) => [n, recorded.clusters[n]?.kubeconfig ?? ''])),
      mergedKubeconfig: writeMergedKubeconfig(state, recorded, clusterNames(spec)),
    };
  };
  if (unchanged.unchanged) {
    for (const id of ['create', 'hub', 'join', 'accept', 'labels', 'verify', 'components']) progress.skip(id, 'the lab is healthy');
    return progress.run('kubeconfigs', async () => result());
  }

  await bringUp(spec, state, parts, toolchain, progress, signal);
  return progress.run('kubeconfigs', async () => result());
}

async function bringUp(spec: LabSpec, state: StateStore, parts: LabParts, toolchain: Toolchain, progress: Progress, signal?: AbortSignal): Promise<void> {
  const handle = (name: string): ClusterHandle => {
    const cluster = state.read()?.clusters[name];
    if (!cluster) throw new LabError(`cluster ${name} is not in the lab state`, { hint: 'run ./lab up again' });
    return cluster;
  };
  const hubClient = () => new ClusterClient(spec.hub.name, handle(spec.hub.name).kubeconfig);

  // Pipelined: the hub is initialised as soon as it exists, and each managed cluster joins as soon as
  // it and the hub are ready, while slower clusters are still being created.
  const created = new Map(clusterRequests(spec).map((r) => [r.name, settledLater<void>()]));
  const creating = progress.each('create', clusterRequests(spec), (r) => `create/${r.name}`, async (request) => {
    try {
      // A known cluster whose control plane is down (stopped, or the machine rebooted) is started by create.
      const restartedAt = new Date();
      const wasDown = state.read()?.clusters[request.name] !== undefined && !(await parts.provider.health(request.name, { signal })).running;
      const handle = await parts.provider.create(request, { signal });
      if (wasDown) await parts.installer.afterControlPlaneRestart(handle, restartedAt, { signal });
      state.update((s) => {
        s.clusters[handle.name] = handle;
      });
      created.get(request.name)!.resolve();
      return `${request.name}: ${handle.server}`;
    } catch (error) {
      created.get(request.name)!.reject(new LabError(`cluster ${request.name} was not created`, { hint: 'see the step that created it' }));
      throw error;
    }
  });
  const initialising = created.get(spec.hub.name)!.promise.then(() => progress.run('hub', () => parts.installer.initHub(handle(spec.hub.name), { signal })));
  const joining = initialising.then((hub) =>
    progress.each('join', spec.managedClusters, (c) => `join/${c.name}`, async (cluster) => {
      await created.get(cluster.name)!.promise;
      await parts.installer.join(handle(cluster.name), cluster, hub, { signal });
    }),
  );
  // Every branch runs to its end (a failed step leaves the rest inspectable); the earliest stage's failure is reported.
  const settled = await Promise.allSettled([creating, initialising, joining]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;

  await progress.each('accept', autoAccepted(spec), (c) => `accept/${c.name}`, async (cluster) => {
    await acceptCluster(hubClient(), cluster.name, {
      clusteradm: toolchain.bin('clusteradm'),
      hubKubeconfig: handle(spec.hub.name).kubeconfig,
      timeoutMs: JOIN_TIMEOUT_MS,
      signal,
    });
  });

  await progress.run('labels', async () => {
    const client = hubClient();
    await applyClusterSets(client, spec, signal);
    for (const cluster of spec.managedClusters) await labelManagedCluster(client, spec, cluster.name, signal);
  });

  await progress.each('verify', autoAccepted(spec), (c) => `verify/${c.name}`, async (cluster) => {
    await waitForManagedClusterReady(hubClient(), cluster.name, JOIN_TIMEOUT_MS, signal);
    state.update((s) => {
      if (!s.ready.includes(cluster.name)) s.ready.push(cluster.name);
    });
    return `${cluster.name}: accepted, joined, available`;
  });

  await progress.run(
    'components',
    () => waitForComponents(() => parts.installer.components(Object.values(state.read()?.clusters ?? {}), { signal }), COMPONENTS_TIMEOUT_MS, signal),
    (count) => `Verify OCM components are running: ${count} healthy`,
  );
}

/** Polls (components span clusters and host processes: nothing single to watch) until every one is healthy. */
async function waitForComponents(read: () => Promise<ComponentStatus[]>, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const components = await read();
    const unhealthy = components.filter((c) => c.health !== 'healthy');
    if (!unhealthy.length) return components.length;
    if (Date.now() > deadline) {
      throw new LabError(`OCM components not healthy after ${timeoutMs / 1000}s: ${unhealthy.map((c) => `${c.id} ${c.health}`).join(', ')}`, {
        hint: './lab status shows each one; ./lab up tries again',
      });
    }
    await sleep(1000, signal);
  }
}

/** A promise settled from outside, whose rejection counts as handled until someone awaits it. */
function settledLater<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

async function toolchainFor(progress: Progress, signal?: AbortSignal): Promise<Toolchain> {
  const found = findToolchain();
  if (found) return found;
  progress.title('toolchain', 'Toolchain: building pinned binaries from the Go module proxy (first run only)');
  return buildToolchain((line) => progress.output('toolchain', line), signal);
}
