import type { LabSpec } from '../config/schema.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { MANAGED_CLUSTER, MANAGED_CLUSTER_SET } from './resources.js';

/** Label through which a config-declared cluster set selects its members; one label per set, so sets may overlap. */
export function clusterSetMemberLabel(set: string): string {
  return `clusterset.lab.ocm.io/${set}`;
}

export function configuredClusterSets(spec: LabSpec): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const cluster of spec.managedClusters) {
    for (const set of cluster.clusterSets) sets.set(set, [...(sets.get(set) ?? []), cluster.name]);
  }
  return sets;
}

/** Applies the config's labels and cluster-set membership to a ManagedCluster (server-side apply, our fields only). */
export async function labelManagedCluster(hub: ClusterClient, spec: LabSpec, name: string, signal?: AbortSignal): Promise<void> {
  const cluster = spec.managedClusters.find((c) => c.name === name);
  if (!cluster) return;
  const labels: Record<string, string> = { ...cluster.labels };
  for (const set of cluster.clusterSets) labels[clusterSetMemberLabel(set)] = 'true';
  await hub.apply({ ...MANAGED_CLUSTER, metadata: { name, labels } }, { signal });
}

/** Creates every cluster set the config declares, each selecting its members by label. */
export async function applyClusterSets(hub: ClusterClient, spec: LabSpec, signal?: AbortSignal): Promise<void> {
  for (const set of configuredClusterSets(spec).keys()) {
    await hub.apply({
      ...MANAGED_CLUSTER_SET,
      metadata: { name: set, labels: { 'app.kubernetes.io/managed-by': 'ocm-lab' } },
      spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: { matchLabels: { [clusterSetMemberLabel(set)]: 'true' } } } },
    } as never, { signal });
  }
}
