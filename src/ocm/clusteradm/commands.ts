/** Command lines for clusteradm, kept pure so tests can check them without a cluster. */

export function initArgs(hubKubeconfig: string): string[] {
  return ['init', '--wait', '--kubeconfig', hubKubeconfig];
}

export function getTokenArgs(hubKubeconfig: string): string[] {
  return ['get', 'token', '--output', 'json', '--kubeconfig', hubKubeconfig];
}

export function joinArgs(options: { clusterName: string; hubApiServer: string; token: string; kubeconfig: string }): string[] {
  return [
    'join',
    '--hub-token', options.token,
    '--hub-apiserver', options.hubApiServer,
    '--cluster-name', options.clusterName,
    '--force-internal-endpoint-lookup',
    '--wait',
    '--kubeconfig', options.kubeconfig,
  ];
}

export function acceptArgs(clusterName: string, hubKubeconfig: string): string[] {
  return ['accept', '--clusters', clusterName, '--kubeconfig', hubKubeconfig];
}
