import { createHash } from 'node:crypto';
import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';
import { describeObject } from './object-ref.js';

/**
 * Server-side apply with a field manager of this step's own: a later step that applies part of the
 * same object merges into it instead of taking away the fields this step set (same manager = same owner).
 */
export function stepFieldManager(step: Step): string {
  const id = createHash('sha256').update(`${step.source.file}:${step.source.line}`).digest('hex').slice(0, 12);
  return `ocm-lab-step-${id}`;
}

export const apply: StepExecutor<Extract<Step, { op: 'apply' }>> = async (step, { lab, signal }) => {
  const client = lab.client(step.cluster);
  for (const object of step.objects) await client.apply(object as never, { fieldManager: stepFieldManager(step), signal });
  return `applied ${step.objects.map(describeObject).join(', ')} on ${step.cluster}`;
};
