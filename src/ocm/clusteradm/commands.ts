/** Command lines for clusteradm, kept pure so tests can check them without a cluster. */
import { clusteradmFeatureGates, type FeatureGates } from '../feature-gates.js';

/**
 * `--bundle-version` makes clusteradm deploy the OCM version the lab pins, not its own default.
 * No `--wait`: init creates the bootstrap credentials before it would start waiting, so managed clusters
 * join while the hub's controllers come up; `up` then waits for every hub component to be available.
 */
export function initArgs(hubKubeconfig: string, bundleVersion: string, featureGates: FeatureGates = {}): string[] {
  return ['init', '--bundle-version', bundleVersion, ...clusteradmFeatureGates(featureGates), '--kubeconfig', hubKubeconfig];
}

export function getTokenArgs(hubKubeconfig: string): string[] {
  return ['get', 'token', '--output', 'json', '--kubeconfig', hubKubeconfig];
}

/** No `--wait`: `up` watches the hub for the agent's CSR, which appears the moment the agent runs. */
export function joinArgs(options: {
  clusterName: string;
  hubApiServer: string;
  token: string;
  kubeconfig: string;
  bundleVersion: string;
  featureGates?: FeatureGates;
  /** Klusterlet chart values merged over clusteradm's (the lab's status sync interval). */
  valuesFile?: string;
}): string[] {
  return [
    'join',
    '--hub-token', options.token,
    '--hub-apiserver', options.hubApiServer,
    '--cluster-name', options.clusterName,
    '--force-internal-endpoint-lookup',
    '--bundle-version', options.bundleVersion,
    ...clusteradmFeatureGates(options.featureGates ?? {}),
    ...(options.valuesFile ? ['--klusterlet-values-file', options.valuesFile] : []),
    '--kubeconfig', options.kubeconfig,
  ];
}

/**
 * `approveEveryRequester`: clusteradm refuses a cluster whose CSRs (approved ones included) come from more
 * than one agent identity, as when an accepted cluster's agent lost its credentials and bootstrapped anew;
 * `--skip-approve-check` approves that cluster's pending CSRs whoever asked.
 */
export function acceptArgs(clusterName: string, hubKubeconfig: string, options: { approveEveryRequester?: boolean } = {}): string[] {
  return ['accept', '--clusters', clusterName, ...(options.approveEveryRequester ? ['--skip-approve-check'] : []), '--kubeconfig', hubKubeconfig];
}
