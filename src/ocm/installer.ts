import type { ManagedClusterSpec } from '../config/schema.js';
import type { OcmPart, OcmVersions } from './ocm-versions.js';
import type { Health } from '../process/host-process.js';
import type { CallOptions, ClusterHandle } from '../providers/provider.js';

/** What a managed cluster needs to know to join the hub. */
export interface HubInfo {
  /** Bootstrap kubeconfig (0600) for the registration agent, holding a bootstrap token that is still valid. */
  bootstrapKubeconfig: string;
  apiServer: string;
}

/** What `join` left on the cluster. */
export interface JoinResult {
  /** The agent holds no hub credentials yet: it asks the hub with a new CSR, which accept must approve. */
  bootstrapping: boolean;
}

/** One OCM component the installer runs, with its health. */
export interface ComponentStatus {
  id: string;
  cluster: string;
  pid?: number;
  health: Health;
  log?: string;
  /** The OCM release it runs, where the installer knows it. */
  version?: string;
  /** What its health rests on, where it has no process of its own (e.g. "1/1 available" for a Deployment). */
  detail?: string;
  /** The pods it runs as, where it runs in pods (operator-installed OCM). */
  pods?: PodStatus[];
}

/** A pod as `kubectl get pods` shows it. */
export interface PodStatus {
  name: string;
  phase: string;
  /** Ready containers of all, e.g. "1/1". */
  ready: string;
  restarts: number;
  /** Being deleted (it may still run for its grace period); absent otherwise. */
  terminating?: true;
}

/** What an installer can do beyond install, so scenarios that need more are rejected up front. */
export interface InstallerCapabilities {
  /** Stop and start a managed cluster's klusterlet agent. */
  agentFaults: boolean;
  /** Make a joined cluster join again as a new one would. */
  freshJoin: boolean;
  /** Move the hub or the agents to a newer OCM release (the `upgrade` scenario operation). */
  upgrade: boolean;
}

/** Where an installer keeps its files, and the lab everything it starts is marked with. */
export interface InstallerDirs {
  work: string;
  logs: string;
  secrets: string;
  owner: string;
}

/**
 * Installs OCM on clusters it is handed; knows nothing about how a cluster was made.
 * Every method is idempotent.
 */
export interface OcmInstaller {
  readonly capabilities: InstallerCapabilities;
  initHub(hub: ClusterHandle, options?: CallOptions): Promise<HubInfo>;
  /** Starts the klusterlet for `cluster`; returns once its registration agent is running (its CSR may not exist yet). */
  join(cluster: ClusterHandle, spec: ManagedClusterSpec, hub: HubInfo, options?: CallOptions): Promise<JoinResult>;
  /**
   * A cluster joining for the first time, after its CSR is approved and before the hub accepts it: waits (briefly, giving
   * up quietly) until OCM on the cluster has seen the agent's new credentials while they still grant nothing. Given
   * it, the lab approves the CSR before `clusteradm accept` (../ocm/approve-csr.ts). Says what it did, if anything.
   */
  beforeHubAccepts?(cluster: ClusterHandle, options?: CallOptions): Promise<string | undefined>;
  /**
   * After the hub accepted the cluster: lets the agents start as soon as the hub credentials allow, instead of on an
   * OCM timer. Says what it did, if anything.
   */
  accepted?(cluster: ClusterHandle, options?: CallOptions): Promise<string | undefined>;
  /** The OCM components this installer runs on these clusters (host processes, or operator pods), with their health. */
  components(clusters: ClusterHandle[], options?: CallOptions): Promise<ComponentStatus[]>;
  /** Logs of what the installer runs on this host, for diagnostics. */
  logs(): { id: string; log: string }[];
  /** Namespaces where OCM's own pods run, by cluster role (none when OCM runs as host processes). */
  readonly podNamespaces: { hub: string[]; managed: string[] };
  /** Stops everything the installer started on this host, recorded or not. */
  teardown(): Promise<void>;
  /**
   * For clusters that outlive the lab: removes the OCM this lab installed on them (and the hub's record of
   * the clusters it joined), and nothing of an OCM it adopted. Safe to run again.
   */
  uninstall?(hub: ClusterHandle, managed: ClusterHandle[], options?: CallOptions): Promise<void>;
  /** Stops the klusterlet agent of one managed cluster (fault injection). */
  stopAgent(cluster: ClusterHandle, options?: CallOptions): Promise<void>;
  /** Starts that agent again and waits until it is healthy. */
  startAgent(cluster: ClusterHandle, hub: HubInfo, options?: CallOptions): Promise<void>;
  /**
   * After the cluster's control plane was stopped and started again (at `restartedAt`): lets OCM's
   * components there resume at once instead of waiting out what their dead predecessors left.
   */
  afterControlPlaneRestart(cluster: ClusterHandle, restartedAt: Date, options?: CallOptions): Promise<void>;
  /**
   * Joins the cluster afresh, as a new cluster would: drops its hub credentials and its
   * ManagedCluster and CSRs on the hub, then starts the agent with the bootstrap credentials.
   * Afterwards the cluster waits for acceptance.
   */
  rejoin(cluster: ClusterHandle, hub: HubInfo, hubCluster: ClusterHandle, options?: CallOptions): Promise<void>;
  /** HubInfo of an initialised hub, with a bootstrap token renewed when it is close to expiring. */
  hubInfo(hub: ClusterHandle, options?: CallOptions): Promise<HubInfo>;
  /** The OCM release each part runs, as this installer installed or upgraded it (empty before the first install). */
  versions(): OcmVersions;
  /** Moves the hub or the agents to a newer release and waits until its components run it (capabilities.upgrade). */
  upgrade?(part: OcmPart, version: string, clusters: { hub: ClusterHandle; managed: ClusterHandle[] }, options?: CallOptions): Promise<void>;
}
