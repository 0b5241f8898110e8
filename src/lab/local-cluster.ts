import { LOCAL_CLUSTER, type LabSpec } from '../config/schema.js';
import type { ClusterHandle } from '../providers/provider.js';

/** The hub as a managed cluster of itself (`hub.manage`): the hub's API and credentials, under the name OCM knows. */
export function localClusterHandle(hub: ClusterHandle): ClusterHandle {
  return { ...hub, name: LOCAL_CLUSTER, role: 'managed' };
}

/** The cluster a provider knows behind a lab cluster name: local-cluster is the hub. */
export function providerClusterName(spec: LabSpec, cluster: string): string {
  return spec.hub.manage && cluster === LOCAL_CLUSTER ? spec.hub.name : cluster;
}
