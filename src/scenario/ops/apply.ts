import { createHash } from 'node:crypto';
import { KubeApiError } from '../../errors.js';
import { StepFailure, type StepExecutor } from '../step-context.js';
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
  // The schema refuses an empty list; a step built otherwise must not pass (with expectError) having applied nothing.
  if (!step.objects.length) throw new StepFailure('the step lists no objects to apply');
  const client = lab.client(step.cluster);
  const fieldManager = stepFieldManager(step);
  if (step.expectError === undefined) {
    for (const object of step.objects) await client.apply(object as never, { fieldManager, signal });
    return `applied ${step.objects.map(describeObject).join(', ')} on ${step.cluster}`;
  }
  const refusals: string[] = [];
  for (const object of step.objects) {
    const refusal = await client.apply(object as never, { fieldManager, signal }).then(
      () => undefined,
      (error: unknown) => {
        if (!(error instanceof KubeApiError)) throw error;
        return error.message;
      },
    );
    if (refusal === undefined) throw new StepFailure(`${describeObject(object)} was accepted on ${step.cluster}; expected an error containing ${JSON.stringify(step.expectError)}`);
    if (!refusal.includes(step.expectError)) {
      throw new StepFailure(`${describeObject(object)} was refused on ${step.cluster}, but not as expected:\n  expected an error containing ${JSON.stringify(step.expectError)}\n  got: ${refusal}`);
    }
    refusals.push(refusal);
  }
  return `refused as expected on ${step.cluster}: ${refusals.join('; ')}`;
};
