import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectRef } from '../kube/cluster-client.js';

export const MANAGED_CLUSTER = { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster' } as const;
export const MANAGED_CLUSTER_SET = { apiVersion: 'cluster.open-cluster-management.io/v1beta2', kind: 'ManagedClusterSet' } as const;
export const CSR = { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest' } as const;

export const CLUSTER_SET_LABEL = 'cluster.open-cluster-management.io/clusterset';
/** Label the registration agent puts on the CSRs it creates. */
export const CSR_CLUSTER_LABEL = 'open-cluster-management.io/cluster-name';

export const CONDITION_ACCEPTED = 'HubAcceptedManagedCluster';
export const CONDITION_JOINED = 'ManagedClusterJoined';
export const CONDITION_AVAILABLE = 'ManagedClusterConditionAvailable';
export const READY_CONDITIONS = [CONDITION_ACCEPTED, CONDITION_JOINED, CONDITION_AVAILABLE] as const;

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ManagedCluster extends KubernetesObject {
  spec?: { hubAcceptsClient?: boolean };
  status?: { conditions?: Condition[] };
}

export interface CertificateSigningRequest extends KubernetesObject {
  spec?: { username?: string; groups?: string[]; signerName?: string; request?: string };
  status?: { conditions?: Condition[]; certificate?: string };
}

export function conditionStatus(object: { status?: { conditions?: Condition[] } } | undefined, type: string): string {
  return object?.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';
}

export function isReady(cluster: ManagedCluster | undefined): boolean {
  return READY_CONDITIONS.every((type) => conditionStatus(cluster, type) === 'True');
}

export function managedClusterRef(name: string): ObjectRef & { name: string } {
  return { ...MANAGED_CLUSTER, name };
}

export function isCsrPending(csr: CertificateSigningRequest): boolean {
  const types = (csr.status?.conditions ?? []).map((c) => c.type);
  return !types.includes('Approved') && !types.includes('Denied') && !types.includes('Failed');
}
