import type { KubernetesObject } from '@kubernetes/client-node';
import type { NamedRef } from '../../kube/cluster-client.js';
import type { ScenarioLab } from '../step-context.js';

const MANIFEST_WORK = { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork' } as const;
/** The conditions of a ManifestWork that say its workload is in place. */
const WORK_CONDITIONS = ['Applied', 'Available'] as const;

interface ResourceMeta {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface ManifestWork extends KubernetesObject {
  status?: { conditions?: { type: string; status: string }[]; resourceStatus?: { manifests?: { resourceMeta?: ResourceMeta }[] } };
}

/** A pod a workload runs: the same uid means not re-created, the same restart count means no container restarted. */
export interface RunningPod {
  name: string;
  uid: string;
  restarts: number;
}

/** One object a ManifestWork put on a managed cluster, as it was when the snapshot was taken. */
export interface AppliedObject {
  cluster: string;
  work: string;
  ref: NamedRef;
  uid: string;
  resourceVersion: string;
  /** The pods it runs (a Deployment's, StatefulSet's or DaemonSet's, or a Pod itself). */
  pods: RunningPod[];
}

/** Kinds whose pods carry every label of `spec.selector.matchLabels`. */
const WORKLOAD_KINDS = new Set(['apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet']);
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

interface Workload extends KubernetesObject {
  spec?: { selector?: { matchLabels?: Record<string, string> } };
  status?: { containerStatuses?: { restartCount?: number }[] };
}

function runningPod(pod: Workload): RunningPod {
  return { name: pod.metadata!.name!, uid: pod.metadata!.uid!, restarts: (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + (c.restartCount ?? 0), 0) };
}

async function podsOf(lab: ScenarioLab, cluster: string, ref: NamedRef, object: Workload, signal?: AbortSignal): Promise<RunningPod[]> {
  if (`${ref.apiVersion}/${ref.kind}` === 'v1/Pod') return [runningPod(object)];
  const labels = Object.entries(object.spec?.selector?.matchLabels ?? {});
  if (!WORKLOAD_KINDS.has(`${ref.apiVersion}/${ref.kind}`) || !labels.length) return [];
  const selector = labels.map(([key, value]) => `${key}=${value}`).join(',');
  return (await lab.client(cluster).list<Workload>({ ...POD, namespace: ref.namespace }, selector, signal)).map(runningPod);
}

/** The lab's workloads at one moment: every ManifestWork's conditions, and every object they applied. */
export interface WorkloadSnapshot {
  works: { cluster: string; name: string; conditions: Record<string, string> }[];
  objects: AppliedObject[];
}

const describe = (o: AppliedObject) => `${o.ref.kind} ${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name} on ${o.cluster} (ManifestWork ${o.work})`;

/** Reads every ManifestWork for the lab's managed clusters on the hub, and each object it reports applied on its cluster. */
export async function takeWorkloadSnapshot(lab: ScenarioLab, signal?: AbortSignal): Promise<WorkloadSnapshot> {
  const works = (await lab.hub().list<ManifestWork>(MANIFEST_WORK, undefined, signal)).filter((w) => lab.managedClusters.includes(w.metadata!.namespace!));
  const objects: AppliedObject[] = [];
  for (const work of works) {
    const cluster = work.metadata!.namespace!;
    for (const { resourceMeta: meta } of work.status?.resourceStatus?.manifests ?? []) {
      if (!meta?.kind || !meta.name || !meta.version) continue;
      const ref: NamedRef = { apiVersion: meta.group ? `${meta.group}/${meta.version}` : meta.version, kind: meta.kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) };
      const object = await lab.client(cluster).read<Workload>(ref, signal);
      if (!object?.metadata?.uid) continue;
      const pods = await podsOf(lab, cluster, ref, object, signal);
      objects.push({ cluster, work: work.metadata!.name!, ref, uid: object.metadata.uid, resourceVersion: object.metadata.resourceVersion ?? '', pods });
    }
  }
  return {
    works: works.map((w) => ({
      cluster: w.metadata!.namespace!,
      name: w.metadata!.name!,
      conditions: Object.fromEntries((w.status?.conditions ?? []).filter((c) => (WORK_CONDITIONS as readonly string[]).includes(c.type)).map((c) => [c.type, c.status])),
    })),
    objects,
  };
}

/**
 * What changed between two snapshots that an upgrade must not change: an applied object deleted, re-created (another
 * uid) or written (another resourceVersion), a pod it ran replaced or restarted, or a ManifestWork that was Applied
 * or Available and no longer is.
 */
export function workloadDisruptions(before: WorkloadSnapshot, after: WorkloadSnapshot): string[] {
  const problems: string[] = [];
  for (const object of before.objects) {
    const now = after.objects.find((o) => o.cluster === object.cluster && o.ref.apiVersion === object.ref.apiVersion && o.ref.kind === object.ref.kind && o.ref.namespace === object.ref.namespace && o.ref.name === object.ref.name);
    if (!now) problems.push(`${describe(object)} is gone`);
    else if (now.uid !== object.uid) problems.push(`${describe(object)} was re-created (uid ${object.uid} → ${now.uid})`);
    else if (now.resourceVersion !== object.resourceVersion) problems.push(`${describe(object)} was written (resourceVersion ${object.resourceVersion} → ${now.resourceVersion})`);
    if (!now || now.uid !== object.uid) continue;
    for (const pod of object.pods) {
      const later = now.pods.find((p) => p.uid === pod.uid);
      if (!later) problems.push(`pod ${pod.name} of ${describe(object)} was replaced`);
      else if (later.restarts > pod.restarts) problems.push(`pod ${pod.name} of ${describe(object)} restarted (restarts ${pod.restarts} → ${later.restarts})`);
    }
  }
  for (const work of before.works) {
    const now = after.works.find((w) => w.cluster === work.cluster && w.name === work.name);
    for (const [type, status] of Object.entries(work.conditions)) {
      if (status !== 'True') continue;
      const current = now?.conditions[type];
      if (current !== 'True') problems.push(`ManifestWork ${work.cluster}/${work.name} was ${type} and is ${now ? `now ${type}=${current ?? 'unset'}` : 'gone'}`);
    }
  }
  return problems;
}
