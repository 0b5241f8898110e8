import type { KubernetesObject } from '@kubernetes/client-node';
import type { ScenarioLab, StepExecutor } from '../step-context.js';
import type { Step } from '../types.js';

const PLACEMENT_DECISION = { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'PlacementDecision' } as const;
const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';

interface PlacementDecision extends KubernetesObject {
  status?: { decisions?: { clusterName: string }[] };
}

/** The clusters a Placement has decided on, once it has decided on at least one (watching its PlacementDecisions). */
export async function decidedClusters(lab: ScenarioLab, placement: string, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  const [namespace, name] = placement.split('/') as [string, string];
  return lab.hub().waitFor<PlacementDecision, string[]>(
    { ...PLACEMENT_DECISION, namespace },
    (decisions) => {
      const clusters = decisions.flatMap((d) => d.status?.decisions?.map((x) => x.clusterName) ?? []).filter(Boolean);
      return clusters.length ? [...new Set(clusters)].sort() : undefined;
    },
    { timeoutMs, labelSelector: `${PLACEMENT_LABEL}=${name}`, description: `Placement ${placement} to decide on at least one cluster`, signal },
  );
}

/**
 * Sends manifests as a ManifestWork: to one cluster, or (like `clusteradm create work --placement`)
 * one ManifestWork to each cluster the Placement has decided on, once.
 */
export const work: StepExecutor<Extract<Step, { op: 'work' }>> = async (step, { lab, timeoutMs, signal }) => {
  const clusters = step.to ? [step.to] : await decidedClusters(lab, step.placement!, timeoutMs, signal);
  for (const cluster of clusters) {
    await lab.hub().apply({
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: { name: step.workName, namespace: cluster },
      spec: { workload: { manifests: step.manifests } },
    } as KubernetesObject, { signal });
  }
  return `ManifestWork ${step.workName} → ${clusters.join(', ')}`;
};
