import type { LabSpec } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { ClusterClient } from '../kube/cluster-client.js';
import type { ProcessStatus } from '../ocm/installer.js';
import { conditionStatus, CONDITION_ACCEPTED, CONDITION_AVAILABLE, CONDITION_JOINED, managedClusterRef, type ManagedCluster } from '../ocm/resources.js';
import type { LabParts } from './lab-parts.js';
import type { StateStore } from './state.js';

export interface ClusterStatus {
  name: string;
  role: 'hub' | 'managed';
  running: boolean;
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
  processes: ProcessStatus[];
  healthy: boolean;
  problems: string[];
}

/** Reads the lab as it is now: clusters from the provider, OCM conditions from the hub, process health. */
export async function collectStatus(spec: LabSpec, state: StateStore, parts: LabParts): Promise<LabStatus> {
  const recorded = state.read();
  const problems: string[] = [];
  const roles = [
    { name: spec.hub.name, role: 'hub' as const },
    ...spec.managedClusters.map((c) => ({ name: c.name, role: 'managed' as const })),
  ];
  const clusters = await Promise.all(
    roles.map(async ({ name, role }) => {
      const record = recorded?.clusters[name];
      const running = await parts.provider.isRunning(name);
      if (!running) problems.push(`cluster ${name} is not running`);
      return { name, role, running, server: record?.server, kubeconfig: record?.kubeconfig };
    }),
  );

  const hubRecord = recorded?.clusters[spec.hub.name];
  const hubUp = clusters[0]?.running && hubRecord;
  const managedClusters = await Promise.all(
    spec.managedClusters.map(async ({ name, accept }): Promise<ManagedClusterStatus> => {
      let mc: ManagedCluster | undefined;
      if (hubUp) {
        try {
          mc = await new ClusterClient(hubRecord.name, hubRecord.kubeconfig).read<ManagedCluster>(managedClusterRef(name));
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

  const processes = await parts.installer.processes();
  for (const p of processes) if (p.health !== 'healthy') problems.push(`process ${p.id} is ${p.health}`);

  return {
    name: spec.name,
    provider: parts.provider.name,
    stateDir: state.root,
    clusters,
    managedClusters,
    processes,
    healthy: problems.length === 0,
    problems,
  };
}

