import type { KubernetesObject } from '@kubernetes/client-node';
import { z } from 'zod';
import { CLUSTER_SET_LABEL, MANAGED_CLUSTER_SET, managedClusterRef } from '../../ocm/resources.js';
import type { StepBase } from '../types.js';
import { kubeName } from './fields.js';
import { defineOperation } from './operation.js';

export interface ClustersetStep extends StepBase {
  op: 'clusterset';
  setName: string;
  clusters: string[];
  bind: string[];
}

export const clustersetOperation = defineOperation<ClustersetStep>({
  name: 'clusterset',
  schema: ({ managedCluster }) =>
    z
      .strictObject({
        name: kubeName('Name of the ManagedClusterSet.', 'label'),
        clusters: z.array(managedCluster).default([]).meta({ description: 'Managed clusters to add to the set.' }),
        bind: z.array(kubeName('A namespace.', 'label')).default([]).meta({ description: 'Namespaces to bind the set to.' }),
      })
      .meta({ description: 'Creates a ManagedClusterSet, adds the clusters and binds it to the namespaces.' })
      .transform((fields) => ({ op: 'clusterset' as const, setName: fields.name, clusters: fields.clusters, bind: fields.bind })),

  /**
   * Creates a ManagedClusterSet (exclusive label, as `clusteradm clusterset set` uses), puts the
   * given clusters in it, and binds it to the given namespaces (created if missing).
   */
  async execute(step, { lab, signal }) {
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
  },
});
