import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import type { ClusterHandle } from '../../providers/provider.js';
import type { ComponentStatus } from '../installer.js';

/** Where clusteradm's operators and the OCM Deployments they make run, by cluster role. */
export const OCM_NAMESPACES = {
  hub: ['open-cluster-management', 'open-cluster-management-hub'],
  managed: ['open-cluster-management', 'open-cluster-management-agent'],
} as const;

export interface Deployment extends KubernetesObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

/**
 * A component works when its Deployment has as many available replicas as it asks for. The operators
 * roll their agents' Deployments (a new hub kubeconfig, a changed image), and a rollout keeps the old
 * pod serving until the new one is Ready, so a not-yet-Ready pod of a rollout is not a broken component.
 */
export function deploymentHealth(deployment: Deployment): ComponentStatus['health'] {
  const wanted = deployment.spec?.replicas ?? 1;
  const available = deployment.status?.availableReplicas ?? 0;
  if (wanted === 0) return 'stopped';
  if (available >= wanted) return 'healthy';
  return (deployment.status?.replicas ?? 0) > 0 ? 'unhealthy' : 'stopped';
}

/** Every OCM Deployment of every cluster (the operators and what they deploy), as components with their health. */
export async function operatorDeployments(clusters: ClusterHandle[], signal?: AbortSignal): Promise<ComponentStatus[]> {
  const perCluster = await Promise.all(
    clusters.map(async (cluster): Promise<ComponentStatus[]> => {
      const client = new ClusterClient(cluster.name, cluster.kubeconfig);
      try {
        const lists = await Promise.all(OCM_NAMESPACES[cluster.role].map((namespace) => client.list<Deployment>({ ...DEPLOYMENT, namespace }, undefined, signal)));
        const deployments = lists.flat();
        if (!deployments.length) return [{ id: `${cluster.name}/ocm`, cluster: cluster.name, health: 'stopped' }];
        return deployments.map((d) => ({
          id: `${cluster.name}/${d.metadata?.namespace}/${d.metadata?.name}`,
          cluster: cluster.name,
          health: deploymentHealth(d),
          detail: `${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available`,
        }));
      } catch (error) {
        return [{ id: `${cluster.name}/ocm (${errorMessage(error).split('\n')[0]})`, cluster: cluster.name, health: 'unhealthy' }];
      }
    }),
  );
  return perCluster.flat();
}
