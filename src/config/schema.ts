import type { z } from 'zod';
import type { ACCEPT_MODES, labConfigSchema, managedClusterSchema, PROVIDERS } from './schema-lab-config.js';

export { ACCEPT_MODES, PROVIDERS } from './schema-lab-config.js';

export type ProviderName = (typeof PROVIDERS)[number];
export type AcceptMode = (typeof ACCEPT_MODES)[number];

export type ManagedClusterSpec = z.output<typeof managedClusterSchema>;

/** A validated lab config with defaults applied. */
export type LabSpec = z.output<ReturnType<typeof labConfigSchema>> & {
  /** Absolute path of the file this spec was loaded from. */
  configPath: string;
};

export function autoAccepted(spec: LabSpec): ManagedClusterSpec[] {
  return spec.managedClusters.filter((c) => c.accept === 'auto');
}

export type ClusterRole = 'hub' | 'managed';

export function clusterNames(spec: LabSpec): string[] {
  return [spec.hub.name, ...spec.managedClusters.map((c) => c.name)];
}
