import { acceptCluster } from '../../ocm/accept.js';
import { clusterOnly, type ClusterStep } from './fields.js';
import { defineOperation } from './operation.js';

export type AcceptStep = ClusterStep<'accept'>;

export const acceptOperation = defineOperation<AcceptStep>({
  name: 'accept',
  schema: ({ managedCluster }) => clusterOnly('accept', managedCluster, 'Accepts the cluster (clusteradm accept).'),

  /** The real `clusteradm accept`, after its CSR and ManagedCluster exist. */
  async execute(step, { lab, timeoutMs, signal }) {
    const seenBefore = await acceptCluster(lab.hub(), step.cluster, {
      clusteradm: lab.tool('clusteradm'),
      managed: lab.client(step.cluster),
      timeoutMs,
      beforeHubAccepts: lab.beforeHubAccepts(step.cluster),
      signal,
    });
    const seenAfter = await lab.accepted(step.cluster, signal);
    return [`clusteradm accept --clusters ${step.cluster}`, seenBefore, seenAfter].filter(Boolean).join('; ');
  },
});
