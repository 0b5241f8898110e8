import type { KubernetesObject } from '@kubernetes/client-node';
import { CLUSTER_SET_LABEL, MANAGED_CLUSTER_SET, managedClusterRef } from '../../ocm/resources.js';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/**
 * Creates a ManagedClusterSet (exclusive label, as `clusteradm clusterset set` uses), puts the
 * given clusters in it, and binds it to the given namespaces (created if missing).
 */
export const clusterset: StepExecutor<Extract<Step, { op: 'clusterset' }>> = async (step, { lab, signal }) => {
  const hub = lab.hub();
  await hub.apply({ ...MANAGED_CLUSTER_SET, metadata: { name: step.setName }, spec: { clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } } } as KubernetesObject, { signal });
  for (const cluster of step.clusters) {
    await hub.mergePatch(managedClusterRef(cluster), { metadata: { labels: { [CLUSTER_SET_LABEL]: step.setName } } }, signal);
  }
  for (const namespace of step.bind) {
    await hub.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { signal });
    await hub.apply({
      apiVersion: 'cluster.open-cluster-management.io/v1beta2',
      kind: 'ManagedClusterSetBinding',
      metadata: { name: step.setName, namespace },
      spec: { clusterSet: step.setName },
    } as KubernetesObject, { signal });
  }
  const parts = [`cluster set ${step.setName}`];
  if (step.clusters.length) parts.push(`members ${step.clusters.join(', ')}`);
  if (step.bind.length) parts.push(`bound to ${step.bind.join(', ')}`);
  return parts.join('; ');
};
