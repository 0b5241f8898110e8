import type { OcmPart, OcmVersions } from '../ocm/ocm-versions.js';
import { LabError } from '../errors.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import type { LabCapabilities } from './capabilities.js';
import type { OperationStep } from './operations/operation.js';
import type { Step } from './types.js';

export interface ScenarioCluster {
  name: string;
  role: 'hub' | 'managed';
  kubeconfig: string;
  /** The kubeconfig's context to use (a user's kubeconfig); its current context when unset. */
  context?: string;
  /** The value for KUBECONFIG that reaches this cluster with kubectl, clusteradm or helm. */
  kubeconfigEnv: string;
}

/**
 * A running lab as scenarios see it: named clusters with clients, what the lab can do, and the
 * operations that need more than a client (faults, a fresh join). It knows neither providers nor installers.
 */
export interface ScenarioLab {
  readonly name: string;
  readonly hubName: string;
  readonly managedClusters: string[];
  readonly stateDir: string;
  readonly capabilities: LabCapabilities;
  /** Path of a tool of the lab's toolchain (kubectl, clusteradm). */
  tool(name: 'kubectl' | 'clusteradm'): string;
  cluster(name: string): ScenarioCluster;
  clusters(): ScenarioCluster[];
  client(name: string): ClusterClient;
  hub(): ClusterClient;
  /** Puts the config's labels and cluster sets on a ManagedCluster again (after a fresh join). */
  relabel(cluster: string, signal?: AbortSignal): Promise<void>;
  fault(cluster: string, target: 'controlPlane' | 'agent', action: 'stop' | 'start', signal?: AbortSignal): Promise<void>;
  /** After the hub accepted the cluster: what the lab does so its agents start at once (see OcmInstaller.accepted). */
  accepted(cluster: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Between the approval of a joining cluster's CSR and its acceptance, if the lab waits for anything there (see OcmInstaller.beforeHubAccepts). */
  beforeHubAccepts(cluster: string): ((signal?: AbortSignal) => Promise<string | undefined>) | undefined;
  /** The cluster leaves and joins again as a new cluster would; afterwards its CSR waits for acceptance. */
  rejoin(cluster: string, signal?: AbortSignal): Promise<void>;
  /** The OCM release the hub and the agents run. */
  ocmVersions(): OcmVersions;
  /** Moves the hub or the agents to a newer OCM release (capabilities.upgrade); says which components restarted. */
  upgradeOcm(part: OcmPart, version: string, signal?: AbortSignal): Promise<{ restarted: string[] }>;
  /** Where a diagnostics bundle finds the lab's logs. */
  diagnosticSources(): DiagnosticSources;
}

/** Logs of what the lab runs on this host, where OCM's pods run, and the provider's node logs. */
export interface DiagnosticSources {
  processLogs: { id: string; log: string }[];
  /** The folder every process log must lie in (a log path from elsewhere is not read). */
  logRoot: string;
  podNamespaces: { hub: string[]; managed: string[] };
  exportNodeLogs: (cluster: string, dir: string) => Promise<void>;
}

/** What one step runs with: the lab, the time it has, and a signal that cancels it when that time is up. */
export interface StepContext {
  lab: ScenarioLab;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs one operation; resolves with an optional one-line summary for the report. */
export type StepExecutor<S extends OperationStep = Step> = (step: S, ctx: StepContext) => Promise<string | void>;

/** An expectation that did not hold: the message says what differs, where, and after how long. */
export class StepFailure extends LabError {}
