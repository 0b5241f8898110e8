import type { StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';
import { describeObject, refOf } from './object-ref.js';

/** Deletes the objects and waits (watching) until they are gone. */
export const remove: StepExecutor<Extract<Step, { op: 'delete' }>> = async (step, { lab, timeoutMs, signal }) => {
  const client = lab.client(step.cluster);
  for (const object of step.objects) {
    const ref = refOf(object);
    if (!ref.name) throw new Error(`delete needs metadata.name (${describeObject(object)})`);
    await client.delete({ ...ref, name: ref.name, namespace: ref.namespace ?? (await client.defaultNamespaceFor(ref, signal)) }, signal);
  }
  for (const object of step.objects) {
    const ref = refOf(object);
    await client.waitFor(
      { ...ref, namespace: ref.namespace ?? (await client.defaultNamespaceFor(ref, signal)) },
      (found) => (found.length === 0 ? true : undefined),
      { timeoutMs, description: `${describeObject(object)} to be deleted`, signal },
    );
  }
  return `deleted ${step.objects.map(describeObject).join(', ')} on ${step.cluster}`;
};
