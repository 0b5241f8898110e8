import type { ClusterRole, ConcreteProvider } from '../config/schema.js';
import type { ClusterRecord } from '../lab/state.js';

export interface ClusterRequest {
  name: string;
  role: ClusterRole;
}

/** A running cluster as the rest of the lab sees it: a name, a kubeconfig and its endpoints. */
export type ClusterHandle = ClusterRecord;

/**
 * Creates and deletes clusters and knows their endpoints; knows nothing about OCM.
 * Every method is idempotent so that `up` can complete a half-made lab and `down` can run after a crash.
 */
export interface ClusterProvider {
  readonly name: ConcreteProvider;
  /** Creates the cluster, or returns the existing one once it answers. */
  create(request: ClusterRequest): Promise<ClusterHandle>;
  /** Whether the cluster exists and its API server answers. */
  isRunning(name: string): Promise<boolean>;
  /** Deletes the cluster and everything the provider made for it. No error if it is already gone. */
  delete(name: string): Promise<void>;
  /** Names of the clusters that exist for this lab (including ones the state file no longer knows). */
  list(): Promise<string[]>;
  /** Stops the cluster's control plane, keeping its data (fault injection). */
  stop(name: string): Promise<void>;
  /** Starts a stopped control plane and waits until its API server is ready. */
  start(name: string): Promise<void>;
}
