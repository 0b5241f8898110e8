import type { ClusterClient } from '../kube/cluster-client.js';
import { CSR, CSR_CLUSTER_LABEL, managedClusterRef, type CertificateSigningRequest } from './resources.js';

/**
 * The hub's side of a fresh join: the cluster's ManagedCluster (waited for until the hub has cleaned it up)
 * and its CSRs are deleted, so the next registration is a new cluster's: CSR pending, not accepted.
 */
export async function forgetManagedCluster(hub: ClusterClient, name: string, signal?: AbortSignal): Promise<void> {
  await hub.delete(managedClusterRef(name), signal);
  await hub.waitFor(managedClusterRef(name), (found) => (found.length === 0 ? true : undefined), {
    timeoutMs: 120_000,
    description: `ManagedCluster ${name} to be deleted (ManifestWorks left in its namespace keep it)`,
    signal,
  });
  await deleteClusterCsrs(hub, name, signal);
}

/** The certificate signing requests the cluster's registration agent made. */
export async function deleteClusterCsrs(hub: ClusterClient, name: string, signal?: AbortSignal): Promise<void> {
  for (const csr of await hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal)) {
    await hub.delete({ ...CSR, name: csr.metadata!.name! }, signal);
  }
}
