import { stringify } from 'yaml';

export interface KwokctlPorts {
  kubeApiserverPort: number;
  etcdPort: number;
  etcdPeerPort: number;
  kubeControllerManagerPort: number;
  kubeSchedulerPort: number;
  kwokControllerPort: number;
}

export const PORT_COUNT = 6;

export function portsFrom(list: number[]): KwokctlPorts {
  const [kubeApiserverPort, etcdPort, etcdPeerPort, kubeControllerManagerPort, kubeSchedulerPort, kwokControllerPort] = list;
  if (kwokControllerPort === undefined) throw new Error(`need ${PORT_COUNT} ports, got ${list.length}`);
  return { kubeApiserverPort: kubeApiserverPort!, etcdPort: etcdPort!, etcdPeerPort: etcdPeerPort!, kubeControllerManagerPort: kubeControllerManagerPort!, kubeSchedulerPort: kubeSchedulerPort!, kwokControllerPort };
}

export interface KwokctlConfigInput {
  binaries: {
    kubeApiserver: string;
    kubeControllerManager: string;
    kubeScheduler: string;
    kubectl: string;
    etcd: string;
    kwok: string;
  };
  kubeVersion: string;
  etcdVersion: string;
  /** The cluster's pki dir (kwokctl writes ca.crt/ca.key there). */
  pkiDir: string;
  ports: KwokctlPorts;
}

/**
 * A KwokctlConfiguration for the binary runtime that downloads nothing: every component
 * is a local binary, everything listens on 127.0.0.1, and the controller-manager signs
 * kubernetes.io/kube-apiserver-client CSRs with the cluster CA (OCM relies on that).
 */
export function kwokctlConfig(input: KwokctlConfigInput): string {
  return stringify({
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: {
      runtime: 'binary',
      kubeVersion: input.kubeVersion,
      etcdVersion: input.etcdVersion.replace(/^v/, ''),
      bindAddress: '127.0.0.1',
      kubeApiserverBinary: input.binaries.kubeApiserver,
      kubeControllerManagerBinary: input.binaries.kubeControllerManager,
      kubeSchedulerBinary: input.binaries.kubeScheduler,
      kubectlBinary: input.binaries.kubectl,
      etcdBinary: input.binaries.etcd,
      kwokControllerBinary: input.binaries.kwok,
      ...input.ports,
    },
    componentsPatches: [
      {
        name: 'kube-controller-manager',
        extraArgs: [
          { key: 'cluster-signing-cert-file', value: `${input.pkiDir}/ca.crt` },
          { key: 'cluster-signing-key-file', value: `${input.pkiDir}/ca.key` },
          // One instance per cluster: leader election only delays a restarted controller-manager by a lease.
          { key: 'leader-elect', value: 'false' },
        ],
      },
      { name: 'kube-scheduler', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
    ],
  });
}
