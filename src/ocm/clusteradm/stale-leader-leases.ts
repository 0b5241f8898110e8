import type { ClusterClient } from '../../kube/cluster-client.js';
import type { Lease } from '../../kube/node-health.js';

const LEASE = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

/** Where OCM's operators, hub controllers and klusterlet agents keep their leader-election leases. */
const OCM_NAMESPACE_PREFIX = 'open-cluster-management';

/**
 * OCM's leader leases on a cluster whose control plane restarted at `restartedAt` that nobody renewed
 * since: their holders died with the old containers. OCM's components hold a lease for 137 s and the new
 * pods, restarted under new identities, wait that out (plus a 26 s retry) before they work again.
 */
export function staleLeaderLeases(leases: Lease[], restartedAt: Date): Lease[] {
  return leases.filter((lease) => {
    if (!lease.metadata?.namespace?.startsWith(OCM_NAMESPACE_PREFIX)) return false;
    const renewed = Date.parse(lease.spec?.renewTime ?? lease.spec?.acquireTime ?? '');
    return Number.isFinite(renewed) && renewed < restartedAt.getTime();
  });
}

/** Deletes the stale leases, so the restarted components take the lead on their next try (within a retry period). */
export async function releaseStaleLeaderLeases(client: ClusterClient, restartedAt: Date, signal?: AbortSignal): Promise<string[]> {
  const stale = staleLeaderLeases(await client.list<Lease>(LEASE, undefined, signal), restartedAt);
  for (const lease of stale) await client.delete({ ...LEASE, namespace: lease.metadata!.namespace!, name: lease.metadata!.name! }, signal);
  return stale.map((lease) => `${lease.metadata!.namespace}/${lease.metadata!.name}`);
}

/** The pod a leader lease names: OCM's components (library-go) hold it as `<pod name>_<uuid>`. */
export function holderPod(lease: Lease): string | undefined {
  return lease.spec?.holderIdentity?.match(/^(.+)_[0-9a-f-]{36}$/)?.[1];
}

/**
 * Leases in the namespace held by a pod that no longer exists (a component whose Deployment was deleted or rolled
 * without releasing its lease), deleted: a new pod would otherwise wait a whole lease duration (137 s) after it first
 * sees the lease before it leads. Returns their names, for the caller to wait until live pods hold them again.
 */
export async function releaseOrphanedLeaderLeases(client: ClusterClient, namespace: string, signal?: AbortSignal): Promise<string[]> {
  const pods = new Set((await client.list({ apiVersion: 'v1', kind: 'Pod', namespace }, undefined, signal)).map((pod) => pod.metadata?.name));
  const orphaned = (await client.list<Lease>({ ...LEASE, namespace }, undefined, signal)).filter((lease) => {
    const pod = holderPod(lease);
    return pod !== undefined && !pods.has(pod);
  });
  for (const lease of orphaned) await client.delete({ ...LEASE, namespace, name: lease.metadata!.name! }, signal);
  return orphaned.map((lease) => lease.metadata!.name!);
}
