import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ClusterClient } from '../../kube/cluster-client.js';
import { BOOTSTRAP_NAMESPACE, BOOTSTRAP_SERVICE_ACCOUNT } from '../bootstrap-token.js';
import { HUB_CRD_FILES, MANAGED_CRD_FILES } from '../../toolchain/crds.js';

export const HUB_NAMESPACE = 'open-cluster-management-hub';
export const AGENT_NAMESPACE = 'open-cluster-management-agent';
const BOOTSTRAP_CLUSTER_ROLE = 'open-cluster-management:bootstrap';

const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' } as const;

function namespace(name: string): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** Applies the given CRD files from the toolchain and waits until each is Established. */
export async function applyCrds(client: ClusterClient, crdDir: string, files: readonly string[], signal?: AbortSignal): Promise<void> {
  const names: string[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(crdDir, basename(file)), 'utf8'))) {
      const crd = doc.toJS() as KubernetesObject | null;
      if (!crd?.metadata?.name) continue;
      names.push(crd.metadata.name);
      await client.apply(crd, { signal });
    }
  }
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

/** What clusteradm init would leave on the hub for the processes to use: CRDs, namespaces, the bootstrap identity. */
export async function prepareHub(hub: ClusterClient, crdDir: string, signal?: AbortSignal): Promise<void> {
  await applyCrds(hub, crdDir, HUB_CRD_FILES, signal);
  await hub.apply(namespace(BOOTSTRAP_NAMESPACE), { signal });
  await hub.apply(namespace(HUB_NAMESPACE), { signal });
  await hub.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: BOOTSTRAP_NAMESPACE } }, { signal });
  await hub.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: BOOTSTRAP_CLUSTER_ROLE },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] },
      { apiGroups: ['cluster.open-cluster-management.io'], resources: ['managedclusters'], verbs: ['get', 'create', 'list', 'watch'] },
      { apiGroups: ['cluster.open-cluster-management.io'], resources: ['managedclustersets/join'], verbs: ['create'] },
    ],
  } as KubernetesObject, { signal });
  await hub.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'open-cluster-management:bootstrap:agent-registration' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: BOOTSTRAP_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: BOOTSTRAP_SERVICE_ACCOUNT, namespace: BOOTSTRAP_NAMESPACE }],
  } as KubernetesObject, { signal });
}

/** What the klusterlet needs on a managed cluster before its agent starts. */
export async function prepareManagedCluster(cluster: ClusterClient, crdDir: string, signal?: AbortSignal): Promise<void> {
  await applyCrds(cluster, crdDir, MANAGED_CRD_FILES, signal);
  await cluster.apply(namespace(AGENT_NAMESPACE), { signal });
}
