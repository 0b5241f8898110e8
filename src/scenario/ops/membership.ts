import { acceptCluster } from '../../ocm/accept.js';
import { managedClusterRef } from '../../ocm/resources.js';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/** The real `clusteradm accept`, after its CSR and ManagedCluster exist. */
export const accept: StepExecutor<Extract<Step, { op: 'accept' }>> = async (step, { lab, timeoutMs, signal }) => {
  await acceptCluster(lab.hub(), step.cluster, {
    clusteradm: lab.tool('clusteradm'),
    hubKubeconfig: lab.cluster(lab.hubName).kubeconfig,
    timeoutMs,
    signal,
  });
  return `clusteradm accept --clusters ${step.cluster}`;
};

/** Joins the cluster afresh; afterwards its CSR is pending and the hub has not accepted it. */
export const join: StepExecutor<Extract<Step, { op: 'join' }>> = async (step, { lab, timeoutMs, signal }) => {
  await lab.rejoin(step.cluster, signal);
  // The new ManagedCluster starts bare: give it the config's labels and sets again, as `up` does.
  await lab.hub().waitFor(managedClusterRef(step.cluster), (found) => (found.length ? true : undefined), {
    timeoutMs,
    description: `ManagedCluster ${step.cluster} to be created by its agent`,
    signal,
  });
  await lab.relabel(step.cluster, signal);
  return `${step.cluster} is joining the hub afresh`;
};
