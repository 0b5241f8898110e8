import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import type { ClusterHandle } from '../../providers/provider.js';
import type { ComponentStatus } from '../installer.js';

/** Where clusteradm's operators and the OCM pods they deploy run, by cluster role. */
export const OCM_NAMESPACES = {
  hub: ['open-cluster-management', 'open-cluster-management-hub'],
  managed: ['open-cluster-management', 'open-cluster-management-agent'],
} as const;

interface Pod extends KubernetesObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/** A pod is healthy when it runs and is Ready; one that runs but is not Ready is unhealthy. */
export function podHealth(pod: Pod): ComponentStatus['health'] {
  if (pod.status?.phase !== 'Running') return 'stopped';
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'healthy' : 'unhealthy';
}

/** Every OCM pod of every cluster (operators and what they deploy), as components with their health. */
export async function operatorPods(clusters: ClusterHandle[], signal?: AbortSignal): Promise<ComponentStatus[]> {
  const perCluster = await Promise.all(
    clusters.map(async (cluster): Promise<ComponentStatus[]> => {
      const client = new ClusterClient(cluster.name, cluster.kubeconfig);
      try {
        const pods = (await Promise.all(OCM_NAMESPACES[cluster.role].map((namespace) => client.list<Pod>({ ...POD, namespace }, undefined, signal)))).flat();
        if (!pods.length) return [{ id: `${cluster.name}/ocm`, cluster: cluster.name, health: 'stopped' }];
        return pods.map((pod) => ({ id: `${cluster.name}/${pod.metadata?.namespace}/${pod.metadata?.name}`, cluster: cluster.name, health: podHealth(pod) }));
      } catch (error) {
        return [{ id: `${cluster.name}/ocm (${errorMessage(error).split('\n')[0]})`, cluster: cluster.name, health: 'unhealthy' }];
      }
    }),
  );
  return perCluster.flat();
}
