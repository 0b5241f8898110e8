import type { ClusterClient } from '../kube/cluster-client.js';
import { run } from '../process/run.js';
import { acceptArgs } from './clusteradm/commands.js';
import {
  CSR,
  CSR_CLUSTER_LABEL,
  isCsrPending,
  managedClusterRef,
  type CertificateSigningRequest,
  type ManagedCluster,
} from './resources.js';

export interface AcceptOptions {
  clusteradm: string;
  hubKubeconfig: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Accepts a joining cluster the way a user does: waits (watching) until its registration agent's CSR
 * is pending on the hub, then runs the real `clusteradm accept`, then waits for hubAcceptsClient.
 * A cluster that is already accepted and has no pending CSR is left alone.
 */
export async function acceptCluster(hub: ClusterClient, name: string, options: AcceptOptions): Promise<void> {
  const { signal } = options;
  const cluster = await hub.read<ManagedCluster>(managedClusterRef(name), signal);
  const pendingNow = (await hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal)).some(isCsrPending);
  if (cluster?.spec?.hubAcceptsClient && !pendingNow) return;

  await hub.waitFor<CertificateSigningRequest, true>(
    CSR,
    (csrs) => (csrs.some(isCsrPending) ? true : undefined),
    { timeoutMs: options.timeoutMs, description: `a pending CSR from cluster ${name}`, labelSelector: `${CSR_CLUSTER_LABEL}=${name}`, signal },
  );
  // The agent creates its CSR and its ManagedCluster independently; clusteradm accept needs both.
  await hub.waitFor<ManagedCluster, true>(managedClusterRef(name), ([mc]) => (mc ? true : undefined), {
    timeoutMs: options.timeoutMs,
    description: `ManagedCluster ${name} to be created by its agent`,
    signal,
  });
  await run(options.clusteradm, acceptArgs(name, options.hubKubeconfig), { timeoutMs: 60_000, signal });
  await hub.waitFor<ManagedCluster, true>(
    managedClusterRef(name),
    ([mc]) => (mc?.spec?.hubAcceptsClient ? true : undefined),
    { timeoutMs: options.timeoutMs, description: `ManagedCluster ${name} to be accepted`, signal },
  );
}
