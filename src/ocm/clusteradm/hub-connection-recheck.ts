// OCM's klusterlet operator keeps the work agent at 0 replicas while its hub-connection check last found no hub
// kubeconfig secret (klusterlet_runtime_reconcile.go). The registration agent writes that secret once the hub approves
// its CSR, i.e. just after accept; but a change that reaches the operator while a check is running is put off for
// 30 s (SSARReSyncTime in klusterlet_ssar_controller.go), so when the secret appears mid-check, the work agent waits
// 30 s for nothing (about half of the kind `up`s measured on 2026-12-06 and 07). A change to that secret queues a
// check at once, so the lab touches the secret while it exists and the Klusterlet still says it is missing.
// The secret, not the Klusterlet: a check writes its result with the Klusterlet's resourceVersion, so touching the
// Klusterlet during a check makes that write fail, and the operator requeues it after the same 30 s.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient } from '../../kube/cluster-client.js';
import { TimeoutError } from '../../errors.js';
import { HUB_KUBECONFIG_SECRET } from '../agent-credentials.js';
import type { Condition } from '../resources.js';

export const KLUSTERLET_REF = { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'Klusterlet', name: 'klusterlet' } as const;
export const RECHECK_ANNOTATION = 'ocm-lab.io/hub-connection-recheck';
const HUB_CONNECTION_DEGRADED = 'HubConnectionDegraded';
/** The one reason (of the condition's comma-separated reasons) that keeps the work agent at 0 replicas. */
const SECRET_MISSING = 'HubKubeConfigSecretMissing';
/** After this the operator's own 30 s requeue has come: nothing left to shorten. */
const RECHECK_WINDOW_MS = 30_000;
/**
 * How long to let a check that may be running report before asking again. A touch during a check is only put off
 * (a check of a working hub kubeconfig sends about 30 SelfSubjectAccessReviews at 2 a second).
 */
const CHECK_TAKES_MS = 3_000;
/** For removing the annotation, which happens after a cancelled `up` too. */
const UNMARK_TIMEOUT_MS = 10_000;

type Klusterlet = KubernetesObject & { status?: { conditions?: Condition[] } };

/** Whether the operator's last hub-connection check lets the work agent run (no check yet counts as missing too). */
export function workAgentAllowed(klusterlet: Klusterlet | undefined): boolean {
  const condition = klusterlet?.status?.conditions?.find((c) => c.type === HUB_CONNECTION_DEGRADED);
  if (!condition) return false;
  return condition.status !== 'True' || !(condition.reason ?? '').split(',').includes(SECRET_MISSING);
}

/**
 * Once the cluster's hub kubeconfig secret exists, makes sure the klusterlet operator has seen it: returns how many
 * times the secret had to be touched (0 when the operator saw it by itself). Gives up quietly after the operator's
 * own requeue time: whether the agents run is `up`'s component check's to judge.
 */
export async function recheckHubConnection(managed: ClusterClient, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + RECHECK_WINDOW_MS;
  const left = () => Math.max(0, deadline - Date.now());
  const settled = (timeoutMs: number) =>
    within(() => managed.waitFor<Klusterlet, true>(KLUSTERLET_REF, ([k]) => (workAgentAllowed(k) ? true : undefined), { timeoutMs, signal, description: 'the Klusterlet to see its hub kubeconfig secret' }));

  if (!(await within(() => managed.waitFor<KubernetesObject, true>(HUB_KUBECONFIG_SECRET, (found) => (found.length > 0 ? true : undefined), { timeoutMs: left(), signal, description: 'the hub kubeconfig secret' })))) return 0;
  let touches = 0;
  try {
    while (left() > 0 && !(await settled(Math.min(CHECK_TAKES_MS, left())))) await annotateSecret(managed, String(++touches), signal);
  } finally {
    // Not with the caller's signal: after Ctrl-C the secret, which OCM owns, must not keep the lab's annotation.
    if (touches > 0) await annotateSecret(managed, null, AbortSignal.timeout(UNMARK_TIMEOUT_MS));
  }
  return touches;
}

/**
 * Removes the lab's annotation from the cluster's hub kubeconfig secret, where an `up` killed while it touched the
 * secret left it: `down` calls it on klusterlets the lab adopted (it removes its own with the whole klusterlet).
 * True when there was one.
 */
export async function removeRecheckAnnotation(managed: ClusterClient, signal?: AbortSignal): Promise<boolean> {
  const secret = await managed.read<KubernetesObject>(HUB_KUBECONFIG_SECRET, signal);
  if (secret?.metadata?.annotations?.[RECHECK_ANNOTATION] === undefined) return false;
  await annotateSecret(managed, null, signal);
  return true;
}

async function annotateSecret(managed: ClusterClient, value: string | null, signal?: AbortSignal): Promise<void> {
  await managed.mergePatch(HUB_KUBECONFIG_SECRET, { metadata: { annotations: { [RECHECK_ANNOTATION]: value } } }, signal);
}

async function within(wait: () => Promise<true>): Promise<boolean> {
  try {
    return await wait();
  } catch (error) {
    if (error instanceof TimeoutError) return false;
    throw error;
  }
}
