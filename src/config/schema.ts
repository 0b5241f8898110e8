import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { LOCAL_CLUSTER } from './local-cluster.js';
import type { ACCEPT_MODES, InstallSpec, labConfigSchema, managedClusterSchema, PROVIDERS } from './schema-lab-config.js';

export { ACCEPT_MODES, INSTALL_TARGETS, OCM_RUNTIMES, PROVIDERS, type HelmSpec, type InstallSpec, type OcmRuntime } from './schema-lab-config.js';

export type ProviderName = (typeof PROVIDERS)[number];
export type AcceptMode = (typeof ACCEPT_MODES)[number];

export type ManagedClusterSpec = z.output<typeof managedClusterSchema>;

/** A validated lab config with defaults applied. */
export type LabSpec = z.output<ReturnType<typeof labConfigSchema>> & {
  /** Absolute path of the file this spec was loaded from. */
  configPath: string;
};

export { LOCAL_CLUSTER } from './local-cluster.js';

/**
 * The managed clusters as OCM sees them: the config's, and with `hub.manage` the hub itself as local-cluster.
 * (The clusters a provider makes are `clusterNames`: local-cluster is the hub, not another cluster.)
 */
export function joinedClusters(spec: LabSpec): ManagedClusterSpec[] {
  const self: ManagedClusterSpec[] = spec.hub.manage ? [{ name: LOCAL_CLUSTER, labels: {}, clusterSets: [], accept: 'auto' }] : [];
  return [...spec.managedClusters, ...self];
}

export function autoAccepted(spec: LabSpec): ManagedClusterSpec[] {
  return joinedClusters(spec).filter((c) => c.accept === 'auto');
}

export type ClusterRole = 'hub' | 'managed';

export function clusterNames(spec: LabSpec): string[] {
  return [spec.hub.name, ...spec.managedClusters.map((c) => c.name)];
}

/** A path the config names (an install's manifests, chart, values file), resolved against the config file's folder. */
export function configRelativePath(spec: Pick<LabSpec, 'configPath'>, path: string): string {
  return resolve(dirname(spec.configPath), path);
}

/** The clusters an install goes to, by name, in the order the lab lists them (local-cluster is the hub: not again). */
export function installClusters(spec: LabSpec, entry: { clusters: InstallSpec['clusters'] }): string[] {
  const managed = spec.managedClusters.map((c) => c.name);
  if (entry.clusters === 'hub') return [spec.hub.name];
  if (entry.clusters === 'managed') return managed;
  if (entry.clusters === 'all') return [spec.hub.name, ...managed];
  return [spec.hub.name, ...managed].filter((name) => (entry.clusters as string[]).includes(name));
}
