import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';
import { describeObject } from './object-ref.js';

export const apply: StepExecutor<Extract<Step, { op: 'apply' }>> = async (step, { lab }) => {
  const client = lab.client(step.cluster);
  for (const object of step.objects) await client.apply(object as never);
  return `applied ${step.objects.map(describeObject).join(', ')} on ${step.cluster}`;
};
