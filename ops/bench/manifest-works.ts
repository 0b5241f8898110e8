// The scale benchmark's workload: small ManifestWorks (a Namespace and a ConfigMap in it each), applied on the hub
// in parallel, and the wait until every one is Applied and Available.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../../src/kube/cluster-client.js';
import { conditionStatus, type Condition } from '../../src/ocm/resources.js';
import { sleep } from '../../src/process/abort.js';

export const MANIFEST_WORK = { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork' } as const;
/** Marks the benchmark's works, so the wait lists only them. */
export const BENCH_LABEL = 'ocm-lab.bench/scale';

interface ManifestWork extends KubernetesObject {
  status?: { conditions?: Condition[] };
}

/** Work `index` of a cluster: its own namespace on the managed cluster, one ConfigMap in it. */
export function benchWork(cluster: string, index: number): ManifestWork {
  const name = `bench-${String(index).padStart(3, '0')}`;
  return {
    ...MANIFEST_WORK,
    metadata: { name, namespace: cluster, labels: { [BENCH_LABEL]: 'true' } },
    spec: {
      workload: {
        manifests: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'payload', namespace: name }, data: { cluster, index: String(index) } },
        ],
      },
    },
  } as ManifestWork;
}

/** Runs `task` on every item, at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Server-side applies `perCluster` works into each cluster's namespace on the hub; returns how many. */
export async function applyWorks(hub: ClusterClient, clusters: string[], perCluster: number, options: { concurrency?: number; signal?: AbortSignal } = {}): Promise<number> {
  const works = clusters.flatMap((cluster) => Array.from({ length: perCluster }, (_, i) => benchWork(cluster, i + 1)));
  await inParallel(works, options.concurrency ?? 32, (work) => hub.apply(work, { signal: options.signal }));
  return works.length;
}

export function isAvailable(work: ManifestWork): boolean {
  return conditionStatus(work, 'Applied') === 'True' && conditionStatus(work, 'Available') === 'True';
}

/**
 * Lists the benchmark's works every `intervalMs` until `expected` of them are Applied and Available. `onProgress`
 * hears the count after each list. Throws with the count reached when `timeoutMs` runs out.
 */
export async function waitAllAvailable(
  hub: ClusterClient,
  expected: number,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; onProgress?: (available: number) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let available = 0;
  while (Date.now() < deadline) {
    const works = await hub.list<ManifestWork>(MANIFEST_WORK, `${BENCH_LABEL}=true`, options.signal);
    available = works.filter(isAvailable).length;
    options.onProgress?.(available);
    if (available >= expected) return;
    await sleep(options.intervalMs ?? 2000, options.signal);
  }
  throw new Error(`only ${available} of ${expected} ManifestWorks were Applied and Available after ${Math.round(options.timeoutMs / 1000)}s`);
}
