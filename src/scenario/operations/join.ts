import { managedClusterRef } from '../../ocm/resources.js';
import { clusterOnly, type ClusterStep } from './fields.js';
import { defineOperation, providerCannot } from './operation.js';

export type JoinStep = ClusterStep<'join'>;

export const joinOperation = defineOperation<JoinStep>({
  name: 'join',
  schema: ({ managedCluster }) => clusterOnly('join', managedCluster, 'Joins the cluster afresh, as a new cluster would; afterwards it waits to be accepted.'),

  /** Joins the cluster afresh; afterwards its CSR is pending and the hub has not accepted it. */
  async execute(step, { lab, timeoutMs, signal }) {
    await lab.rejoin(step.cluster, signal);
    // The new ManagedCluster starts bare: give it the config's labels and sets again, as `up` does.
    await lab.hub().waitFor(managedClusterRef(step.cluster), (found) => (found.length ? true : undefined), {
      timeoutMs,
      description: `ManagedCluster ${step.cluster} to be created by its agent`,
      signal,
    });
    await lab.relabel(step.cluster, signal);
    return `${step.cluster} is joining the hub afresh`;
  },

  needs: (_step, caps) => (caps.freshJoin ? undefined : providerCannot(caps, 'a fresh join')),
});
