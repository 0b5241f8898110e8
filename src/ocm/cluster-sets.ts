import type { LabSpec } from '../config/schema.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import { INSTALLED_BY, installedBy } from './install-marks.js';
import { MANAGED_CLUSTER, MANAGED_CLUSTER_SET, managedClusterRef } from './resources.js';

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

/**
 * Creates every cluster set the config declares, each selecting its members by label and marked as this lab's
 * (`owner`). A set of that name the lab did not make (on a hub it adopted) is left as its owner made it.
 */
export async function applyClusterSets(hub: ClusterClient, spec: LabSpec, owner: string, signal?: AbortSignal): Promise<void> {
  for (const set of configuredClusterSets(spec).keys()) {
    const found = await hub.read({ ...MANAGED_CLUSTER_SET, name: set }, signal);
    if (found && !installedBy(found, owner)) continue;
    await hub.apply({
      ...MANAGED_CLUSTER_SET,
      metadata: { name: set, labels: { 'app.kubernetes.io/managed-by': 'ocm-lab' }, annotations: { [INSTALLED_BY]: owner } },
      spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: { matchLabels: { [clusterSetMemberLabel(set)]: 'true' } } } },
    } as never, { signal });
  }
}

/**
 * Undoes on a hub that outlives the lab what `applyClusterSets` and `labelManagedCluster` did: the sets this lab
 * made are deleted, and the labels it applied to ManagedClusters are dropped (an apply that no longer
 * names them removes the fields only the lab's field manager set).
 */
export async function removeLabClusterChanges(hub: ClusterClient, spec: LabSpec, owner: string, signal?: AbortSignal): Promise<void> {
  for (const set of await hub.list<KubernetesObject>(MANAGED_CLUSTER_SET, undefined, signal)) {
    if (installedBy(set, owner)) await hub.delete({ ...MANAGED_CLUSTER_SET, name: set.metadata!.name! }, signal);
  }
  for (const cluster of spec.managedClusters) {
    if (await hub.read(managedClusterRef(cluster.name), signal)) await hub.apply({ ...MANAGED_CLUSTER, metadata: { name: cluster.name } }, { signal });
  }
}
