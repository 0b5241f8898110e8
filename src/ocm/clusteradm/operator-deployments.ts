import type { KubernetesObject } from '@kubernetes/client-node';
import { errorMessage } from '../../errors.js';
import { ClusterClient } from '../../kube/cluster-client.js';
import type { ClusterHandle } from '../../providers/provider.js';
import type { ComponentStatus, PodStatus } from '../installer.js';

/** Where clusteradm's operators and the OCM Deployments they make run, by cluster role. */
export const OCM_NAMESPACES = {
  hub: ['open-cluster-management', 'open-cluster-management-hub'],
  managed: ['open-cluster-management', 'open-cluster-management-agent'],
} as const;

export interface Deployment extends KubernetesObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> }; template?: { spec?: { containers?: { name: string; image?: string }[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

interface Pod extends KubernetesObject {
  status?: { phase?: string; containerStatuses?: { ready?: boolean; restartCount?: number }[] };
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
/** Where OCM's images come from, whichever release. */
export const OCM_IMAGE_PREFIX = 'quay.io/open-cluster-management/';
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

export function podStatus(pod: Pod): PodStatus {
  const containers = pod.status?.containerStatuses ?? [];
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase ?? 'Unknown',
    ready: `${containers.filter((c) => c.ready).length}/${containers.length}`,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
    ...(pod.metadata?.deletionTimestamp ? { terminating: true as const } : {}),
  };
}

/** The pods of a Deployment: those in its namespace that carry every label of its selector. */
export function podsOf(deployment: Deployment, pods: Pod[]): Pod[] {
  const selector = Object.entries(deployment.spec?.selector?.matchLabels ?? {});
  if (!selector.length) return [];
  return pods.filter(
    (pod) => pod.metadata?.namespace === deployment.metadata?.namespace && selector.every(([key, value]) => pod.metadata?.labels?.[key] === value),
  );
}

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

/** The OCM release a Deployment runs: the tag of its OCM image (undefined for none, or images of mixed releases). */
export function ocmReleaseOf(deployment: Deployment): string | undefined {
  const tags = new Set(
    (deployment.spec?.template?.spec?.containers ?? [])
      .map((c) => c.image ?? '')
      .filter((image) => image.startsWith(OCM_IMAGE_PREFIX))
      .map((image) => image.slice(image.lastIndexOf(':') + 1)),
  );
  return tags.size === 1 ? [...tags][0] : undefined;
}

/** Every OCM Deployment of every cluster (the operators and what they deploy), as components with their health. */
export async function operatorDeployments(clusters: ClusterHandle[], signal?: AbortSignal): Promise<ComponentStatus[]> {
  const perCluster = await Promise.all(
    clusters.map(async (cluster): Promise<ComponentStatus[]> => {
      const client = ClusterClient.of(cluster);
      try {
        const namespaces = OCM_NAMESPACES[cluster.role];
        const listAll = <T extends KubernetesObject>(ref: typeof DEPLOYMENT | typeof POD) =>
          Promise.all(namespaces.map((namespace) => client.list<T>({ ...ref, namespace }, undefined, signal))).then((lists) => lists.flat());
        const [deployments, pods] = await Promise.all([listAll<Deployment>(DEPLOYMENT), listAll<Pod>(POD)]);
        if (!deployments.length) return [{ id: `${cluster.name}/ocm`, cluster: cluster.name, health: 'stopped' }];
        return deployments.map((d) => ({
          id: `${cluster.name}/${d.metadata?.namespace}/${d.metadata?.name}`,
          cluster: cluster.name,
          health: deploymentHealth(d),
          ...(ocmReleaseOf(d) ? { version: ocmReleaseOf(d) } : {}),
          detail: `${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available`,
          pods: podsOf(d, pods).map(podStatus),
        }));
      } catch (error) {
        return [{ id: `${cluster.name}/ocm (${errorMessage(error).split('\n')[0]})`, cluster: cluster.name, health: 'unhealthy' }];
      }
    }),
  );
  return perCluster.flat();
}
