import type { KubernetesObject } from '@kubernetes/client-node';
import { TimeoutError } from '../../errors.js';
import { formatDuration } from '../duration.js';
import { StepFailure, type StepContext } from '../step-context.js';
import type { WatchStep } from './fields.js';
import { labelSelectorOf, refOf } from './object-ref.js';

/**
 * Watches the objects the step's partial object names until `settled` holds for them. On timeout the step fails
 * with `failure`'s message, given the objects last seen and how long it waited.
 */
export async function watchUntil(
  step: WatchStep<string>,
  { lab, timeoutMs, signal }: StepContext,
  description: string,
  settled: (objects: KubernetesObject[]) => boolean,
  failure: (seen: KubernetesObject[], elapsed: string, error: TimeoutError) => string,
): Promise<void> {
  const started = Date.now();
  let seen: KubernetesObject[] = [];
  try {
    await lab.client(step.cluster).waitFor<KubernetesObject, true>(
      refOf(step.object),
      (objects) => {
        seen = objects;
        return settled(objects) ? true : undefined;
      },
      { timeoutMs, description, labelSelector: labelSelectorOf(step.object), signal },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new StepFailure(failure(seen, formatDuration(Date.now() - started), error));
  }
}
