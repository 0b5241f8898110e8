/** Every binary the toolchain provides, grouped by the Go build that produces it. */
export const KUBERNETES_BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;
export const KWOK_BINARIES = ['kwok', 'kwokctl'] as const;
export const OCM_BINARIES = ['registration', 'placement', 'work', 'addon', 'registration-operator'] as const;
/** Our own command serving OCM's hub webhooks on loopback (ops/toolchain/wrappers/ocm-webhooks). */
export const OCM_WEBHOOK_SERVER = 'ocm-webhook-server';

export const ALL_BINARIES = [
  'etcd',
  ...KUBERNETES_BINARIES,
  ...KWOK_BINARIES,
  ...OCM_BINARIES,
  OCM_WEBHOOK_SERVER,
  'clusteradm',
  'kind',
  'helm',
] as const;

export type BinaryName = (typeof ALL_BINARIES)[number];
