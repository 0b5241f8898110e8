import { managedClusterRef } from '../../ocm/resources.js';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/** Sets (or, with null, removes) labels on a ManagedCluster. */
export const label: StepExecutor<Extract<Step, { op: 'label' }>> = async (step, { lab, signal }) => {
  await lab.hub().mergePatch(managedClusterRef(step.cluster), { metadata: { labels: step.labels } }, signal);
  return `labels ${Object.entries(step.labels).map(([k, v]) => (v === null ? `-${k}` : `${k}=${v}`)).join(', ')} on ManagedCluster ${step.cluster}`;
};
