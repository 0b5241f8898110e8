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
  if (!spec.managedClusters.some((c) => c.name === name)) return;
  await hub.apply({ ...MANAGED_CLUSTER, metadata: { name, labels: labLabels(spec, name) } }, { signal });
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

/** The labels `labelManagedCluster` puts on a cluster: the config's, and one per cluster set it belongs to. */
function labLabels(spec: LabSpec, name: string): Record<string, string> {
  const cluster = spec.managedClusters.find((c) => c.name === name);
  if (!cluster) return {};
  return { ...cluster.labels, ...Object.fromEntries(cluster.clusterSets.map((set) => [clusterSetMemberLabel(set), 'true'])) };
}

/**
 * Undoes on a hub that outlives the lab what `applyClusterSets` and `labelManagedCluster` did: the sets this lab
 * made are deleted, and the labels it put on ManagedClusters are removed key by key where they still say what
 * the lab set. (Never by an apply that drops the lab's fields: OCM's webhook adds its default cluster-set label
 * inside the lab's own requests, so that label would go too, and OCM's controller may then not update the cluster.)
 */
export async function removeLabClusterChanges(hub: ClusterClient, spec: LabSpec, owner: string, signal?: AbortSignal): Promise<void> {
  for (const set of await hub.list<KubernetesObject>(MANAGED_CLUSTER_SET, undefined, signal)) {
    if (installedBy(set, owner)) await hub.delete({ ...MANAGED_CLUSTER_SET, name: set.metadata!.name! }, signal);
  }
  for (const cluster of spec.managedClusters) {
    const found = await hub.read<KubernetesObject>(managedClusterRef(cluster.name), signal);
    const labels = found?.metadata?.labels ?? {};
    const ours = Object.entries(labLabels(spec, cluster.name)).filter(([key, value]) => labels[key] === value);
    if (ours.length) await hub.mergePatch(managedClusterRef(cluster.name), { metadata: { labels: Object.fromEntries(ours.map(([key]) => [key, null])) } }, signal);
  }
}
