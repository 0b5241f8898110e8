import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClusterClient, NamedRef, ObjectRef } from '../kube/cluster-client.js';
import { OCM_NAMESPACES } from './clusteradm/operator-deployments.js';
import { installedBy } from './install-marks.js';

const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
const GONE_TIMEOUT_MS = 180_000;
const CLUSTER_NAME_LABEL = 'open-cluster-management.io/cluster-name';
/** Namespaces OCM makes besides the operators' own: add-on agents, and a hub's cluster-set and template work. */
const OTHER_OCM_NAMESPACES = ['open-cluster-management-agent-addon', 'open-cluster-management-global-set'];
/** What a klusterlet leaves after `clusteradm unjoin`: its agents' namespaces and the CRDs of the managed side. */
const KLUSTERLET_NAMESPACES = ['open-cluster-management-agent', 'open-cluster-management-agent-addon'];
const KLUSTERLET_CRDS = ['appliedmanifestworks.work.open-cluster-management.io', 'clusterclaims.cluster.open-cluster-management.io'];

interface Crd extends KubernetesObject {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; storage?: boolean }[] };
}

/** An API group of OCM's own (cluster., work., operator., addon.open-cluster-management.io and the like). */
function isOcmGroup(group: string | undefined): boolean {
  return !!group && (group === 'open-cluster-management.io' || group.endsWith('.open-cluster-management.io'));
}

const crds = (names: string[]): NamedRef[] => names.map((name) => ({ ...CRD, name }));
const namespaces = (names: string[]): NamedRef[] => names.map((name) => ({ ...NAMESPACE, name }));

/** Deletes the objects (gone ones are fine), then watches each until the API server has removed it. */
export async function deleteAndWait(client: ClusterClient, refs: NamedRef[], signal?: AbortSignal): Promise<void> {
  await Promise.all(refs.map((ref) => client.delete(ref, signal)));
  for (const ref of refs) {
    await client.waitFor(ref, (found: KubernetesObject[]) => (found.length ? undefined : true), { timeoutMs: GONE_TIMEOUT_MS, description: `${ref.kind} ${ref.name} on ${client.cluster} to be deleted`, signal });
  }
}

/**
 * The klusterlet's leftovers on a cluster that is also a hub (the hub managing itself): only the managed side's,
 * since the hub's own CRDs and namespaces stay with the hub (the lab's, removed with it; or an adopted one, kept).
 */
export async function removeKlusterletLeftovers(client: ClusterClient, signal?: AbortSignal): Promise<void> {
  await deleteAndWait(client, [...crds(KLUSTERLET_CRDS), ...namespaces(KLUSTERLET_NAMESPACES)], signal);
}

/** The namespace the hub made for a managed cluster (it carries the cluster's name as a label), once the cluster is gone. */
export async function removeClusterNamespace(hub: ClusterClient, cluster: string, signal?: AbortSignal): Promise<void> {
  const namespace = await hub.read<KubernetesObject>({ ...NAMESPACE, name: cluster }, signal);
  if (namespace?.metadata?.labels?.[CLUSTER_NAME_LABEL] === cluster) await deleteAndWait(hub, namespaces([cluster]), signal);
}

/**
 * What clusteradm's `clean` and `unjoin` leave of an OCM the lab installed: OCM's CRDs (and with them every
 * object of theirs) and its namespaces. Deleted, then waited for until they are gone.
 */
export async function removeOcmLeftovers(client: ClusterClient, role: 'hub' | 'managed', signal?: AbortSignal): Promise<void> {
  const ocmCrds = (await client.list<Crd>(CRD, undefined, signal)).filter((crd: Crd) => isOcmGroup(crd.spec?.group)).map((crd: Crd) => crd.metadata!.name!);
  await deleteAndWait(client, [...crds(ocmCrds), ...namespaces([...OCM_NAMESPACES[role], ...OTHER_OCM_NAMESPACES])], signal);
}

/**
 * The finalizers of every object of this type (in `type.namespace`, or everywhere), removed: when OCM ran as host
 * processes that are now stopped, no controller is left to clear them, and each would hold its object's deletion
 * (its CRD's, its namespace's) forever.
 */
export async function dropFinalizers(client: ClusterClient, type: ObjectRef, signal?: AbortSignal): Promise<void> {
  for (const object of await client.list<KubernetesObject>(type, undefined, signal)) {
    if (!object.metadata?.finalizers?.length) continue;
    const ref = { apiVersion: type.apiVersion, kind: type.kind, name: object.metadata.name!, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
    await client.mergePatch(ref, { metadata: { finalizers: null } }, signal);
  }
}

/** The type a CRD defines, at its storage version. */
function definedType(crd: Crd): ObjectRef | undefined {
  const version = crd.spec?.versions?.find((v) => v.storage)?.name;
  if (!crd.spec?.group || !crd.spec.names?.kind || !version) return undefined;
  return { apiVersion: `${crd.spec.group}/${version}`, kind: crd.spec.names.kind };
}

/** Those of `refs` that carry the lab's mark (see applyMarked), deleted and waited for; the others are someone else's. */
export async function removeMarkedObjects(client: ClusterClient, owner: string, refs: readonly NamedRef[], signal?: AbortSignal): Promise<void> {
  const ours = [];
  for (const ref of refs) if (installedBy(await client.read(ref, signal), owner)) ours.push(ref);
  await deleteAndWait(client, ours, signal);
}

/**
 * The CRDs that carry the lab's mark, with every object of theirs: their finalizers are dropped first, since the
 * lab's OCM ran as host processes that are now stopped.
 */
export async function removeMarkedCrds(client: ClusterClient, owner: string, signal?: AbortSignal): Promise<void> {
  const marked = (await client.list<Crd>(CRD, undefined, signal)).filter((crd: Crd) => installedBy(crd, owner));
  for (const type of marked.map(definedType)) if (type) await dropFinalizers(client, type, signal);
  await deleteAndWait(client, crds(marked.map((crd) => crd.metadata!.name!)), signal);
}
