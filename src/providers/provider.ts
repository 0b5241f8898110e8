export const PROVIDER_NAMES = ['local', 'kind', 'existing'] as const;
export type ProviderKind = (typeof PROVIDER_NAMES)[number];
export type ClusterRole = 'hub' | 'managed';

export interface ClusterRequest {
  name: string;
  role: ClusterRole;
}

/** A running cluster as the rest of the lab sees it: a name, an admin kubeconfig and its endpoints. */
export interface ClusterHandle {
  name: string;
  role: ClusterRole;
  /** Admin kubeconfig: the lab's own (0600, in its state dir), or the user's for clusters the lab did not make. */
  kubeconfig: string;
  /** The kubeconfig's context to use; its current context when unset. */
  context?: string;
  /** API server URL as seen from this host. */
  server: string;
  /** API server URL as seen from the other clusters (equal to `server` for the local provider). */
  serverFromClusters: string;
}

/** What a cluster looks like from outside: running or not, and what keeps it from doing its job. */
export interface ClusterHealth {
  /** The API server answers. */
  running: boolean;
  /** Everything wrong with it; empty when the cluster works. */
  problems: string[];
}

/** What a provider can do beyond create and delete, so scenarios that need more are rejected up front. */
export interface ProviderCapabilities {
  /** Stop and start a cluster's control plane. */
  controlPlaneFaults: boolean;
}

/** Where a provider keeps its files: its own folder, and the folder for admin kubeconfigs. */
export interface ProviderDirs {
  work: string;
  kubeconfigs: string;
  /** The lab's state dir: everything the provider makes is marked as owned by it. */
  owner: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Creates and deletes clusters and knows their endpoints; knows nothing about OCM.
 * Every method is idempotent so that `up` can complete a half-made lab and `down` can run after a crash.
 */
export interface ClusterProvider {
  readonly name: ProviderKind;
  readonly capabilities: ProviderCapabilities;
  /** Creates the cluster, or brings an existing one back to work (restarts what is stopped or broken). */
  create(request: ClusterRequest, options?: CallOptions): Promise<ClusterHandle>;
  /** Whether the cluster runs and does its job (API ready, nodes Ready, node agents serving). */
  health(name: string, options?: CallOptions): Promise<ClusterHealth>;
  /** Deletes the cluster and everything the provider made for it. No error if it is already gone. */
  delete(name: string, options?: CallOptions): Promise<void>;
  /** Names of the clusters this lab owns (including ones the lab's state no longer knows). */
  list(options?: CallOptions): Promise<string[]>;
  /**
   * Removes anything of this lab the provider finds that `list` no longer names (after a crash or a lost state).
   * Returns notes the user must act on that did not stop the teardown (a host setting it could not put back).
   */
  reap(options?: CallOptions): Promise<string[]>;
  /**
   * Providers whose clusters outlive the lab (existing): a handle to a cluster without changing anything,
   * so `down` can remove what the lab installed there instead of deleting the cluster.
   */
  connect?(request: ClusterRequest, options?: CallOptions): Promise<ClusterHandle>;
  /** Refuses (exit 2) before anything is made when a cluster's name is held by something that is not this lab's. */
  refuseTakenNames?(clusters: string[], options?: CallOptions): Promise<void>;
  /** Stops the cluster's control plane, keeping its data (fault injection). */
  stopControlPlane(name: string, options?: CallOptions): Promise<void>;
  /** Starts a stopped control plane and waits until the cluster works again. */
  startControlPlane(name: string, options?: CallOptions): Promise<void>;
  /**
   * Writes the logs of the cluster's nodes and control plane into `dir` as the provider has them (kind:
   * `kind export logs`; local: the control plane's component logs), for a diagnostics bundle.
   */
  exportLogs(name: string, dir: string, options?: CallOptions): Promise<void>;
}
