// OCM's klusterlet operator keeps the work agent at 0 replicas while its hub-connection check last found no hub
// kubeconfig secret (klusterlet_runtime_reconcile.go). The registration agent writes that secret, credentials and all,
// once the hub has signed its CSR, and the change queues a check (klusterlet_ssar_controller.go, OCM v1.2.0). The check
// asks the hub about some 24 permissions one after the other, 2 a second after a burst of 5, and stops at the first
// refused: credentials the hub already grants everything take about 10 s to pass, and the work agent waits that long;
// credentials that grant nothing yet are refused within a second, and the work agent starts (that reason does not hold
// it) and works once the hub accepts the cluster. `clusteradm accept` approves the CSR and grants the credentials at
// once, so which of the two the check sees is a race (a quarter to a half of the kind `up`s measured in December 2026
// lost it: accept took 15-27 s instead of 5). So the lab approves the CSR first and waits here, before acceptance,
// until the operator has seen the credentials (BEFORE_ACCEPT), then once more after (AFTER_ACCEPT) in case that gave up.
// A change that reaches the operator while a check is running is put off for 30 s (SSARReSyncTime), so the lab touches
// the secret while it exists and the Klusterlet still says it is missing.
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
export interface RecheckTiming {
  /** How long to look at all. */
  windowMs: number;
  /** How long to let a check that may be running report before asking again (a touch during a check is put off). */
  checkTakesMs: number;
}

/** Credentials that grant nothing yet are refused at once, so a check ends within a second; the wait is not for long. */
export const BEFORE_ACCEPT: RecheckTiming = { windowMs: 10_000, checkTakesMs: 1_500 };
/** A check of working credentials takes about 10 s; after 30 s the operator's own requeue has come. */
export const AFTER_ACCEPT: RecheckTiming = { windowMs: 30_000, checkTakesMs: 3_000 };
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
 * times the secret had to be touched (0 when the operator saw it by itself). Gives up quietly when the timing's window
 * ends: whether the agents run is `up`'s component check's to judge.
 */
export async function recheckHubConnection(managed: ClusterClient, timing: RecheckTiming, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + timing.windowMs;
  const left = () => Math.max(0, deadline - Date.now());
  const settled = (timeoutMs: number) =>
    within(() => managed.waitFor<Klusterlet, true>(KLUSTERLET_REF, ([k]) => (workAgentAllowed(k) ? true : undefined), { timeoutMs, signal, description: 'the Klusterlet to see its hub kubeconfig secret' }));

  if (!(await within(() => managed.waitFor<KubernetesObject, true>(HUB_KUBECONFIG_SECRET, (found) => (found.length > 0 ? true : undefined), { timeoutMs: left(), signal, description: 'the hub kubeconfig secret' })))) return 0;
  let touches = 0;
  try {
    while (left() > 0 && !(await settled(Math.min(timing.checkTakesMs, left())))) await annotateSecret(managed, String(++touches), signal);
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
