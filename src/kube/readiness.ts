import type { KubernetesObject } from '@kubernetes/client-node';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Workload extends KubernetesObject {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    readyReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    conditions?: Condition[];
  };
}

/** Whether an object does what it was applied for yet: ready, still on its way (with where it stands), or failed for good. */
export type Readiness = { state: 'ready' } | { state: 'pending'; detail: string } | { state: 'failed'; detail: string };

const READY: Readiness = { state: 'ready' };
const pending = (detail: string): Readiness => ({ state: 'pending', detail });

function observed(object: Workload): boolean {
  return (object.status?.observedGeneration ?? 0) >= (object.metadata?.generation ?? 1);
}

/** A Deployment whose every replica runs its current template and is available, with no old pod left. */
export function deploymentRolledOut(deployment: Workload): boolean {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return observed(deployment) && (status.updatedReplicas ?? 0) === wanted && (status.availableReplicas ?? 0) === wanted && (status.replicas ?? 0) === wanted;
}

/**
 * Readiness as `kubectl rollout status` and `kubectl wait` judge it: Deployments, StatefulSets and DaemonSets rolled
 * out, Jobs complete (a failed Job fails), CRDs established. Any other object is ready once it exists.
 */
export function readinessOf(object: KubernetesObject): Readiness {
  const workload = object as Workload;
  const status = workload.status ?? {};
  const condition = (type: string) => status.conditions?.find((c) => c.type === type && c.status === 'True');
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      return deploymentRolledOut(workload) ? READY : pending(`${status.availableReplicas ?? 0}/${workload.spec?.replicas ?? 1} available`);
    case 'apps/v1/StatefulSet': {
      const wanted = workload.spec?.replicas ?? 1;
      const done = observed(workload) && (status.readyReplicas ?? 0) === wanted && (status.updatedReplicas ?? 0) === wanted && status.currentRevision === status.updateRevision;
      return done ? READY : pending(`${status.readyReplicas ?? 0}/${wanted} ready`);
    }
    case 'apps/v1/DaemonSet': {
      const wanted = status.desiredNumberScheduled ?? 0;
      const done = observed(workload) && (status.numberReady ?? 0) === wanted && (status.updatedNumberScheduled ?? 0) === wanted;
      return done ? READY : pending(`${status.numberReady ?? 0}/${wanted} ready`);
    }
    case 'batch/v1/Job': {
      const failed = condition('Failed');
      if (failed) return { state: 'failed', detail: `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
      return condition('Complete') ? READY : pending('not complete');
    }
    case 'apiextensions.k8s.io/v1/CustomResourceDefinition':
      return condition('Established') ? READY : pending('not established');
    default:
      return READY;
  }
}
