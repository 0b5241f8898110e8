import type { ClusterClient } from '../kube/cluster-client.js';
import { conditionStatus, isReady, managedClusterRef, READY_CONDITIONS, type ManagedCluster } from './resources.js';

/** Waits (watching) until the ManagedCluster is accepted, joined and available. */
export async function waitForManagedClusterReady(hub: ClusterClient, name: string, timeoutMs: number, signal?: AbortSignal): Promise<ManagedCluster> {
  let last: ManagedCluster | undefined;
  try {
    return await hub.waitFor<ManagedCluster, ManagedCluster>(
      managedClusterRef(name),
      ([cluster]) => {
        last = cluster;
        return isReady(cluster) ? cluster : undefined;
      },
      { timeoutMs, description: `ManagedCluster ${name} to be ${READY_CONDITIONS.join(', ')}`, signal },
    );
  } catch (error) {
    const seen = READY_CONDITIONS.map((t) => `${t}=${conditionStatus(last, t)}`).join(' ');
    (error as Error).message += ` (last seen: ${last ? seen : 'no ManagedCluster'})`;
    throw error;
  }
}
