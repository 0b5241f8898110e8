import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/** Stops or starts a managed cluster's control plane (the provider) or its klusterlet agent (the installer). */
export const fault: StepExecutor<Extract<Step, { op: 'fault' }>> = async (step, { lab }) => {
  const { provider, installer } = lab.parts;
  const cluster = lab.cluster(step.cluster);
  if (step.target === 'controlPlane') {
    await (step.action === 'stop' ? provider.stop(step.cluster) : provider.start(step.cluster));
  } else if (step.action === 'stop') {
    await installer.stopAgent(cluster);
  } else {
    await installer.startAgent(cluster, lab.hubInfo());
  }
  return `${step.action === 'stop' ? 'stopped' : 'started'} the ${step.target === 'controlPlane' ? 'control plane' : 'klusterlet agent'} of ${step.cluster}`;
};
