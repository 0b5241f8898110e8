import { readFileSync } from 'node:fs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ClusterClient, NamedRef } from '../../kube/cluster-client.js';
import { applyMarked } from '../install-marks.js';
import { BOOTSTRAP_NAMESPACE, BOOTSTRAP_SERVICE_ACCOUNT } from '../bootstrap-token.js';

export const HUB_NAMESPACE = 'open-cluster-management-hub';
export const AGENT_NAMESPACE = 'open-cluster-management-agent';
const BOOTSTRAP_CLUSTER_ROLE = 'open-cluster-management:bootstrap';

const BOOTSTRAP_BINDING = 'open-cluster-management:bootstrap:agent-registration';
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;
const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
const CLUSTER_ROLE = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' } as const;
const CLUSTER_ROLE_BINDING = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' } as const;

function namespace(name: string): KubernetesObject {
  return { ...NAMESPACE, metadata: { name } };
}

/** Applies the CRD files of the release, marked as the lab's (see applyMarked), and waits until each is Established. */
async function applyCrds(client: ClusterClient, files: readonly string[], owner: string, signal?: AbortSignal): Promise<void> {
  const crds = files.flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as KubernetesObject | null));
  const names = crds.flatMap((crd) => crd?.metadata?.name ?? []);
  // Independent objects: applied together, not one request after another.
  await Promise.all(crds.flatMap((crd) => (crd?.metadata?.name ? [applyMarked(client, crd, owner, { signal })] : [])));
  await client.waitFor<KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } }, true>(
    CRD,
    (crds) => {
      const established = new Set(
        crds.filter((c) => c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')).map((c) => c.metadata!.name!),
      );
      return names.every((n) => established.has(n)) ? true : undefined;
    },
    { timeoutMs: 60_000, description: `CRDs ${names.join(', ')} to be established`, signal },
  );
}

/** The hub's own objects besides the CRDs: what `down` removes of a hub the lab installed, with the CRDs. */
export const HUB_OBJECTS: readonly NamedRef[] = [
  { ...NAMESPACE, name: BOOTSTRAP_NAMESPACE },
  { ...NAMESPACE, name: HUB_NAMESPACE },
  { ...CLUSTER_ROLE, name: BOOTSTRAP_CLUSTER_ROLE },
  { ...CLUSTER_ROLE_BINDING, name: BOOTSTRAP_BINDING },
];

/** What clusteradm init would leave on the hub for the processes to use: CRDs, namespaces, the bootstrap identity; marked as the lab's. */
export async function prepareHub(hub: ClusterClient, crdFiles: readonly string[], owner: string, signal?: AbortSignal): Promise<void> {
  await applyCrds(hub, crdFiles, owner, signal);
  await applyMarked(hub, namespace(BOOTSTRAP_NAMESPACE), owner, { signal });
  await applyMarked(hub, namespace(HUB_NAMESPACE), owner, { signal });
  await hub.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: BOOTSTRAP_NAMESPACE } }, { signal });
  const rules = [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
    { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] },
    { apiGroups: ['cluster.open-cluster-management.io'], resources: ['managedclusters'], verbs: ['get', 'create', 'list', 'watch'] },
    { apiGroups: ['cluster.open-cluster-management.io'], resources: ['managedclustersets/join'], verbs: ['create'] },
  ];
  await applyMarked(hub, { ...CLUSTER_ROLE, metadata: { name: BOOTSTRAP_CLUSTER_ROLE }, rules } as KubernetesObject, owner, { signal });
  await applyMarked(hub, {
    ...CLUSTER_ROLE_BINDING,
    metadata: { name: BOOTSTRAP_BINDING },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: BOOTSTRAP_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: BOOTSTRAP_NAMESPACE }],
  } as KubernetesObject, owner, { signal });
}

/** The klusterlet's namespace on a managed cluster: what `down` removes there, with the CRDs. */
export const AGENT_OBJECTS: readonly NamedRef[] = [{ ...NAMESPACE, name: AGENT_NAMESPACE }];

/** What the klusterlet needs on a managed cluster before its agent starts; marked as the lab's. */
export async function prepareManagedCluster(cluster: ClusterClient, crdFiles: readonly string[], owner: string, signal?: AbortSignal): Promise<void> {
  await applyCrds(cluster, crdFiles, owner, signal);
  await applyMarked(cluster, namespace(AGENT_NAMESPACE), owner, { signal });
}
