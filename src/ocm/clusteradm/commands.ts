/** Command lines for clusteradm, kept pure so tests can check them without a cluster. */
import { clusteradmFeatureGates, type FeatureGates } from '../feature-gates.js';

/** The cluster a command acts on: a kubeconfig, and the context in it when not its current one. */
export interface KubeTarget {
  kubeconfig: string;
  context?: string;
}

function targetArgs(target: KubeTarget): string[] {
  return ['--kubeconfig', target.kubeconfig, ...(target.context === undefined ? [] : ['--context', target.context])];
}

/**
 * `--bundle-version` makes clusteradm deploy the OCM version the lab pins, not its own default.
 * No `--wait`: init creates the bootstrap credentials before it would start waiting, so managed clusters
 * join while the hub's controllers come up; `up` then waits for every hub component to be available.
 */
export function initArgs(hub: KubeTarget, bundleVersion: string, featureGates: FeatureGates = {}): string[] {
  return ['init', '--bundle-version', bundleVersion, ...clusteradmFeatureGates(featureGates), ...targetArgs(hub)];
}

export function getTokenArgs(hub: KubeTarget): string[] {
  return ['get', 'token', '--output', 'json', ...targetArgs(hub)];
}

/**
 * No `--wait`: `up` watches the hub for the agent's CSR, which appears the moment the agent runs.
 * `hubLookup`: the agents use the hub's in-cluster endpoint from its cluster-info ConfigMap, not `hubApiServer`.
 */
export function joinArgs(options: {
  clusterName: string;
  hubApiServer: string;
  token: string;
  cluster: KubeTarget;
  bundleVersion: string;
  hubLookup?: boolean;
  featureGates?: FeatureGates;
  /** Klusterlet chart values merged over clusteradm's (the lab's status sync interval). */
  valuesFile?: string;
}): string[] {
  return [
    'join',
    '--hub-token', options.token,
    '--hub-apiserver', options.hubApiServer,
    '--cluster-name', options.clusterName,
    ...(options.hubLookup === false ? [] : ['--force-internal-endpoint-lookup']),
    '--bundle-version', options.bundleVersion,
    ...clusteradmFeatureGates(options.featureGates ?? {}),
    ...(options.valuesFile ? ['--klusterlet-values-file', options.valuesFile] : []),
    ...targetArgs(options.cluster),
  ];
}

/**
 * `approveEveryRequester`: clusteradm refuses a cluster whose CSRs (approved ones included) come from more
 * than one agent identity, as when an accepted cluster's agent lost its credentials and bootstrapped anew;
 * `--skip-approve-check` approves that cluster's pending CSRs whoever asked.
 */
export function acceptArgs(clusterName: string, hub: KubeTarget, options: { approveEveryRequester?: boolean } = {}): string[] {
  return ['accept', '--clusters', clusterName, ...(options.approveEveryRequester ? ['--skip-approve-check'] : []), ...targetArgs(hub)];
}

/** Moves the cluster manager or the klusterlet to `bundleVersion`, keeping the settings of its operator CR; waits for the operator. */
export function upgradeArgs(what: 'clustermanager' | 'klusterlet', bundleVersion: string, target: KubeTarget): string[] {
  return ['upgrade', what, '--bundle-version', bundleVersion, '--wait', ...targetArgs(target)];
}

/** Removes the klusterlet, its operator and their namespaces from a managed cluster (the hub keeps its ManagedCluster). */
export function unjoinArgs(clusterName: string, cluster: KubeTarget): string[] {
  return ['unjoin', '--cluster-name', clusterName, ...targetArgs(cluster)];
}

/** Removes the cluster manager and its operator from the hub; clusteradm does nothing while a managed cluster is available. */
export function cleanArgs(hub: KubeTarget): string[] {
  return ['clean', ...targetArgs(hub)];
}
