import type { ClusterClient } from '../kube/cluster-client.js';
import { LabError, TimeoutError } from '../errors.js';
import { run } from '../process/run.js';
import { acceptArgs } from './clusteradm/commands.js';
import {
  CONDITION_AVAILABLE,
  conditionStatus,
  CSR,
  CSR_CLUSTER_LABEL,
  isCsrPending,
  managedClusterRef,
  type CertificateSigningRequest,
  type ManagedCluster,
} from './resources.js';

export interface AcceptOptions {
  clusteradm: string;
  timeoutMs: number;
  /** The cluster's agent has no hub credentials (join said so): its new CSR is coming whatever the hub shows. */
  agentBootstrapping?: boolean;
  signal?: AbortSignal;
}

/**
 * Accepts a joining cluster the way a user does: waits (watching) until its registration agent's CSR
 * is pending on the hub, then runs the real `clusteradm accept`, then waits for hubAcceptsClient.
 * A cluster that is accepted and available is left alone, unless its agent is known to be bootstrapping. One that
 * is accepted but not available may have an agent that lost its hub credentials and asks again with a new CSR (a
 * klusterlet joined anew, say): that CSR is approved as soon as it appears, unless the cluster becomes available
 * first. The hub keeps showing a cluster available for minutes after its agent went, so a bootstrapping agent's CSR
 * is always waited for.
 */
export async function acceptCluster(hub: ClusterClient, name: string, options: AcceptOptions): Promise<void> {
  const { signal } = options;
  const cluster = await hub.read<ManagedCluster>(managedClusterRef(name), signal);
  const pendingNow = (await hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal)).some(isCsrPending);
  const rebootstrapping = !!cluster?.spec?.hubAcceptsClient;
  if (rebootstrapping && !pendingNow && !options.agentBootstrapping) {
    if (conditionStatus(cluster, CONDITION_AVAILABLE) === 'True') return;
    if ((await pendingCsrOrAvailable(hub, name, options)) === 'available') return;
  }

  await waitForPendingCsr(hub, name, options);
  // The agent creates its CSR and its ManagedCluster independently; clusteradm accept needs both.
  await hub.waitFor<ManagedCluster, true>(managedClusterRef(name), ([mc]) => (mc ? true : undefined), {
    timeoutMs: options.timeoutMs,
    description: `ManagedCluster ${name} to be created by its agent`,
    signal,
  });
  // An accepted cluster asking again is the lab's own agent with new credentials, not a second cluster of that name.
  await run(options.clusteradm, acceptArgs(name, { kubeconfig: hub.kubeconfigPath, context: hub.context }, { approveEveryRequester: rebootstrapping }), { timeoutMs: 60_000, signal });
  await hub.waitFor<ManagedCluster, true>(
    managedClusterRef(name),
    ([mc]) => (mc?.spec?.hubAcceptsClient ? true : undefined),
    { timeoutMs: options.timeoutMs, description: `ManagedCluster ${name} to be accepted`, signal },
  );
  await waitForSignedCsr(hub, name, signal);
}

/** The hub's kube-controller-manager signs an approved client CSR at once, if it has a signing key at all. */
const SIGNING_TIMEOUT_MS = 30_000;

/**
 * An approved CSR is signed by the hub's kube-controller-manager, which does that only when it runs with a cluster
 * signing key: a hub without one (a plain kwokctl cluster) accepts the cluster, which then never joins.
 */
async function waitForSignedCsr(hub: ClusterClient, name: string, signal?: AbortSignal): Promise<void> {
  const signed = (csrs: CertificateSigningRequest[]) => csrs.some((csr) => !!csr.status?.certificate);
  try {
    await hub.waitFor<CertificateSigningRequest, true>(CSR, (csrs) => (signed(csrs) ? true : undefined), {
      timeoutMs: SIGNING_TIMEOUT_MS,
      description: `the hub to sign the approved CSR of cluster ${name}`,
      labelSelector: `${CSR_CLUSTER_LABEL}=${name}`,
      signal,
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new LabError(`the hub approved the certificate request of cluster ${name}, but nothing signs it, so ${name} can never join`, {
      cause: error,
      hint:
        "the hub's kube-controller-manager signs kubernetes.io/kube-apiserver-client requests only with --cluster-signing-cert-file and " +
        '--cluster-signing-key-file (its CA); a kwokctl hub gets them with --extra-args kube-controller-manager=cluster-signing-cert-file=<cluster dir>/pki/ca.crt ' +
        'and --extra-args kube-controller-manager=cluster-signing-key-file=<cluster dir>/pki/ca.key',
    });
  }
}

function waitForPendingCsr(hub: ClusterClient, name: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<'csr'> {
  return hub.waitFor<CertificateSigningRequest, 'csr'>(CSR, (csrs) => (csrs.some(isCsrPending) ? 'csr' : undefined), {
    timeoutMs: options.timeoutMs,
    description: `a pending CSR from cluster ${name}`,
    labelSelector: `${CSR_CLUSTER_LABEL}=${name}`,
    signal: options.signal,
  });
}

/** Watches for whichever comes first: a pending CSR of the cluster, or the cluster Available; stops the other watch. */
async function pendingCsrOrAvailable(hub: ClusterClient, name: string, options: AcceptOptions): Promise<'csr' | 'available'> {
  const loser = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, loser.signal]) : loser.signal;
  const available = hub.waitFor<ManagedCluster, 'available'>(
    managedClusterRef(name),
    ([mc]) => (conditionStatus(mc, CONDITION_AVAILABLE) === 'True' ? 'available' : undefined),
    { timeoutMs: options.timeoutMs, description: `ManagedCluster ${name} to be available, or a new CSR from its agent`, signal },
  );
  const csr = waitForPendingCsr(hub, name, { timeoutMs: options.timeoutMs, signal });
  try {
    return await Promise.race([available, csr]);
  } finally {
    loser.abort();
    await Promise.allSettled([available, csr]);
  }
}
