// A MutatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA in Kubernetes 1.36) that changes pods as the API
// server admits them, and the server-side dry run that shows what it admits now. A policy takes effect a moment after
// it is stored, so whoever stores one checks with the dry run before relying on it.
import type { KubernetesObject } from '@kubernetes/client-node';
import { KubeApiError } from '../errors.js';
import type { ClusterClient } from './cluster-client.js';

export const ADMISSION_API = 'admissionregistration.k8s.io/v1';

export interface PodMutation {
  /** CEL over the pod (`object`): the policy acts only where it is true. */
  condition: string;
  /** CEL that builds the apply configuration merged into the pod. */
  applyConfiguration: string;
  /** Fail refuses a pod the policy could not change; Ignore admits it unchanged. */
  failurePolicy: 'Fail' | 'Ignore';
}

/** The policy on pod creation, and its binding (cluster-wide), both named `name`. */
export function podMutatingPolicy(name: string, mutation: PodMutation): KubernetesObject[] {
  return [
    {
      apiVersion: ADMISSION_API,
      kind: 'MutatingAdmissionPolicy',
      metadata: { name },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
        matchConditions: [{ name: 'applies', expression: mutation.condition }],
        failurePolicy: mutation.failurePolicy,
        reinvocationPolicy: 'Never',
        mutations: [{ patchType: 'ApplyConfiguration', applyConfiguration: { expression: mutation.applyConfiguration } }],
      },
    } as KubernetesObject,
    { apiVersion: ADMISSION_API, kind: 'MutatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name } } as KubernetesObject,
  ];
}

export interface AdmittedContainer {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  readinessProbe?: { periodSeconds?: number; failureThreshold?: number };
}

/**
 * The first container of a pod of these containers in `default` as the API server admits it now; nothing is stored.
 * The pod runs as `serviceAccount` (default: `default`'s own). Undefined while that ServiceAccount does not exist: the
 * API server refuses every pod (dry runs too) without it, and on a cluster just made the controller-manager makes
 * `default`'s own seconds after the API server serves.
 */
export async function admittedContainer(client: ClusterClient, name: string, containers: object[], signal?: AbortSignal, serviceAccount = 'default'): Promise<AdmittedContainer | undefined> {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { serviceAccountName: serviceAccount, automountServiceAccountToken: false, containers } };
  try {
    const admitted = await client.create<KubernetesObject & { spec?: { containers?: AdmittedContainer[] } }>(pod, signal, { dryRun: true });
    return admitted.spec?.containers?.[0];
  } catch (error) {
    if (error instanceof KubeApiError && error.code === 403 && error.message.includes(`error looking up service account default/${serviceAccount}: `) && /not found/.test(error.message)) return undefined;
    throw error;
  }
}
