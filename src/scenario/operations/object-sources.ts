import { z } from 'zod';
import { evenIfFieldsFailed, hasExactlyOne, nonEmptyString, oneKeyOf, whenPresent } from '../../config/schema-fields.js';
import type { KubeObject } from '../types.js';
import type { ScenarioContext } from './fields.js';

/** The fields that give apply, delete and work their objects: exactly one of them. */
export const OBJECT_SOURCES = ['file', 'object', 'objects'] as const;

export const kubeObject = z
  .record(z.string(), z.unknown(), { error: whenPresent(() => 'must be a Kubernetes object (a mapping)') })
  .refine((object) => typeof object.apiVersion === 'string' && typeof object.kind === 'string', { error: 'needs apiVersion and kind' })
  .meta({
    description: 'A Kubernetes object; for assert and absent a partial one, matched as a subset.',
    required: ['apiVersion', 'kind'],
    properties: { apiVersion: { type: 'string', description: 'e.g. v1, apps/v1.' }, kind: { type: 'string', description: 'e.g. ConfigMap, Deployment.' } },
  })
  .transform((object) => object as KubeObject);

/** The source fields, `file:` read with the scenario's manifest reader (without one it reads nothing). */
export function objectSourceFields(readManifests: ScenarioContext['readManifests']) {
  const manifestFile = nonEmptyString(
    'A YAML file of Kubernetes objects (one or more documents, at most 1 MiB), relative to the scenario file; it must lie in the project (the folder of the lab config above the scenario, else the scenario\'s folder), outside hidden folders.',
  ).transform((path, ctx) => {
    const file = readManifests?.(path) ?? { objects: [] };
    if ('problem' in file) {
      ctx.issues.push({ code: 'custom', message: file.problem, input: path });
      return [];
    }
    return file.objects.flatMap((object) => {
      const parsed = kubeObject.safeParse(object);
      if (!parsed.success) ctx.issues.push({ code: 'custom', message: parsed.error.issues[0]!.message, input: path });
      return parsed.success ? [parsed.data] : [];
    });
  });
  return {
    file: manifestFile.optional(),
    object: kubeObject.optional(),
    objects: z.array(kubeObject).min(1, { error: 'must list at least one object' }).meta({ description: 'Kubernetes objects (at least one).' }).optional(),
  };
}

/** `.refine(...ONE_OBJECT_SOURCE)`: exactly one source is given (with `ONE_OBJECT_SOURCE_META` in the JSON Schema). */
export const ONE_OBJECT_SOURCE = [
  hasExactlyOne(OBJECT_SOURCES),
  { error: `needs exactly one of ${OBJECT_SOURCES.map((key) => `"${key}"`).join(', ')}`, ...evenIfFieldsFailed },
] as const;

export const ONE_OBJECT_SOURCE_META = oneKeyOf(OBJECT_SOURCES);

/** The objects of whichever source the step gives. */
export function objectsOf(fields: { file?: KubeObject[]; object?: KubeObject; objects?: KubeObject[] }): KubeObject[] {
  return fields.file ?? fields.objects ?? (fields.object ? [fields.object] : []);
}
