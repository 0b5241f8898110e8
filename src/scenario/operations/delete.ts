import { z } from 'zod';
import type { KubeObject, StepBase } from '../types.js';
import { stepTimeout } from './fields.js';
import { ONE_OBJECT_SOURCE, ONE_OBJECT_SOURCE_META, objectsOf } from './object-sources.js';
import { describeObject, refOf } from './object-ref.js';
import { defineOperation } from './operation.js';

export interface DeleteStep extends StepBase {
  op: 'delete';
  cluster: string;
  objects: KubeObject[];
}

export const deleteOperation = defineOperation<DeleteStep>({
  name: 'delete',
  schema: ({ anyCluster, objectSources }) =>
    z
      .strictObject({
        cluster: anyCluster,
        object: objectSources.object,
        objects: objectSources.objects,
        file: objectSources.file,
        timeout: stepTimeout('How long to wait until the objects are gone.'),
      })
      .refine(...ONE_OBJECT_SOURCE)
      .meta({ description: 'Deletes Kubernetes objects and waits until they are gone (one of object, objects, file).', ...ONE_OBJECT_SOURCE_META })
      .transform((fields) => ({ op: 'delete' as const, cluster: fields.cluster, objects: objectsOf(fields), timeoutMs: fields.timeout })),

  /** Deletes the objects and waits (watching) until they are gone. */
  async execute(step, { lab, timeoutMs, signal }) {
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
  },
});
