import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-client.js';

/** Where a klusterlet's registration agent keeps the hub credentials its approved CSR gave it (Default mode). */
export const HUB_KUBECONFIG_SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: 'open-cluster-management-agent', name: 'hub-kubeconfig-secret' };

/**
 * Whether the cluster's agent holds hub credentials. One that does not is bootstrapping: it asks the hub with a new
 * CSR, which someone must approve even when the hub still shows the cluster accepted and available (its old agent's
 * lease outlives that agent by minutes).
 */
export async function agentHasHubCredentials(managed: ClusterClient, signal?: AbortSignal): Promise<boolean> {
  return hasHubCredentials(await managed.read<KubernetesObject & { data?: Record<string, string> }>(HUB_KUBECONFIG_SECRET, signal));
}

export function hasHubCredentials(secret: (KubernetesObject & { data?: Record<string, string> }) | undefined): boolean {
  return !!secret?.data?.kubeconfig;
}
