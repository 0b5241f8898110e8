import type { ClusterHandle } from '../providers/provider.js';
import type { ManagedClusterSpec } from '../config/schema.js';

/** What a managed cluster needs to know to join the hub. */
export interface HubInfo {
  /** Bootstrap kubeconfig (0600) for the registration agent, holding the bootstrap token. */
  bootstrapKubeconfig: string;
  apiServer: string;
}

export interface ProcessStatus {
  id: string;
  cluster: string;
  pid: number;
  health: 'healthy' | 'unhealthy' | 'stopped';
  log: string;
}

/**
 * Installs OCM on clusters it is handed; knows nothing about how a cluster was made.
 * Every method is idempotent.
 */
export interface OcmInstaller {
  initHub(hub: ClusterHandle): Promise<HubInfo>;
  /** Starts the klusterlet for `cluster`; returns once its registration agent is running (its CSR may not exist yet). */
  join(cluster: ClusterHandle, spec: ManagedClusterSpec, hub: HubInfo): Promise<void>;
  /** Host processes the installer runs, with their health (empty when OCM runs in pods). */
  processes(): Promise<ProcessStatus[]>;
  /** Stops everything the installer started on this host. */
  stop(): Promise<void>;
  /** Stops the klusterlet agent of one managed cluster (fault injection). */
  stopAgent(cluster: ClusterHandle): Promise<void>;
  /** Starts that agent again and waits until it is healthy. */
  startAgent(cluster: ClusterHandle, hub: HubInfo): Promise<void>;
  /**
   * Joins the cluster afresh, as a new cluster would: drops its hub credentials and its
   * ManagedCluster and CSRs on the hub, then starts the agent with the bootstrap credentials.
   * Afterwards the cluster waits for acceptance.
   */
  rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle): Promise<void>;
  /** HubInfo of an initialised hub, without changing anything. */
  hubInfo(hub: ClusterHandle): HubInfo;
}
