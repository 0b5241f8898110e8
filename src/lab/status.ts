import { installClusters, joinedClusters, type LabSpec } from '../config/schema.js';
import { installHealth } from '../install/apply-install.js';
import { InstallRecord } from '../install/install-record.js';
import { errorMessage } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import type { ComponentStatus } from '../ocm/installer.js';
import type { OcmVersions } from '../ocm/ocm-versions.js';
import { conditionStatus, CONDITION_ACCEPTED, CONDITION_AVAILABLE, CONDITION_JOINED, managedClusterRef, type ManagedCluster } from '../ocm/resources.js';
import { captureFleet, failedFleet, type FleetSnapshot } from '../report/fleet.js';
import type { LabParts } from './lab-parts.js';
import { labStore, openLab } from './open-lab.js';
import type { CoreOptions } from '../core/progress.js';
import type { StateStore } from './state.js';

export interface ClusterStatus {
  name: string;
  role: 'hub' | 'managed';
  /** The API server answers. */
  running: boolean;
  /** Running and able to do its job (nodes Ready, node agents serving). */
  working: boolean;
  server?: string;
  kubeconfig?: string;
}

export interface ManagedClusterStatus {
  name: string;
  /** From the config: manual clusters wait for a user (or scenario) to accept them. */
  acceptMode: 'auto' | 'manual';
  accepted: string;
  joined: string;
  available: string;
  labels: Record<string, string>;
}

/** One install on one cluster, judged by its objects' readiness now. */
export interface InstallStatus {
  name: string;
  cluster: string;
  health: 'ready' | 'pending' | 'failed';
  /** The objects that are not ready, with where each stands. */
  detail?: string;
}

export interface LabStatus {
  name: string;
  provider: string;
  stateDir: string;
  clusters: ClusterStatus[];
  managedClusters: ManagedClusterStatus[];
  /** The OCM release the hub and the agents run (they differ between the two steps of an upgrade). */
  ocm: OcmVersions;
  components: ComponentStatus[];
  installs: InstallStatus[];
  healthy: boolean;
  problems: string[];
}

/** `./lab status`: the lab as it is now, judged by whether each part does its job. */
export async function status(spec: LabSpec, options: CoreOptions = {}): Promise<LabStatus> {
  const lab = openLab(spec);
  return collectStatus(spec, lab.state, lab.parts, options.signal);
}

/** Clusters by function (provider health), OCM conditions from the hub, and the health of every OCM component. */
export async function collectStatus(spec: LabSpec, state: StateStore, parts: LabParts, signal?: AbortSignal): Promise<LabStatus> {
  const recorded = state.tryRead();
  const problems: string[] = [];
  const roles = [
    { name: spec.hub.name, role: 'hub' as const },
    ...spec.managedClusters.map((c) => ({ name: c.name, role: 'managed' as const })),
  ];
  const clusters = await Promise.all(
    roles.map(async ({ name, role }): Promise<ClusterStatus> => {
      const record = recorded?.clusters[name];
      const health = await parts.provider.health(name, { signal });
      problems.push(...health.problems);
      return { name, role, running: health.running, working: health.running && health.problems.length === 0, server: record?.server, kubeconfig: record?.kubeconfig };
    }),
  );

  const hubRecord = recorded?.clusters[spec.hub.name];
  const hubUp = clusters[0]?.running && hubRecord;
  const managedClusters = await Promise.all(
    joinedClusters(spec).map(async ({ name, accept }): Promise<ManagedClusterStatus> => {
      let mc: ManagedCluster | undefined;
      if (hubUp) {
        try {
          mc = await ClusterClient.of(hubRecord).read<ManagedCluster>(managedClusterRef(name), signal);
        } catch (error) {
          problems.push(`cannot read ManagedCluster ${name}: ${errorMessage(error)}`);
        }
      }
      const status = {
        name,
        acceptMode: accept,
        accepted: conditionStatus(mc, CONDITION_ACCEPTED),
        joined: conditionStatus(mc, CONDITION_JOINED),
        available: conditionStatus(mc, CONDITION_AVAILABLE),
        labels: mc?.metadata?.labels ?? {},
      };
      const waitingForUser = accept === 'manual' && status.accepted !== 'True';
      if (!waitingForUser && [status.accepted, status.joined, status.available].some((s) => s !== 'True')) {
        problems.push(`${name} is not ready (accepted=${status.accepted} joined=${status.joined} available=${status.available})`);
      }
      return status;
    }),
  );

  const components = await parts.installer.components(Object.values(recorded?.clusters ?? {}), { signal });
  for (const c of components) if (c.health !== 'healthy') problems.push(`OCM component ${c.id} is ${c.health}`);

  const installs = await collectInstalls(spec, state, signal);
  for (const i of installs) if (i.health !== 'ready') problems.push(`install ${i.name} on ${i.cluster} is ${i.health}${i.detail ? `: ${i.detail}` : ''}`);

  return {
    name: spec.name,
    provider: parts.provider.name,
    stateDir: state.root,
    ocm: parts.installer.versions(),
    clusters,
    managedClusters,
    components,
    installs,
    healthy: problems.length === 0,
    problems,
  };
}

/**
 * The fleet as the hub sees it (cluster sets, Placements and their choices, ManifestWorks and add-ons), for the
 * picture under `./lab status`; it is not part of the status itself, so `status --json` stays as it is. Undefined
 * while the hub does not run.
 */
export async function statusFleet(spec: LabSpec, status: LabStatus, signal?: AbortSignal): Promise<FleetSnapshot | undefined> {
  const handle = labStore(spec).tryRead()?.clusters[spec.hub.name];
  if (!handle || !status.clusters.find((c) => c.role === 'hub')?.running) return undefined;
  try {
    return await captureFleet(ClusterClient.of(handle), signal);
  } catch (error) {
    return failedFleet(spec.hub.name, error);
  }
}

/** Each install of the config on each of its clusters (one not applied yet is pending), and what is recorded but no longer in the config. */
async function collectInstalls(spec: LabSpec, state: StateStore, signal?: AbortSignal): Promise<InstallStatus[]> {
  const recorded = new InstallRecord(state.root).read();
  const handles = state.tryRead()?.clusters ?? {};
  const names = [...new Set([...spec.install.map((i) => i.name), ...Object.keys(recorded)])];
  const rows = names.flatMap((name) => {
    const entry = spec.install.find((i) => i.name === name);
    const clusters = entry ? installClusters(spec, entry) : Object.keys(recorded[name]?.clusters ?? {});
    return clusters.map((cluster) => ({ name, cluster, refs: recorded[name]?.clusters[cluster] }));
  });
  return Promise.all(
    rows.map(async ({ name, cluster, refs }): Promise<InstallStatus> => {
      const handle = handles[cluster];
      if (!refs || !handle) return { name, cluster, health: 'pending', detail: 'not applied yet: ./lab up applies it' };
      try {
        const health = await installHealth(ClusterClient.of(handle), refs, signal);
        const failed = health.filter((h) => h.readiness.state === 'failed');
        const pending = health.filter((h) => h.readiness.state === 'pending');
        const describe = (list: typeof health) => list.map(({ ref, readiness }) => `${ref.kind} ${ref.name} ${'detail' in readiness ? readiness.detail : ''}`.trim()).join(', ');
        if (failed.length) return { name, cluster, health: 'failed', detail: describe(failed) };
        if (pending.length) return { name, cluster, health: 'pending', detail: describe(pending) };
        return { name, cluster, health: 'ready' };
      } catch (error) {
        return { name, cluster, health: 'failed', detail: `cannot read its objects: ${errorMessage(error)}` };
      }
    }),
  );
}
