import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nonEmptyString } from '../../config/schema-fields.js';
import { KubeApiError } from '../../errors.js';
import { gateEnabled, HUB_FEATURE_GATES, HUB_GATED_KINDS, type FeatureGates } from '../../ocm/feature-gates.js';
import { StepFailure } from '../step-context.js';
import type { KubeObject, StepBase } from '../types.js';
import { ONE_OBJECT_SOURCE, ONE_OBJECT_SOURCE_META, objectsOf } from './object-sources.js';
import { describeObject } from './object-ref.js';
import { defineOperation } from './operation.js';

export interface ApplyStep extends StepBase {
  op: 'apply';
  cluster: string;
  objects: KubeObject[];
  expectError?: string;
}

/**
 * Server-side apply with a field manager of this step's own: a later step that applies part of the
 * same object merges into it instead of taking away the fields this step set (same manager = same owner).
 */
export function stepFieldManager(step: StepBase): string {
  const id = createHash('sha256').update(`${step.source.file}:${step.source.line}`).digest('hex').slice(0, 12);
  return `ocm-lab-step-${id}`;
}

/** A hub gate the step's objects need and the lab leaves off. */
function missingGate(step: ApplyStep, gates: FeatureGates): string | undefined {
  if (step.expectError !== undefined) return undefined;
  for (const object of step.objects) {
    const needs = typeof object.kind === 'string' ? HUB_GATED_KINDS[object.kind] : undefined;
    if (needs && String(object.apiVersion).startsWith(`${needs.apiGroup}/`) && !gateEnabled(HUB_FEATURE_GATES, needs.component, needs.gate, gates)) {
      return `applies a ${object.kind}, which the hub acts on only with the feature gate ${needs.gate}: set ocm.featureGates.${needs.gate}: true in the lab config`;
    }
  }
  return undefined;
}

export const applyOperation = defineOperation<ApplyStep>({
  name: 'apply',
  schema: ({ anyCluster, objectSources }) =>
    z
      .strictObject({
        cluster: anyCluster,
        ...objectSources,
        expectError: nonEmptyString(
          'The API server must refuse every object (e.g. an admission webhook denies it) with a message containing this text; the step fails if one is accepted.',
        ).optional(),
      })
      .refine(...ONE_OBJECT_SOURCE)
      .meta({ description: 'Server-side apply of Kubernetes objects (one of file, object, objects).', ...ONE_OBJECT_SOURCE_META })
      .transform((fields) => ({ op: 'apply' as const, cluster: fields.cluster, objects: objectsOf(fields), expectError: fields.expectError })),

  async execute(step, { lab, signal }) {
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
  },

  needs: (step, caps) => missingGate(step, caps.hubFeatureGates),
});
