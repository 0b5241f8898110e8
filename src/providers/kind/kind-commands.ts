/** Command lines for the kind CLI, kept pure so tests can check them without Docker. */

/** kind's name for a lab cluster: the lab name keeps two labs on one Docker engine apart. */
export function kindClusterName(labName: string, cluster: string): string {
  return `${labName}-${cluster}`;
}

/** The container (and host name on the kind network) of a single-node kind cluster. */
export function kindNodeName(kindName: string): string {
  return `${kindName}-control-plane`;
}

/**
 * `kindKubeconfig` is a file of this cluster alone: kind locks the kubeconfig it writes,
 * and parallel creates sharing one file fail on that lock.
 */
export function createClusterArgs(options: { kindName: string; nodeImage: string; kindKubeconfig: string }): string[] {
  return [
    'create', 'cluster',
    '--name', options.kindName,
    '--image', options.nodeImage,
    '--kubeconfig', options.kindKubeconfig,
    '--wait', '2m',
  ];
}

/** Without --kubeconfig kind would edit $KUBECONFIG or ~/.kube/config. */
export function deleteClusterArgs(kindName: string, kindKubeconfig: string): string[] {
  return ['delete', 'cluster', '--name', kindName, '--kubeconfig', kindKubeconfig];
}

export function getClustersArgs(): string[] {
  return ['get', 'clusters'];
}

/**
 * Prints the admin kubeconfig. Its server is the host's published port, or with `internal` the
 * endpoint other kind nodes use on the shared `kind` network (https://<name>-control-plane:6443).
 */
export function getKubeconfigArgs(kindName: string, options: { internal: boolean }): string[] {
  return ['get', 'kubeconfig', '--name', kindName, ...(options.internal ? ['--internal'] : [])];
}

/** This lab's clusters in `kind get clusters` output, by their lab names (prefix removed). */
export function labClusters(getClustersOutput: string, labName: string): string[] {
  const prefix = `${labName}-`;
  return getClustersOutput
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(prefix) && line.length > prefix.length)
    .map((line) => line.slice(prefix.length));
}
