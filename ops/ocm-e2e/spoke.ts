// OCM's e2e suite expects its managed cluster the way OCM's own CI leaves it (test/e2e-test.mk,
// deploy-spoke-operator): the klusterlet operator and `open-cluster-management-agent/bootstrap-hub-kubeconfig`,
// but no klusterlet of its own. The suite then registers its own klusterlet with that bootstrap secret.
// A lab's managed cluster is already joined; its klusterlet agent would act on what the suite's agent
// manages (both talk to one hub, so they share the hub-specific labels, e.g. on managed namespaces).
// So the lab's klusterlet is handed over for the run, and `./lab up` joins the cluster again after it.
//
// When the suite's managed cluster is the hub itself (local-cluster of a lab with `hub.manage`), as upstream runs
// it, the hand-over also removes the ManagedCluster local-cluster (the klusterlet spec adopts the first
// ManagedCluster without the `e2e-` prefix, then deletes it), and the bootstrap secret becomes the hub's admin
// kubeconfig at the in-cluster address, as upstream's e2e-test.mk writes it: Hosted mode uses the bootstrap
// kubeconfig as the managed cluster's (it needs more than bootstrap rights), and the suite's agents then write
// managed-namespace labels of their own (the key is a hash of that address), which no lab agent shares.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { ClusterClient } from '../../src/kube/cluster-client.js';

const KLUSTERLET = { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'Klusterlet' };
const MANAGED_CLUSTER = { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster' };
const AGENT_NAMESPACE = 'open-cluster-management-agent';
const BOOTSTRAP_SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: AGENT_NAMESPACE, name: 'bootstrap-hub-kubeconfig' };
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' };
/** What each pass's BeforeSuite creates (e2e_suite_test.go: the universal klusterlet's agent namespace, Default and Hosted) and its AfterSuite deletes. */
const SUITE_NAMESPACES = [AGENT_NAMESPACE, 'open-cluster-management-agent-universal', 'e2e-universal-klusterlet'];
const SUITE_MANAGED_CLUSTER = 'e2e-universal-managedcluster';
const IN_CLUSTER_API_SERVER = 'https://kubernetes.default.svc:443';
const CLEANUP_TIMEOUT_MS = 180_000;

interface Secret extends KubernetesObject {
  type?: string;
  data?: Record<string, string>;
}

export interface HandOver {
  /** The cluster as the lab names it, and its kubeconfig. */
  cluster: string;
  kubeconfig: string;
  /** Set when the cluster is the hub: the ManagedCluster it is joined as (local-cluster). */
  selfManagedAs?: string;
}

const gone = (found: KubernetesObject[]) => (found.length === 0 ? true : undefined);

/**
 * Removes the lab's klusterlet (its agents) from the cluster, keeping the operator, and gives the suite its
 * bootstrap secret (see prepareSpoke).
 * Returns the bootstrap kubeconfig, for prepareSpoke before each further pass of the suite.
 */
export async function handOverSpoke({ cluster, kubeconfig, selfManagedAs }: HandOver): Promise<string> {
  const client = new ClusterClient(cluster, kubeconfig);
  const secret = await client.read<Secret>(BOOTSTRAP_SECRET);
  if (!secret?.data?.kubeconfig) throw new Error(`${cluster} has no ${AGENT_NAMESPACE}/${BOOTSTRAP_SECRET.name}: is it joined? run ./lab up`);
  const klusterlet = { ...KLUSTERLET, name: 'klusterlet' };
  if (await client.delete(klusterlet)) {
    // The operator removes the agents and their namespace, then the Klusterlet's finalizer.
    await client.waitFor(klusterlet, gone, { timeoutMs: CLEANUP_TIMEOUT_MS, description: `the klusterlet operator on ${cluster} to remove Klusterlet ${klusterlet.name}` });
    await client.waitFor({ ...NAMESPACE, name: AGENT_NAMESPACE }, gone, {
      timeoutMs: CLEANUP_TIMEOUT_MS,
      description: `namespace ${AGENT_NAMESPACE} on ${cluster} to be deleted`,
    });
  }
  if (selfManagedAs) {
    const managedCluster = { ...MANAGED_CLUSTER, name: selfManagedAs };
    await client.delete(managedCluster);
    await client.waitFor(managedCluster, gone, { timeoutMs: CLEANUP_TIMEOUT_MS, description: `ManagedCluster ${selfManagedAs} to be deleted from ${cluster}` });
  }
  const bootstrap = selfManagedAs ? Buffer.from(inClusterAdminKubeconfig(kubeconfig)).toString('base64') : secret.data.kubeconfig;
  await noKlusterletLeft(client);
  await writeBootstrapSecret(client, bootstrap);
  return bootstrap;
}

/**
 * Leaves the cluster as the suite expects it before a further pass: what the pass before deleted in its AfterSuite
 * gone (its universal klusterlet and agent namespace, its ManagedCluster on the hub: the next BeforeSuite creates them
 * again under the same names, and was refused by a namespace still terminating), no klusterlet left, and the
 * bootstrap secret back in `open-cluster-management-agent` (a klusterlet spec that runs in that namespace deletes it
 * with its cleanup).
 */
export async function prepareSpoke(suite: ClusterClient, hub: ClusterClient, bootstrapKubeconfig: string): Promise<void> {
  await settled(suite, KLUSTERLET, () => true);
  await noKlusterletLeft(suite);
  await settled(suite, NAMESPACE, (name) => SUITE_NAMESPACES.includes(name));
  await settled(hub, MANAGED_CLUSTER, (name) => name === SUITE_MANAGED_CLUSTER);
  await writeBootstrapSecret(suite, bootstrapKubeconfig);
}

/** Waits until none of the objects of the kind that `named` picks is being deleted. */
async function settled(client: ClusterClient, ref: { apiVersion: string; kind: string }, named: (name: string) => boolean): Promise<void> {
  const deleting = (found: KubernetesObject[]) => found.filter((o) => o.metadata?.deletionTimestamp && named(o.metadata.name ?? ''));
  await client.waitFor(ref, (found) => (deleting(found).length ? undefined : true), {
    timeoutMs: CLEANUP_TIMEOUT_MS,
    description: `what the suite deleted (${ref.kind}) on ${client.cluster} to be gone`,
  });
}

async function noKlusterletLeft(client: ClusterClient): Promise<void> {
  const left = await client.list(KLUSTERLET);
  if (left.length) {
    const names = left.map((k) => k.metadata?.name).join(', ');
    throw new Error(`${client.cluster} still has Klusterlet(s) ${names} (left by an earlier run or pass?): their agents would act on what the suite's manage; delete them, or run ./lab down and ./lab up`);
  }
}

async function writeBootstrapSecret(client: ClusterClient, bootstrapKubeconfig: string): Promise<void> {
  await client.apply({ ...NAMESPACE, metadata: { name: AGENT_NAMESPACE } });
  await client.apply<Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: AGENT_NAMESPACE, name: BOOTSTRAP_SECRET.name },
    type: 'Opaque',
    data: { kubeconfig: bootstrapKubeconfig },
  });
}

/**
 * What an earlier run of the suite left on the hub that a spec creates again without looking: the ManifestWorkReplicaSet
 * spec creates the ManagedClusterSetBinding `default/universal` and never deletes it, so on a lab the suite ran on
 * before it failed with AlreadyExists (run 2 of --all, 2026-12-06).
 */
export async function removeSuiteLeftovers(hub: ClusterClient): Promise<string[]> {
  const binding = { apiVersion: 'cluster.open-cluster-management.io/v1beta2', kind: 'ManagedClusterSetBinding', namespace: 'default', name: 'universal' };
  return (await hub.delete(binding)) ? [`ManagedClusterSetBinding ${binding.namespace}/${binding.name}`] : [];
}

/** The admin kubeconfig of a cluster, its server set to the API server's in-cluster address. */
export function inClusterAdminKubeconfig(kubeconfigPath: string): string {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const exported = JSON.parse(config.exportConfig()) as { clusters: { cluster: { server: string } }[] };
  for (const { cluster } of exported.clusters) cluster.server = IN_CLUSTER_API_SERVER;
  return JSON.stringify(exported);
}
