// OCM's e2e suite expects its managed cluster the way OCM's own CI leaves it (test/e2e-test.mk,
// deploy-spoke-operator): the klusterlet operator and `open-cluster-management-agent/bootstrap-hub-kubeconfig`,
// but no klusterlet of its own. The suite then registers its own klusterlet with that bootstrap secret.
// A lab's managed cluster is already joined; its klusterlet agent would act on what the suite's agent
// manages (both talk to one hub, so they share the hub-specific labels, e.g. on managed namespaces).
// So the lab's klusterlet is handed over for the run, and `./lab up` joins the cluster again after it.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ClusterClient } from '../../src/kube/cluster-client.js';

const KLUSTERLET = { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'Klusterlet', name: 'klusterlet' };
const AGENT_NAMESPACE = 'open-cluster-management-agent';
const BOOTSTRAP_SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: 'bootstrap-hub-kubeconfig' };
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' };
const CLEANUP_TIMEOUT_MS = 180_000;

interface Secret extends KubernetesObject {
  type?: string;
  data?: Record<string, string>;
}

/** Removes the lab's klusterlet (its agents) from the cluster, keeping the operator and the bootstrap secret. */
export async function handOverSpoke(cluster: string, kubeconfig: string): Promise<void> {
  const client = new ClusterClient(cluster, kubeconfig);
  const secret = await client.read<Secret>(BOOTSTRAP_SECRET);
  if (!secret?.data?.kubeconfig) throw new Error(`${cluster} has no ${AGENT_NAMESPACE}/${BOOTSTRAP_SECRET.name}: is it joined? run ./lab up`);
  if (await client.delete(KLUSTERLET)) {
    // The operator removes the agents and their namespace, then the Klusterlet's finalizer.
    await client.waitFor(KLUSTERLET, (found) => (found.length === 0 ? true : undefined), {
      timeoutMs: CLEANUP_TIMEOUT_MS,
      description: `the klusterlet operator on ${cluster} to remove Klusterlet ${KLUSTERLET.name}`,
    });
    await client.waitFor({ ...NAMESPACE, name: AGENT_NAMESPACE }, (found) => (found.length === 0 ? true : undefined), {
      timeoutMs: CLEANUP_TIMEOUT_MS,
      description: `namespace ${AGENT_NAMESPACE} on ${cluster} to be deleted`,
    });
  }
  await client.apply({ ...NAMESPACE, metadata: { name: AGENT_NAMESPACE } });
  await client.apply<Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: AGENT_NAMESPACE, name: BOOTSTRAP_SECRET.name },
    type: secret.type ?? 'Opaque',
    data: { kubeconfig: secret.data.kubeconfig },
  });
}
