export const PROVIDERS = ['auto', 'local', 'kind'] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export type ConcreteProvider = Exclude<ProviderName, 'auto'>;

export const ACCEPT_MODES = ['auto', 'manual'] as const;
export type AcceptMode = (typeof ACCEPT_MODES)[number];

export interface ManagedClusterSpec {
  name: string;
  labels: Record<string, string>;
  clusterSets: string[];
  /** manual: `up` joins the cluster but leaves acceptance to the user (`clusteradm accept`) or a scenario. */
  accept: AcceptMode;
}

export function autoAccepted(spec: LabSpec): ManagedClusterSpec[] {
  return spec.managedClusters.filter((c) => c.accept === 'auto');
}

/** A validated lab config with defaults applied. */
export interface LabSpec {
  name: string;
  provider: ProviderName;
  ocm: { version: string };
  hub: { name: string };
  managedClusters: ManagedClusterSpec[];
  local: { fakeNodes: number };
  kind: { nodeImage: string };
  /** Absolute path of the file this spec was loaded from. */
  configPath: string;
}

export type ClusterRole = 'hub' | 'managed';

export function clusterNames(spec: LabSpec): string[] {
  return [spec.hub.name, ...spec.managedClusters.map((c) => c.name)];
}
