import { joinedClusters, type LabSpec } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import type { ComponentStatus } from '../ocm/installer.js';
import { conditionStatus, CONDITION_ACCEPTED, CONDITION_AVAILABLE, CONDITION_JOINED, managedClusterRef, type ManagedCluster } from '../ocm/resources.js';
import type { LabParts } from './lab-parts.js';
import { openLab } from './open-lab.js';
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

export interface LabStatus {
  name: string;
  provider: string;
  stateDir: string;
  clusters: ClusterStatus[];
  managedClusters: ManagedClusterStatus[];
  components: ComponentStatus[];
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

  return {
    name: spec.name,
    provider: parts.provider.name,
    stateDir: state.root,
    clusters,
    managedClusters,
    components,
    healthy: problems.length === 0,
    problems,
  };
}
