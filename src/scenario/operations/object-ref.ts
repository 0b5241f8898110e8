import type { ObjectRef } from '../../kube/cluster-client.js';
import type { KubeObject } from '../types.js';

export function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion!, kind: object.kind!, namespace: object.metadata?.namespace, name: object.metadata?.name };
}

/**
 * Label selector from an expected object's metadata.labels, used only when the object has no name:
 * a named object is read as is, so its labels are compared (and reported) like any other field.
 */
export function labelSelectorOf(object: KubeObject): string | undefined {
  if (object.metadata?.name) return undefined;
  const labels = object.metadata?.labels;
  return labels && Object.keys(labels).length ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

export function describeObject(object: KubeObject): string {
  const ns = object.metadata?.namespace;
  const name = object.metadata?.name;
  return `${object.kind}${name ? ` ${ns ? `${ns}/` : ''}${name}` : ns ? ` in ${ns}` : ''}`;
}
