import { applyClusterSets, labelManagedCluster } from '../../ocm/cluster-sets.js';
import type { StepAction } from './action.js';

/** The config's cluster sets and every managed cluster's labels and set memberships. */
export const labelsAction: StepAction = {
  id: 'labels',
  title: 'Apply labels and cluster sets',
  changesLab: true,
  async run(ctx) {
    const client = ctx.hubClient();
    await applyClusterSets(client, ctx.spec, ctx.state.root, ctx.signal);
    for (const cluster of ctx.spec.managedClusters) await labelManagedCluster(client, ctx.spec, cluster.name, ctx.signal);
  },
};
