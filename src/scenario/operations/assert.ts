import { closest, formatMismatches, match } from '../matcher.js';
import { watchedObject, type WatchStep } from './fields.js';
import { describeObject } from './object-ref.js';
import { defineOperation } from './operation.js';
import { watchUntil } from './watch-object.js';

export type AssertStep = WatchStep<'assert'>;

export const assertOperation = defineOperation<AssertStep>({
  name: 'assert',
  schema: ({ anyCluster }) => watchedObject('assert', anyCluster, { description: 'Waits until some object matches the partial object.', timeout: 'How long to wait for a match.' }),

  /**
   * Waits (watching) until an object on the cluster matches the partial expectation. On timeout the
   * failure names the field that differs in the closest candidate, with expected and actual values.
   */
  async execute(step, ctx) {
    const what = describeObject(step.object);
    await watchUntil(
      step,
      ctx,
      what,
      (objects) => objects.some((o) => match(step.object, o).length === 0),
      (candidates, elapsed, error) => {
        const { candidate, mismatches } = closest(step.object, candidates);
        const detail = candidate ? `closest: ${describeObject(candidate as never)}\n${formatMismatches(mismatches)}` : `no ${what} found (${error.message})`;
        return `assert failed on cluster ${step.cluster} after ${elapsed}: ${what} does not match\n${detail}`;
      },
    );
    return `${what} matches on ${step.cluster}`;
  },
});
