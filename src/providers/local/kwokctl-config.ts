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
  /** A managed cluster's control plane runs lean (MANAGED_CONTROL_PLANE); the hub's as kwokctl makes it. */
  role: 'hub' | 'managed';
}

/**
 * What a managed cluster's control plane does without, none of it seen by OCM or by what a ManifestWork deploys there.
 * The hub, which carries every agent's traffic, keeps all of it.
 * - GOGC=25: an idle control plane's memory is mostly the Go heap's headroom; hub + 10 took 22% less memory (PSS 3.2 GB
 *   against 4.1, each kube-apiserver 148 MB against 214; 2026-12-06).
 * - kube-apiserver without its watch cache: a managed cluster has a handful of clients (its controllers, kwok, the
 *   klusterlet), whose lists and watches etcd serves as well; 5 MB of ~137 (2026-12-07, one cluster).
 * - the controller-manager without the ValidatingAdmissionPolicy status controller, which type-checks policies against
 *   every API's schema only to write warnings into their status (the API server enforces them either way): 8 MB of ~38
 *   (2026-12-07, one cluster; no other default controller held more than 1 MB).
 */
export const MANAGED_CONTROL_PLANE = {
  gcPercent: 25,
  apiServerArgs: [{ key: 'watch-cache', value: 'false' }],
  controllerManagerArgs: [{ key: 'controllers', value: '*,-validatingadmissionpolicy-status-controller' }],
} as const;

const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller'] as const;

/** The kwokctl `extraArgs` entry; `override` replaces the `--key=` argument kwokctl itself passes. */
interface ExtraArg {
  key: string;
  value: string;
  override?: true;
}

/** kwokctl gives every component one certificate (admin.crt, SANs localhost and 127.0.0.1, server and client use). */
function pki(pkiDir: string) {
  return { ca: `${pkiDir}/ca.crt`, cert: `${pkiDir}/admin.crt`, key: `${pkiDir}/admin.key` };
}

/**
 * kwokctl v0.8.0 runs etcd with plain-HTTP client and peer URLs and no client authentication (its
 * BuildEtcdComponent hard-codes http://), so any local user could read every Secret. These overrides serve
 * both over TLS and demand a client certificate signed by the cluster CA. Not `--client-cert-allowed-hostname`:
 * etcd applies it to its own HTTP gateway's loopback client too, which then fails every second.
 */
function etcdTlsArgs(pkiDir: string, ports: KwokctlPorts): ExtraArg[] {
  const { ca, cert, key } = pki(pkiDir);
  const client = `https://127.0.0.1:${ports.etcdPort}`;
  const peer = `https://127.0.0.1:${ports.etcdPeerPort}`;
  return [
    { key: 'listen-client-urls', value: client, override: true },
    { key: 'advertise-client-urls', value: client, override: true },
    { key: 'listen-peer-urls', value: peer, override: true },
    { key: 'initial-advertise-peer-urls', value: peer, override: true },
    { key: 'initial-cluster', value: `node0=${peer}`, override: true },
    { key: 'cert-file', value: cert },
    { key: 'key-file', value: key },
    { key: 'client-cert-auth', value: 'true' },
    { key: 'trusted-ca-file', value: ca },
    { key: 'peer-cert-file', value: cert },
    { key: 'peer-key-file', value: key },
    { key: 'peer-client-cert-auth', value: 'true' },
    { key: 'peer-trusted-ca-file', value: ca },
  ];
}

/** kube-apiserver reaches its etcd over TLS with kwokctl's admin certificate. */
function apiserverEtcdArgs(pkiDir: string, ports: KwokctlPorts): ExtraArg[] {
  const { ca, cert, key } = pki(pkiDir);
  return [
    { key: 'etcd-servers', value: `https://127.0.0.1:${ports.etcdPort}`, override: true },
    { key: 'etcd-cafile', value: ca },
    { key: 'etcd-certfile', value: cert },
    { key: 'etcd-keyfile', value: key },
  ];
}

/**
 * A KwokctlConfiguration for the binary runtime that downloads nothing: every component
 * is a local binary, everything listens on 127.0.0.1, etcd only answers TLS clients holding
 * a certificate of the cluster CA, and the controller-manager signs
 * kubernetes.io/kube-apiserver-client CSRs with the cluster CA (OCM relies on that).
 */
export function kwokctlConfig(input: KwokctlConfigInput): string {
  const lean = input.role === 'managed';
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
    componentsPatches: withEnvs(lean ? [{ name: 'GOGC', value: String(MANAGED_CONTROL_PLANE.gcPercent) }] : [], [
      { name: 'etcd', extraArgs: etcdTlsArgs(input.pkiDir, input.ports) },
      { name: 'kube-apiserver', extraArgs: [...apiserverEtcdArgs(input.pkiDir, input.ports), ...(lean ? MANAGED_CONTROL_PLANE.apiServerArgs : [])] },
      {
        name: 'kube-controller-manager',
        extraArgs: [
          { key: 'cluster-signing-cert-file', value: `${input.pkiDir}/ca.crt` },
          { key: 'cluster-signing-key-file', value: `${input.pkiDir}/ca.key` },
          // One instance per cluster: leader election only delays a restarted controller-manager by a lease.
          { key: 'leader-elect', value: 'false' },
          ...(lean ? MANAGED_CONTROL_PLANE.controllerManagerArgs : []),
        ],
      },
      { name: 'kube-scheduler', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
    ]),
  });
}

interface ComponentPatch {
  name: (typeof CONTROL_PLANE)[number];
  extraArgs: ExtraArg[];
  extraEnvs?: { name: string; value: string }[];
}

/** The patches with `envs` added to every control-plane component (none: the patches as they are). */
function withEnvs(envs: { name: string; value: string }[], patches: ComponentPatch[]): ComponentPatch[] {
  if (!envs.length) return patches;
  return CONTROL_PLANE.map((name) => ({ ...(patches.find((p) => p.name === name) ?? { name, extraArgs: [] }), extraEnvs: envs }));
}
