// The scale benchmark's workload: small ManifestWorks (a Namespace and a ConfigMap in it each), applied on the hub
// in parallel, and the wait until every one is Applied and Available.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../../src/kube/cluster-client.js';
import { conditionStatus, type Condition } from '../../src/ocm/resources.js';
import { KubeApiError, TimeoutError } from '../../src/errors.js';
import { pollUntil, type Clock } from '../../src/process/poll.js';

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

/**
 * Runs `task` on every item, at most `limit` at a time; with `perSecond`, item i starts no sooner than i / perSecond
 * seconds after the first.
 */
async function inParallel<T>(items: T[], options: { limit: number; perSecond?: number; signal?: AbortSignal }, task: (item: T) => Promise<unknown>): Promise<void> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const turn = options.perSecond ? started + (index / options.perSecond) * 1000 : 0;
      // A timer may fire a little early (it counts from the event loop's cached time): sleep until the turn has come.
      for (let wait = turn - performance.now(); wait > 0; wait = turn - performance.now()) await sleep(Math.ceil(wait), undefined, { signal: options.signal });
      await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.limit, items.length) }, worker));
}

/** What an overloaded API server answers (too many requests, a request that timed out inside it): worth asking again. */
const BUSY = new Set([429, 500, 503, 504]);
const BUSY_RETRY_MS = 120_000;

/** A request the hub did not answer in time, or whose connection it dropped. */
const NO_ANSWER = new Set(['ETIMEDOUT', 'ECONNRESET']);

/**
 * Whether an apply failed because the hub was too busy to answer it: a busy status, or no answer at all (hub + 50 at
 * load 35-55: a PATCH that got none within the client's 60 s). Asking again is safe: a server-side apply is idempotent.
 */
function hubWasBusy(error: unknown): boolean {
  if (error instanceof KubeApiError) return BUSY.has(error.code);
  return NO_ANSWER.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** Server-side applies `work`, asked again for up to 2 min while the hub is too busy to take it. */
export async function applyWhenBusy(hub: Pick<ClusterClient, 'apply'>, work: ManifestWork, options: { signal?: AbortSignal; clock?: Clock } = {}): Promise<void> {
  const { signal, clock } = options;
  const attempt = async () => {
    try {
      await hub.apply(work, { signal });
      return undefined;
    } catch (error) {
      signal?.throwIfAborted();
      if (hubWasBusy(error)) return error;
      throw error;
    }
  };
  const result = await pollUntil(attempt, (error) => error === undefined, { timeoutMs: BUSY_RETRY_MS, intervalMs: 2000, signal, clock });
  if (!result.done) throw result.value;
}

/**
 * Server-side applies `perCluster` works into each cluster's namespace on the hub, round the clusters (every cluster's
 * first work, then every second one, ...), at most `concurrency` at once and, with `perSecond`, no faster; returns how many.
 */
export async function applyWorks(
  hub: Pick<ClusterClient, 'apply'>,
  clusters: string[],
  perCluster: number,
  options: { concurrency?: number; perSecond?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const works = Array.from({ length: perCluster }, (_, i) => clusters.map((cluster) => benchWork(cluster, i + 1))).flat();
  await inParallel(works, { limit: options.concurrency ?? 32, perSecond: options.perSecond, signal: options.signal }, (work) => applyWhenBusy(hub, work, { signal: options.signal }));
  return works.length;
}

export function isAvailable(work: ManifestWork): boolean {
  return conditionStatus(work, 'Applied') === 'True' && conditionStatus(work, 'Available') === 'True';
}

/**
 * Watches the benchmark's works until `expected` of them are Applied and Available (a LIST of thousands every few
 * seconds is what a loaded hub answered with a stream error). `onProgress` hears the count whenever it changes.
 * Throws with the count reached when `timeoutMs` runs out.
 */
export async function waitAllAvailable(
  hub: ClusterClient,
  expected: number,
  options: { timeoutMs: number; signal?: AbortSignal; onProgress?: (available: number) => void },
): Promise<void> {
  let available = 0;
  // The watch hands over every work at each of its ~20,000 events, and only the changed one is a new object.
  const seen = new WeakMap<ManifestWork, boolean>();
  const availableNow = (work: ManifestWork) => {
    let value = seen.get(work);
    if (value === undefined) seen.set(work, (value = isAvailable(work)));
    return value;
  };
  try {
    await hub.waitFor<ManifestWork, true>(
      MANIFEST_WORK,
      (works) => {
        let now = 0;
        for (const work of works) if (availableNow(work)) now++;
        if (now !== available) options.onProgress?.(now);
        available = now;
        return available >= expected ? true : undefined;
      },
      { labelSelector: `${BENCH_LABEL}=true`, timeoutMs: options.timeoutMs, signal: options.signal, description: `${expected} ManifestWorks Applied and Available` },
    );
  } catch (error) {
    if (error instanceof TimeoutError) throw new TimeoutError(`only ${available} of ${expected} ManifestWorks were Applied and Available after ${Math.round(options.timeoutMs / 1000)}s`);
    throw error;
  }
}
