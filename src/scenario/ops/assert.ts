import type { KubernetesObject } from '@kubernetes/client-node';
import { TimeoutError } from '../../errors.js';
import { formatDuration } from '../duration.js';
import { closest, formatMismatches, match } from '../matcher.js';
import { StepFailure, type StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';
import { describeObject, labelSelectorOf, refOf } from './object-ref.js';

/**
 * Waits (watching) until an object on the cluster matches the partial expectation. On timeout the
 * failure names the field that differs in the closest candidate, with expected and actual values.
 */
export const assert: StepExecutor<Extract<Step, { op: 'assert' }>> = async (step, { lab, timeoutMs, signal }) => {
  const started = Date.now();
  let candidates: KubernetesObject[] = [];
  try {
    await lab.client(step.cluster).waitFor<KubernetesObject, true>(
      refOf(step.object),
      (objects) => {
        candidates = objects;
        return objects.some((o) => match(step.object, o).length === 0) ? true : undefined;
      },
      { timeoutMs, description: describeObject(step.object), labelSelector: labelSelectorOf(step.object), signal },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const elapsed = formatDuration(Date.now() - started);
    const { candidate, mismatches } = closest(step.object, candidates);
    const what = describeObject(step.object);
    const detail = candidate
      ? `closest: ${describeObject(candidate as never)}\n${formatMismatches(mismatches)}`
      : `no ${what} found (${error.message})`;
    throw new StepFailure(`assert failed on cluster ${step.cluster} after ${elapsed}: ${what} does not match\n${detail}`);
  }
  return `${describeObject(step.object)} matches on ${step.cluster}`;
};

export const absent: StepExecutor<Extract<Step, { op: 'absent' }>> = async (step, { lab, timeoutMs, signal }) => {
  const started = Date.now();
  let matching: KubernetesObject[] = [];
  try {
    await lab.client(step.cluster).waitFor<KubernetesObject, true>(
      refOf(step.object),
      (objects) => {
        matching = objects.filter((o) => match(step.object, o).length === 0);
        return matching.length === 0 ? true : undefined;
      },
      { timeoutMs, description: `no ${describeObject(step.object)}`, labelSelector: labelSelectorOf(step.object), signal },
    );
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new StepFailure(
      `absent failed on cluster ${step.cluster} after ${formatDuration(Date.now() - started)}: still present: ${matching.map((o) => describeObject(o as never)).join(', ')}`,
    );
  }
  return `no ${describeObject(step.object)} on ${step.cluster}`;
};
