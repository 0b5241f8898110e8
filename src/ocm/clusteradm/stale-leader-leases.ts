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
