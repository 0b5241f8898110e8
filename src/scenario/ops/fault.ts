import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

/** Stops or starts a managed cluster's control plane or its klusterlet agent. */
export const fault: StepExecutor<Extract<Step, { op: 'fault' }>> = async (step, { lab, signal }) => {
  await lab.fault(step.cluster, step.target, step.action, signal);
  return `${step.action === 'stop' ? 'stopped' : 'started'} the ${step.target === 'controlPlane' ? 'control plane' : 'klusterlet agent'} of ${step.cluster}`;
};
