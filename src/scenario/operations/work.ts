import type { KubernetesObject } from '@kubernetes/client-node';
import { z } from 'zod';
import { evenIfFieldsFailed, hasExactlyOne, oneKeyOf } from '../../config/schema-fields.js';
import { quotedValue } from '../../config/schema-issues.js';
import type { ScenarioLab } from '../step-context.js';
import type { KubeObject, StepBase } from '../types.js';
import { kubeName } from './fields.js';
import { ONE_OBJECT_SOURCE, ONE_OBJECT_SOURCE_META, objectsOf } from './object-sources.js';
import { defineOperation } from './operation.js';

const PLACEMENT = /^[a-z0-9-]+\/[a-z0-9.-]+$/;
const WORK_TARGETS = ['to', 'placement'] as const;
const PLACEMENT_DECISION = { apiVersion: 'cluster.open-cluster-management.io/v1beta1', kind: 'PlacementDecision' } as const;
const PLACEMENT_LABEL = 'cluster.open-cluster-management.io/placement';

export interface WorkStep extends StepBase {
  op: 'work';
  workName: string;
  to?: string;
  placement?: string;
  manifests: KubeObject[];
}

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

export const workOperation = defineOperation<WorkStep>({
  name: 'work',
  schema: ({ managedCluster, objectSources }) =>
    z
      .strictObject({
        name: kubeName('Name of the ManifestWork.', 'subdomain'),
        to: managedCluster.optional(),
        placement: z
          .string()
          .regex(PLACEMENT, { error: (issue) => `must be "namespace/name", got ${quotedValue(issue.input)}` })
          .meta({ description: 'A Placement as namespace/name: one ManifestWork per cluster it has decided on.' })
          .optional(),
        ...objectSources,
      })
      .refine(hasExactlyOne(WORK_TARGETS), { error: 'needs exactly one of "to" (a managed cluster) or "placement" (namespace/name)', ...evenIfFieldsFailed })
      .refine(...ONE_OBJECT_SOURCE)
      .meta({
        description: 'Creates a ManifestWork holding the manifests, for one cluster (to) or for a Placement\'s decisions (placement).',
        allOf: [oneKeyOf(WORK_TARGETS), ONE_OBJECT_SOURCE_META],
      })
      .transform((fields) => ({ op: 'work' as const, workName: fields.name, to: fields.to, placement: fields.placement, manifests: objectsOf(fields) })),

  /**
   * Sends manifests as a ManifestWork: to one cluster, or (like `clusteradm create work --placement`)
   * one ManifestWork to each cluster the Placement has decided on, once.
   */
  async execute(step, { lab, timeoutMs, signal }) {
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
  },
});
