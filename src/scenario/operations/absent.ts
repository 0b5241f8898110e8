import type { KubernetesObject } from '@kubernetes/client-node';
import { match } from '../matcher.js';
import { watchedObject, type WatchStep } from './fields.js';
import { describeObject } from './object-ref.js';
import { defineOperation } from './operation.js';
import { watchUntil } from './watch-object.js';

export type AbsentStep = WatchStep<'absent'>;

export const absentOperation = defineOperation<AbsentStep>({
  name: 'absent',
  schema: ({ anyCluster }) =>
    watchedObject('absent', anyCluster, { description: 'Waits until no object matches the partial object.', timeout: 'How long to wait until nothing matches.' }),

  /** Waits (watching) until no object on the cluster matches the partial object; on timeout names those that still do. */
  async execute(step, ctx) {
    const matching = (objects: KubernetesObject[]) => objects.filter((o) => match(step.object, o).length === 0);
    await watchUntil(
      step,
      ctx,
      `no ${describeObject(step.object)}`,
      (objects) => matching(objects).length === 0,
      (seen, elapsed) => `absent failed on cluster ${step.cluster} after ${elapsed}: still present: ${matching(seen).map((o) => describeObject(o as never)).join(', ')}`,
    );
    return `no ${describeObject(step.object)} on ${step.cluster}`;
  },
});
