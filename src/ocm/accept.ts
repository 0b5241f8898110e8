import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-client.js';
import { LabError, TimeoutError } from '../errors.js';
import { run } from '../process/run.js';
import { HUB_KUBECONFIG_SECRET, hasHubCredentials } from './agent-credentials.js';
import { approvableCsrs, approveCsr, oneAgentAsking } from './approve-csr.js';
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
  /** The managed cluster, where the agent keeps its hub credentials. */
  managed: ClusterClient;
  /**
   * The agent had no hub credentials when join looked: its new CSR is coming whatever the hub shows, unless the agent
   * turns out to hold credentials after all.
   */
  agentBootstrapping?: boolean;
  /**
   * For a cluster joining for the first time: what to wait for between the approval of its CSR and its acceptance
   * (hubAcceptsClient). Given it, the lab approves the CSR itself first (./approve-csr.ts); clusteradm accept then
   * finds it approved and sets hubAcceptsClient. What it says, acceptCluster returns.
   */
  beforeHubAccepts?: (signal?: AbortSignal) => Promise<string | undefined>;
  signal?: AbortSignal;
}

/**
 * Accepts a joining cluster the way a user does: waits (watching) until its registration agent's CSR
 * is pending on the hub, then runs the real `clusteradm accept`, then waits for hubAcceptsClient.
 * A cluster that is accepted and available is left alone, unless its agent is known to be bootstrapping or a CSR of
 * it is pending (then the wait also ends when the agent holds hub credentials: the hub approves an agent's renewal
 * itself). One that is accepted but not available may have an agent that lost its hub credentials and asks again
 * with a new CSR (a klusterlet joined anew, say): that CSR is approved as soon as it appears, unless the cluster becomes available
 * first. The hub keeps showing a cluster available for minutes after its agent went, so for an agent join saw
 * bootstrapping the wait ends only with its CSR, or with the agent holding hub credentials after all.
 */
export async function acceptCluster(hub: ClusterClient, name: string, options: AcceptOptions): Promise<string | undefined> {
  const { signal } = options;
  const cluster = await hub.read<ManagedCluster>(managedClusterRef(name), signal);
  const pendingNow = (await hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal)).some(isCsrPending);
  const rebootstrapping = !!cluster?.spec?.hubAcceptsClient;
  try {
    if (!rebootstrapping) {
      await waitForPendingCsr(hub, name, options);
    } else if (options.agentBootstrapping || pendingNow) {
      // A CSR pending for an accepted cluster may be the agent's renewal, which the hub approves itself, maybe before
      // the wait looks (a CI rehearsal on 2026-12-06: up waited 180 s for a CSR the hub had approved).
      if ((await firstOf(signal, [(s) => waitForPendingCsr(hub, name, { ...options, signal: s }), (s) => agentCredentials(options.managed, name, sideTimeout(options), s)])) === 'credentials') return;
    } else {
      if (conditionStatus(cluster, CONDITION_AVAILABLE) === 'True') return;
      if ((await firstOf(signal, [(s) => waitForPendingCsr(hub, name, { ...options, signal: s }), (s) => clusterAvailable(hub, name, sideTimeout(options), s)])) === 'available') return;
    }
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new TimeoutError(`${error.message}; ${await describeJoin(hub, options.managed, name, signal)}`, { cause: error, hint: error.hint });
  }
  // The agent creates its CSR and its ManagedCluster independently; clusteradm accept needs both.
  await hub.waitFor<ManagedCluster, true>(managedClusterRef(name), ([mc]) => (mc ? true : undefined), {
    timeoutMs: options.timeoutMs,
    description: `ManagedCluster ${name} to be created by its agent`,
    signal,
  });
  const csrs = await hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal);
  const approveFirst = !rebootstrapping && options.beforeHubAccepts ? approvableCsrs(csrs) : [];
  let said: string | undefined;
  if (approveFirst.length > 0) {
    for (const csr of approveFirst) await approveCsr(hub, csr, signal);
    await waitForSignedCsr(hub, name, signal);
    said = await options.beforeHubAccepts!(signal);
  }
  await run(
    options.clusteradm,
    acceptArgs(name, { kubeconfig: hub.kubeconfigPath, context: hub.context }, { approveEveryRequester: approveEveryRequester(csrs, rebootstrapping) }),
    { timeoutMs: 60_000, signal },
  );
  await hub.waitFor<ManagedCluster, true>(
    managedClusterRef(name),
    ([mc]) => (mc?.spec?.hubAcceptsClient ? true : undefined),
    { timeoutMs: options.timeoutMs, description: `ManagedCluster ${name} to be accepted`, signal },
  );
  await waitForSignedCsr(hub, name, signal);
  return said;
}

/**
 * Whether `clusteradm accept` should approve the cluster's pending CSRs whoever asked (`--skip-approve-check`).
 * clusteradm refuses a cluster whose CSRs, approved ones included, come from more than one agent identity. Two
 * cases are the lab's own agent all the same: an accepted cluster asking again (its agent lost its credentials), and
 * one agent asking beside the CSRs of agents before it (a cluster deleted on the hub and joined again: approved CSRs
 * stay on the hub for an hour). Two agents asking at once for one name are not told apart, so they stay refused.
 */
export function approveEveryRequester(csrs: CertificateSigningRequest[], rebootstrapping: boolean): boolean {
  return rebootstrapping || oneAgentAsking(csrs);
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

/** The wait for the CSR times the race out (its error names what is missing); a side wait can only end it early. */
function sideTimeout(options: AcceptOptions): number {
  return options.timeoutMs * 2;
}

/** What the hub and the agent's cluster show of a join that did not come: for the error a user (or CI log) reads. */
async function describeJoin(hub: ClusterClient, managed: ClusterClient, name: string, signal?: AbortSignal): Promise<string> {
  const seen = async <T>(read: () => Promise<T>): Promise<T | string> => read().catch((error: unknown) => `unreadable (${error instanceof Error ? error.message : String(error)})`);
  const cluster = await seen(() => hub.read<ManagedCluster>(managedClusterRef(name), signal));
  const csrs = await seen(() => hub.list<CertificateSigningRequest>(CSR, `${CSR_CLUSTER_LABEL}=${name}`, signal));
  const parts = [
    typeof cluster === 'string'
      ? `ManagedCluster ${cluster}`
      : cluster
        ? `ManagedCluster hubAcceptsClient=${!!cluster.spec?.hubAcceptsClient}, Available=${conditionStatus(cluster, CONDITION_AVAILABLE)}`
        : 'no ManagedCluster',
    typeof csrs === 'string'
      ? `CSRs ${csrs}`
      : `${csrs.length} CSR(s) of the cluster: ${csrs.map((csr) => (isCsrPending(csr) ? 'pending' : (csr.status?.conditions ?? []).map((c) => c.type).join('+'))).join(', ') || 'none'}`,
  ];
  const secret = await seen(() => managed.read<KubernetesObject & { data?: Record<string, string> }>(HUB_KUBECONFIG_SECRET, signal));
  parts.push(typeof secret === 'string' ? `its agent's hub credentials ${secret}` : `its agent holds hub credentials: ${hasHubCredentials(secret) ? 'yes' : 'no'}`);
  return `seen: ${parts.join('; ')}`;
}

/** The ManagedCluster Available on the hub: its agent is connected (or was, within its lease). */
function clusterAvailable(hub: ClusterClient, name: string, timeoutMs: number, signal: AbortSignal): Promise<'available'> {
  return hub.waitFor<ManagedCluster, 'available'>(managedClusterRef(name), ([mc]) => (conditionStatus(mc, CONDITION_AVAILABLE) === 'True' ? 'available' : undefined), {
    timeoutMs,
    description: `ManagedCluster ${name} to be available`,
    signal,
  });
}

/** The agent holding hub credentials on its cluster: an agent that has them asks for none. */
function agentCredentials(managed: ClusterClient, name: string, timeoutMs: number, signal: AbortSignal): Promise<'credentials'> {
  return managed.waitFor<KubernetesObject & { data?: Record<string, string> }, 'credentials'>(HUB_KUBECONFIG_SECRET, ([secret]) => (hasHubCredentials(secret) ? 'credentials' : undefined), {
    timeoutMs,
    description: `the agent of cluster ${name} to hold hub credentials`,
    signal,
  });
}

/** Whichever wait settles first; the others are stopped (and their ends awaited) before it returns. */
async function firstOf<R>(signal: AbortSignal | undefined, waits: ((signal: AbortSignal) => Promise<R>)[]): Promise<R> {
  const losers = new AbortController();
  const joint = signal ? AbortSignal.any([signal, losers.signal]) : losers.signal;
  const running = waits.map((wait) => wait(joint));
  try {
    return await Promise.race(running);
  } finally {
    losers.abort();
    await Promise.allSettled(running);
  }
}
