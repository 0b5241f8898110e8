import { existsSync } from 'node:fs';
import { ClusterClient } from '../kube/cluster-client.js';
import { removeLabClusterChanges } from '../ocm/cluster-sets.js';
import { MANAGED_CLUSTER } from '../ocm/resources.js';
import { clusterNames, LOCAL_CLUSTER, type LabSpec } from '../config/schema.js';
import { localClusterHandle } from './local-cluster.js';
import { removeInstall } from '../install/apply-install.js';
import { InstallRecord } from '../install/install-record.js';
import { errorMessage, LabError } from '../errors.js';
import { terminate } from '../process/host-process.js';
import { OWNER_ENV, processesOwnedBy } from '../process/ownership.js';
import type { ProviderEntry } from '../providers/provider-entry.js';
import { PROVIDER_TABLE, providerEntry } from '../providers/table.js';
import { findToolchain } from '../toolchain/toolchain.js';
import { labParts, providerWorkDir, type LabParts } from './lab-parts.js';
import { withLabLock } from './lock.js';
import { labStore } from './open-lab.js';
import { Progress, type CoreOptions } from '../core/progress.js';
import type { LabState, StateStore } from './state.js';

export interface DownResult {
  /** False when there was no lab to remove. */
  removed: boolean;
  /** Clusters deleted by this run. */
  deleted: string[];
  /** What the teardown could not do and the user must (a host setting to put back by hand, with the command). */
  warnings: string[];
}

/** `./lab down`: takes the lock (without creating a missing lab) and removes everything of the lab. */
export async function down(spec: LabSpec, options: CoreOptions = {}): Promise<DownResult> {
  const state = labStore(spec);
  return withLabLock(state.root, 'down', () => downLocked(spec, state, options), { createDir: false });
}

/**
 * Which provider made the lab: from the state, or (state lost or unreadable) from the provider folder it
 * left, or (state dir gone) from kind nodes and networks that still carry its state dir.
 */
async function recordedProvider(spec: LabSpec, state: StateStore, recorded: LabState | undefined, signal?: AbortSignal): Promise<ProviderEntry | 'state only' | undefined> {
  if (recorded) return providerEntry(recorded.provider);
  for (const entry of PROVIDER_TABLE) {
    if (existsSync(providerWorkDir(state.root, entry)) || (await entry.ownsAnything(state.root, signal))) return entry;
  }
  // Clusters the lab did not make are named by the config, and what the lab installed there carries its mark.
  // (With the state dir gone too, the next `up` finds its marked OCM as its own, and `down` then removes it.)
  const named = PROVIDER_TABLE.find((entry) => entry.name === spec.provider && entry.userKubeconfig);
  if (named && state.exists()) return named;
  return state.exists() || processesOwnedBy({ root: state.root }).length > 0 ? 'state only' : undefined;
}

/** The state, read once; or why state.json cannot be used (down goes on without it). */
function readState(state: StateStore): { recorded?: LabState; problem?: string } {
  try {
    return { recorded: state.read() };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}

/**
 * Teardown that works after a crash and with a lost or corrupt state: stops OCM, deletes every
 * cluster the state, the config or the provider knows as this lab's, kills every process that
 * carries the lab's identity, and removes the state dir. Nothing of another lab is touched.
 */
export async function downLocked(spec: LabSpec, state: StateStore, options: CoreOptions = {}): Promise<DownResult> {
  const { signal } = options;
  const progress = new Progress(options.onEvent);
  progress.plan([
    { id: 'find', title: 'Find the lab' },
    { id: 'ocm', title: 'Stop OCM' },
    { id: 'clusters', title: 'Delete clusters' },
    { id: 'state', title: 'Remove state and stray processes' },
  ]);
  const found = await progress.run(
    'find',
    async () => {
      const { recorded, problem } = readState(state);
      const entry = await recordedProvider(spec, state, recorded, signal);
      if (!entry) return undefined;
      if (entry === 'state only') return { provider: 'nothing but its state dir', parts: undefined, recorded, problem };
      const toolchain = findToolchain();
      if (!toolchain && entry.teardownNeedsToolchain) {
        throw new LabError(`the toolchain is missing, so the ${entry.name} clusters cannot be deleted`, { hint: 'run ./lab setup, then ./lab down' });
      }
      return { provider: entry.name, parts: toolchain ? labParts(entry.name, spec, state.root, toolchain) : undefined, recorded, problem };
    },
    (f) => {
      if (!f) return `No lab "${spec.name}" here (${state.root}): nothing to remove`;
      const found = `Found lab "${spec.name}" (${f.provider})`;
      return f.problem ? `${found}, by its marks: ${f.problem.split('\n')[0]} (ignored)` : found;
    },
  );
  if (!found) {
    ['ocm', 'clusters', 'state'].forEach((id) => progress.skip(id, 'nothing to remove'));
    return { removed: false, deleted: [], warnings: [] };
  }
  const { parts } = found;
  const keepsClusters = !!parts?.provider.connect;
  if (parts) {
    await progress.run(
      'ocm',
      async () => {
        // Removing OCM from clusters that stay may need its components (what they run tells what the lab installed).
        try {
          if (keepsClusters) await uninstallOcm(spec, state.root, parts, signal);
        } finally {
          await parts.installer.teardown();
        }
      },
      () => (keepsClusters ? 'Remove the OCM, cluster sets and labels this lab put on the clusters' : 'Stop OCM'),
    );
  } else progress.skip('ocm', 'nothing to stop but processes, stopped below');

  const { deleted, warnings } =
    parts && !keepsClusters
      ? await progress.run('clusters', () => deleteClusters(spec, found.recorded, parts, signal), (r) => `Delete clusters: ${r.deleted.join(', ') || 'none left'}`)
      : { deleted: [], warnings: [] };
  if (!parts) progress.skip('clusters', 'no cluster to delete that can be reached: the processes are stopped below');
  else if (keepsClusters) progress.skip('clusters', `the clusters are not the lab's: ${clusterNames(spec).join(', ')} keep running`);

  await progress.run('state', async () => {
    const strays = processesOwnedBy({ root: state.root }).map((p) => p.pid);
    if (strays.length) await terminate(strays);
    state.remove();
    const left = processesOwnedBy({ root: state.root });
    if (left.length || existsSync(state.root)) {
      throw new LabError(`teardown incomplete: ${left.length} process(es) still running (pids ${left.map((p) => p.pid).join(', ')}), state dir ${existsSync(state.root) ? 'present' : 'gone'}`, {
        hint: `they carry ${OWNER_ENV}=${state.root} in their environment; run ./lab down again`,
      });
    }
  });
  return { removed: true, deleted, warnings };
}

/**
 * Clusters that outlive the lab: the cluster sets and labels the lab made on the hub, then the OCM it installed
 * (what it adopted stays).
 */
async function uninstallOcm(spec: LabSpec, owner: string, parts: LabParts, signal?: AbortSignal): Promise<void> {
  const { provider, installer } = parts;
  const connect = provider.connect!.bind(provider);
  const hub = await connect({ name: spec.hub.name, role: 'hub' }, { signal });
  const managed = await Promise.all(spec.managedClusters.map((c) => connect({ name: c.name, role: 'managed' }, { signal })));
  // The installs first: what they applied may need OCM's API (an add-on's objects) while it is still there.
  const byName = new Map([hub, ...managed].map((h) => [h.name, h]));
  const installs = new InstallRecord(owner);
  for (const [name, applied] of Object.entries(installs.read())) {
    await Promise.all(Object.entries(applied.clusters).map(([cluster, refs]) => (byName.has(cluster) ? removeInstall(ClusterClient.of(byName.get(cluster)!), refs, owner, signal) : undefined)));
    installs.set(name, undefined);
  }
  if (spec.hub.manage) managed.push(localClusterHandle(hub));
  const hubClient = ClusterClient.of(hub);
  if (await hubClient.serves(MANAGED_CLUSTER.apiVersion, MANAGED_CLUSTER.kind, signal)) await removeLabClusterChanges(hubClient, spec, owner, signal);
  await installer.uninstall?.(hub, managed, { signal });
}

async function deleteClusters(spec: LabSpec, recorded: LabState | undefined, parts: LabParts, signal?: AbortSignal): Promise<{ deleted: string[]; warnings: string[] }> {
  const { provider } = parts;
  // local-cluster is the hub under another name, not a cluster of its own.
  const recordedMachines = Object.values(recorded?.clusters ?? {}).filter((h) => !(h.name === LOCAL_CLUSTER && h.kubeconfig === recorded?.clusters[spec.hub.name]?.kubeconfig));
  const names = [...new Set([...recordedMachines.map((h) => h.name), ...clusterNames(spec), ...(await provider.list({ signal }))])];
  const results = await Promise.allSettled(names.map(async (name) => (await provider.delete(name, { signal }), name)));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length) throw new LabError(`could not delete every cluster: ${failures.map((f) => errorMessage(f.reason)).join('; ')}`);
  const warnings = await provider.reap({ signal });
  return { deleted: results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled').map((r) => r.value), warnings };
}
