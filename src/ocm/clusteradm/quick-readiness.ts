// Every OCM pod has a readiness probe checked every 10 s (OCM's manifests leave periodSeconds at Kubernetes' default),
// and the first check, 2 s after the container starts, usually finds the process still starting: so each OCM
// Deployment is available about 12 s after its pod starts. The cluster-manager operator registers the
// ManagedCluster webhook only once every hub Deployment is available, and no cluster may join before that webhook
// serves; the agents' Deployments are the last thing `up` waits for. On clusters the lab made itself, a
// MutatingAdmissionPolicy (admissionregistration.k8s.io/v1) therefore has the API server give the containers of OCM's
// images a readiness probe every second, with a failure threshold that keeps the time to mark one unready as
// before (30 s). Only pods change: the Deployments keep OCM's spec, so its operators see nothing to correct.
import type { KubernetesObject } from '@kubernetes/client-node';
import { LabError } from '../../errors.js';
import type { ClusterClient } from '../../kube/cluster-client.js';
import { ADMISSION_API, admittedContainer, podMutatingPolicy } from '../../kube/pod-admission-policy.js';
import { pollUntil } from '../../process/poll.js';
import { OCM_IMAGE_PREFIX } from './operator-deployments.js';

export const QUICK_READINESS_POLICY = 'ocm-lab-ocm-readiness';
export const PROBE_PERIOD_SECONDS = 1;
/** Kubernetes' defaults are 10 s and 3: unready after 30 s of failures either way. */
export const PROBE_FAILURE_THRESHOLD = 30;
const TAKES_EFFECT_MS = 30_000;
/** For removing the check's ServiceAccount, which happens after a cancelled `up` too. */
const CLEANUP_TIMEOUT_MS = 10_000;

const probed = `c.image.startsWith('${OCM_IMAGE_PREFIX}') && has(c.readinessProbe)`;

export function quickReadinessPolicy(): KubernetesObject[] {
  return podMutatingPolicy(QUICK_READINESS_POLICY, {
    condition: `object.spec.containers.exists(c, ${probed})`,
    applyConfiguration:
      `Object{spec: Object.spec{containers: object.spec.containers.filter(c, ${probed}).map(c, Object.spec.containers{name: c.name, ` +
      `readinessProbe: Object.spec.containers.readinessProbe{periodSeconds: ${PROBE_PERIOD_SECONDS}, failureThreshold: ${PROBE_FAILURE_THRESHOLD}}})}}`,
    // A pod this policy fails to change still runs, with OCM's own probe.
    failurePolicy: 'Ignore',
  });
}

/**
 * The check's dry-run pods run as a ServiceAccount of their own: `default`'s is made by the controller-manager, which on
 * a kind hub just made did so 5 s after the node was Ready (2026-12-07), and OCM's install waited for it for nothing.
 */
const CHECKER = { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: `${QUICK_READINESS_POLICY}-check` } as const;

/** The readiness probe period the API server gives a container of an OCM image now. */
async function admittedPeriod(client: ClusterClient, signal?: AbortSignal): Promise<number | undefined> {
  const container = { name: 'check', image: `${OCM_IMAGE_PREFIX}registration:check`, readinessProbe: { httpGet: { path: '/healthz', port: 8443 } } };
  return (await admittedContainer(client, CHECKER.name, [container], signal, CHECKER.name))?.readinessProbe?.periodSeconds;
}

/**
 * Applies the policy and waits until the API server admits OCM's pods with it, so the first pod clusteradm makes
 * already has it. Returns false, changing nothing, when the API server does not serve MutatingAdmissionPolicy
 * (before Kubernetes 1.36, or turned off).
 */
export async function useQuickReadiness(client: ClusterClient, signal?: AbortSignal): Promise<boolean> {
  if (!(await client.serves(ADMISSION_API, 'MutatingAdmissionPolicy', signal))) return false;
  for (const object of quickReadinessPolicy()) await client.apply(object, { signal });
  const { apiVersion, kind, namespace, name } = CHECKER;
  await client.apply({ apiVersion, kind, metadata: { name, namespace } }, { signal });
  try {
    const admitted = await pollUntil(() => admittedPeriod(client, signal), (period) => period === PROBE_PERIOD_SECONDS, { timeoutMs: TAKES_EFFECT_MS, intervalMs: 200, signal });
    if (!admitted.done) {
      throw new LabError(`the MutatingAdmissionPolicy ${QUICK_READINESS_POLICY} on ${client.cluster} did not take effect within ${TAKES_EFFECT_MS / 1000} s`, {
        hint: `${admitted.value === undefined ? `the API server admits no pod as ${namespace}/${name} (the ServiceAccount the lab made for this check)` : `a pod of an OCM image is admitted with a readiness probe every ${admitted.value} s`}; see \`kubectl --kubeconfig ${client.kubeconfigPath} get mutatingadmissionpolicy ${QUICK_READINESS_POLICY} -o yaml\``,
      });
    }
  } finally {
    // Not with the caller's signal: after Ctrl-C the check's ServiceAccount goes too. A failure to remove it then does
    // not hide the cancel.
    await client.delete(CHECKER, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch((error: unknown) => {
      if (!signal?.aborted) throw error;
    });
  }
  return true;
}
