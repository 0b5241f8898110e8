import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kwokctlConfig, portsFrom } from '../../../src/providers/local/kwokctl-config.js';

const config = parse(
  kwokctlConfig({
    binaries: { kubeApiserver: '/b/kube-apiserver', kubeControllerManager: '/b/kcm', kubeScheduler: '/b/ks', kubectl: '/b/kubectl', etcd: '/b/etcd', kwok: '/b/kwok' },
    kubeVersion: 'v1.36.1',
    etcdVersion: 'v3.6.16',
    pkiDir: '/state/kwok/clusters/hub/pki',
    ports: portsFrom([1, 2, 3, 4, 5, 6]),
  }),
) as { apiVersion: string; kind: string; options: Record<string, unknown>; componentsPatches: { name: string; extraArgs: { key: string; value: string }[] }[] };

describe('kwokctlConfig', () => {
  it('uses the binary runtime with local binaries only (nothing to download)', () => {
    expect(config).toMatchObject({ apiVersion: 'config.kwok.x-k8s.io/v1alpha1', kind: 'KwokctlConfiguration' });
    expect(config.options).toMatchObject({
      runtime: 'binary',
      kubeApiserverBinary: '/b/kube-apiserver',
      kubeControllerManagerBinary: '/b/kcm',
      kubeSchedulerBinary: '/b/ks',
      kubectlBinary: '/b/kubectl',
      etcdBinary: '/b/etcd',
      kwokControllerBinary: '/b/kwok',
      etcdVersion: '3.6.16',
    });
    for (const value of Object.values(config.options)) expect(String(value)).not.toMatch(/^https?:/);
  });

  it('binds every component to 127.0.0.1 on the ports we allocated', () => {
    expect(config.options).toMatchObject({
      bindAddress: '127.0.0.1',
      kubeApiserverPort: 1,
      etcdPort: 2,
      etcdPeerPort: 3,
      kubeControllerManagerPort: 4,
      kubeSchedulerPort: 5,
      kwokControllerPort: 6,
    });
  });

  it('lets the controller-manager sign client CSRs with the cluster CA (OCM needs it); no leader election to wait for after a restart', () => {
    expect(config.componentsPatches).toEqual([
      {
        name: 'kube-controller-manager',
        extraArgs: [
          { key: 'cluster-signing-cert-file', value: '/state/kwok/clusters/hub/pki/ca.crt' },
          { key: 'cluster-signing-key-file', value: '/state/kwok/clusters/hub/pki/ca.key' },
          { key: 'leader-elect', value: 'false' },
        ],
      },
      { name: 'kube-scheduler', extraArgs: [{ key: 'leader-elect', value: 'false' }] },
    ]);
  });

  it('portsFrom needs all six ports', () => {
    expect(() => portsFrom([1, 2, 3])).toThrow(/need 6 ports/);
  });
});
