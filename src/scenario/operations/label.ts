import { z } from 'zod';
import { managedClusterRef } from '../../ocm/resources.js';
import type { StepBase } from '../types.js';
import { defineOperation } from './operation.js';

export interface LabelStep extends StepBase {
  op: 'label';
  cluster: string;
  labels: Record<string, string | null>;
}

const labelChange = z
  .union([z.string(), z.number(), z.boolean(), z.null()], { error: 'must be a string, or null to remove the label' })
  .transform((value) => (value === null ? null : String(value)));

export const labelOperation = defineOperation<LabelStep>({
  name: 'label',
  schema: ({ managedCluster }) =>
    z
      .strictObject({
        cluster: managedCluster,
        labels: z.record(z.string(), labelChange).meta({ description: 'Labels to set; null removes a label.' }),
      })
      .meta({ description: 'Sets labels on the ManagedCluster.' })
      .transform((fields) => ({ op: 'label' as const, cluster: fields.cluster, labels: fields.labels })),

  /** Sets (or, with null, removes) labels on a ManagedCluster. */
  async execute(step, { lab, signal }) {
    await lab.hub().mergePatch(managedClusterRef(step.cluster), { metadata: { labels: step.labels } }, signal);
    return `labels ${Object.entries(step.labels).map(([k, v]) => (v === null ? `-${k}` : `${k}=${v}`)).join(', ')} on ManagedCluster ${step.cluster}`;
  },
});
